// Task volumes and the mount points that use them: names are unique, every mount names a declared volume, and a
// volume left to be configured at launch must be mounted by someone.
import { ClientError } from '../errors.js';
import { checkEfsVolumes } from './efsVolumes.js';
import { NAME } from './names.js';
import type { TaskView } from './view.js';

export function checkVolumes(view: TaskView): void {
  const declared = new Set<string>();
  for (const v of view.input.volumes ?? []) {
    if (v.name === undefined || v.name === '') throw new ClientError('Volume.name should not be null or empty.');
    if (!NAME.test(v.name)) throw new ClientError('Volume.name contains invalid characters.');
    if (declared.has(v.name)) throw new ClientError('Volume names must be unique within a Task Definition.');
    declared.add(v.name);
  }
  checkEfsVolumes(view.input.volumes ?? []);

  const mounted = new Set<string>();
  for (const c of view.containers) {
    for (const mp of c.mountPoints ?? []) {
      // ECS prints a missing sourceVolume as 'null'.
      const source = mp.sourceVolume ?? 'null';
      if (!declared.has(source)) throw new ClientError(`Unknown volume '${source}'.`);
      mounted.add(source);
    }
  }

  const unmounted = (view.input.volumes ?? []).filter((v) => v.configuredAtLaunch === true && !mounted.has(v.name!));
  if (unmounted.length > 0) {
    const names = unmounted.map((v) => v.name).join(', ');
    throw new ClientError(`Volumes [${names}] are not referenced by any of the containers.`);
  }
}
