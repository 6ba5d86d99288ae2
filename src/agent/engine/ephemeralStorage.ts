// ephemeralStorage: a size for each container's writable layer (Docker's StorageOpt size), which only some storage
// drivers can enforce. Where the engine's cannot, the task is refused before anything is pulled rather than run
// with storage it did not ask for.
import type { AgentTask } from '../protocol.js';

export interface StorageFacts {
  storageDriver?: string;
  backingFilesystem?: string;
}

/** Drivers that take a size: overlay2 only on xfs (mounted with pquota, which Docker checks at create). */
function sizeable(f: StorageFacts): boolean {
  if (f.storageDriver === 'overlay2') return f.backingFilesystem === 'xfs';
  return ['btrfs', 'zfs', 'devicemapper', 'windowsfilter'].includes(f.storageDriver ?? '');
}

export function ephemeralStorageRefusal(task: AgentTask, facts: StorageFacts): string | undefined {
  if (task.ephemeralStorageGiB === undefined || sizeable(facts)) return undefined;
  const on = facts.backingFilesystem ? ` on ${facts.backingFilesystem}` : '';
  return `CannotCreateContainerError: ephemeralStorage of ${task.ephemeralStorageGiB} GiB cannot be applied: Docker's storage driver ${facts.storageDriver ?? 'unknown'}${on} cannot limit a container's size (overlay2 needs xfs mounted with pquota; btrfs, zfs and devicemapper can)`;
}

/** Docker's HostConfig.StorageOpt for the task's containers. */
export function storageOpt(task: AgentTask): Record<string, string> | undefined {
  return task.ephemeralStorageGiB === undefined ? undefined : { size: `${task.ephemeralStorageGiB}G` };
}
