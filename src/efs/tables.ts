// EFS's tables in the shared store: one row per file system, mount target and access point, indexed by file system
// so DeleteFileSystem can see what still uses one.
import type { StateCache, Table } from '../store/cache.js';
import type { AccessPointRecord, FileSystemRecord, MountTargetRecord } from './records.js';

export interface EfsTables {
  /** `efs/file-systems/FSID` */
  fileSystems: Table<FileSystemRecord>;
  /** `efs/mount-targets/FSMTID` */
  mountTargets: Table<MountTargetRecord>;
  /** `efs/access-points/FSAPID` */
  accessPoints: Table<AccessPointRecord>;
}

/** Creates the tables on the cache; call before `cache.start()`. */
export function createEfsTables(cache: StateCache): EfsTables {
  return {
    fileSystems: cache.table<FileSystemRecord>({ prefix: 'efs/file-systems/', indexes: { token: (f) => f.creationToken } }),
    mountTargets: cache.table<MountTargetRecord>({ prefix: 'efs/mount-targets/', indexes: { fs: (m) => m.fileSystemId } }),
    accessPoints: cache.table<AccessPointRecord>({
      prefix: 'efs/access-points/',
      indexes: { fs: (a) => a.fileSystemId, token: (a) => `${a.fileSystemId}/${a.clientToken}` },
    }),
  };
}
