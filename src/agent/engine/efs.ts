// An EFS volume on a Wharf host: the file system is the directory EFS_ROOT/FSID (on this host, or a shared NFS mount
// every agent sees), mounted into the task as a bind. An access point's root directory is created with its
// CreationInfo (owner, permissions) the first time it is mounted, as EFS does, and its POSIX user is the user of the
// containers that mount it.
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { AgentTask, Volume } from '../protocol.js';
import type { ResolvedVolume } from './spec.js';

const fail = (fsId: string, why: string) =>
  new Error(`ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: ${why} (file system ${fsId})`);

export async function prepareEfsVolume(task: AgentTask, v: Volume, efsRoot: string | undefined): Promise<ResolvedVolume> {
  const cfg = v.efsVolumeConfiguration!;
  const fsId = cfg.fileSystemId ?? '';
  if (!efsRoot) throw fail(fsId, 'this agent has no EFS root (start it with --efs-root)');
  const mount = task.efs?.[v.name!];
  if (!mount) {
    const ap = cfg.authorizationConfig?.accessPointId;
    throw fail(fsId, ap ? `access point ${ap} of file system ${fsId} does not exist` : `Failed to resolve "${fsId}" - check that your file system ID is correct`);
  }
  const fsDir = join(efsRoot, mount.fileSystemId);
  await mkdir(fsDir, { recursive: true, mode: 0o755 });
  if (mount.accessPointRoot && mount.accessPointRoot !== '/') {
    const dir = inside(fsDir, mount.accessPointRoot);
    if (!(await exists(dir))) {
      // EFS creates the parents owned by root (0755) and the root directory itself as CreationInfo says.
      await mkdir(dir, { recursive: true, mode: 0o755 });
      const info = mount.creationInfo;
      if (info) {
        await chown(dir, info.OwnerUid, info.OwnerGid);
        await chmod(dir, parseInt(info.Permissions, 8));
      }
    }
  }
  const source = inside(fsDir, mount.path);
  if (!(await exists(source))) {
    throw fail(fsId, `mount.nfs4: mounting ${fsId}:${mount.path} failed, reason given by server: No such file or directory`);
  }
  const p = mount.posixUser;
  return {
    source,
    posixUser: p ? { user: `${p.Uid}:${p.Gid}`, groups: (p.SecondaryGids ?? []).map(String) } : undefined,
  };
}

/** A path inside the file system's directory, never above it. */
function inside(fsDir: string, path: string): string {
  const rel = normalize(`/${path}`).replace(/^\/+/, '');
  return rel ? join(fsDir, rel) : fsDir;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
