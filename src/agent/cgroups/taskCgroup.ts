// Task-level cpu and memory as limits on the task as a whole, as ECS applies them: a cgroup per task, written by the
// agent, that every container of the task is created under (Docker's CgroupParent). The containers' own limits
// still apply inside it. This needs root, and Docker's cgroupfs driver: with the systemd driver the parent must be a
// systemd slice whose limits only systemd may set, and the agent falls back to capping each container at the
// task's size (engine/spec.ts does that in every case).
import { existsSync } from 'node:fs';
import { mkdir, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TaskLimits {
  /** Task cpu units (1024 per core). */
  cpu?: number;
  /** Task memory in MiB. */
  memory?: number;
}

export interface TaskCgroups {
  /** Writes the task's limits and returns the CgroupParent for its containers. */
  prepare(taskId: string, limits: TaskLimits): Promise<string>;
  /** Removes the task's cgroup once its containers are gone (a cgroup still in use stays). */
  remove(taskId: string): Promise<void>;
}

const PARENT = 'wharf';
const PERIOD_US = 100_000;
const MiB = 1024 * 1024;

const quota = (cpu: number) => Math.max(1000, Math.round((cpu / 1024) * PERIOD_US));

/** cgroup v1: one hierarchy per controller; the task's directory is made in the cpu and the memory ones. */
export function cgroupsV1(root = '/sys/fs/cgroup'): TaskCgroups {
  const dir = (controller: string, taskId: string) => join(root, controller, PARENT, taskId);
  return {
    async prepare(taskId, limits) {
      if (limits.memory) {
        const d = dir('memory', taskId);
        await mkdir(d, { recursive: true });
        await writeFile(join(d, 'memory.limit_in_bytes'), String(limits.memory * MiB));
        // No swap beyond the limit, as for a container's own memory limit.
        if (existsSync(join(d, 'memory.memsw.limit_in_bytes'))) await writeFile(join(d, 'memory.memsw.limit_in_bytes'), String(limits.memory * MiB));
      }
      if (limits.cpu) {
        const d = dir('cpu', taskId);
        await mkdir(d, { recursive: true });
        await writeFile(join(d, 'cpu.cfs_period_us'), String(PERIOD_US));
        await writeFile(join(d, 'cpu.cfs_quota_us'), String(quota(limits.cpu)));
      }
      return `/${PARENT}/${taskId}`;
    },
    async remove(taskId) {
      // The runtime made the task's directory in every hierarchy (pids, blkio...) for its containers.
      for (const c of await readdir(root).catch(() => [] as string[])) await rmdir(dir(c, taskId)).catch(() => {});
    },
  };
}

/** cgroup v2: one hierarchy; the controllers must be enabled for the children of every level down to the task. */
export function cgroupsV2(root = '/sys/fs/cgroup'): TaskCgroups {
  const parent = join(root, PARENT);
  const enable = (d: string) => writeFile(join(d, 'cgroup.subtree_control'), '+cpu +memory');
  return {
    async prepare(taskId, limits) {
      await enable(root);
      await mkdir(parent, { recursive: true });
      await enable(parent);
      const d = join(parent, taskId);
      await mkdir(d, { recursive: true });
      if (limits.memory) {
        await writeFile(join(d, 'memory.max'), String(limits.memory * MiB));
        if (existsSync(join(d, 'memory.swap.max'))) await writeFile(join(d, 'memory.swap.max'), '0');
      }
      if (limits.cpu) await writeFile(join(d, 'cpu.max'), `${quota(limits.cpu)} ${PERIOD_US}`);
      await enable(d);
      return `/${PARENT}/${taskId}`;
    },
    async remove(taskId) {
      await rmdir(join(parent, taskId)).catch(() => {});
    },
  };
}

/** The writer for this host, or undefined (with the reason) when task cgroups cannot be used here. */
export function taskCgroupsFor(engine: { cgroupDriver?: string; cgroupVersion?: string }, root = '/sys/fs/cgroup'): TaskCgroups | string {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'the agent is not root';
  if (engine.cgroupDriver !== 'cgroupfs') return `Docker's cgroup driver is ${engine.cgroupDriver ?? 'unknown'}, not cgroupfs`;
  if (engine.cgroupVersion === '2') return cgroupsV2(root);
  if (existsSync(join(root, 'memory')) && existsSync(join(root, 'cpu'))) return cgroupsV1(root);
  return `no cpu and memory cgroup hierarchies under ${root}`;
}
