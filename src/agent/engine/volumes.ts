// Resolves a task's volumes to what Docker mounts: host paths as binds, Docker volumes (task scope: created for the
// task and removed at clean-up; shared scope: kept, created only with autoprovision), EFS volumes as binds of their
// directory under the EFS root (efs.ts).
import type { AgentTask } from '../protocol.js';
import { prepareEfsVolume } from './efs.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { taskVolumeName } from './names.js';
import type { ResolvedVolume } from './spec.js';

export interface PreparedVolumes {
  volumes: Map<string, ResolvedVolume>;
  /** Docker volumes to remove when the task is cleaned up. */
  taskScoped: string[];
}

export async function prepareVolumes(runtime: ContainerRuntime, task: AgentTask, labels: Record<string, string>, efsRoot?: string): Promise<PreparedVolumes> {
  const volumes = new Map<string, ResolvedVolume>();
  const taskScoped: string[] = [];
  for (const v of task.volumes) {
    const name = v.name!;
    if (v.host?.sourcePath) {
      volumes.set(name, { source: v.host.sourcePath });
      continue;
    }
    if (v.efsVolumeConfiguration) {
      volumes.set(name, await prepareEfsVolume(task, v, efsRoot));
      continue;
    }
    const cfg = v.dockerVolumeConfiguration;
    if (cfg?.scope === 'shared') {
      if (!(await runtime.volumeExists(name))) {
        if (!cfg.autoprovision) {
          throw new Error(`CannotCreateContainerError: shared volume ${name} does not exist and autoprovision is false`);
        }
        await runtime.createVolume({ name, driver: cfg.driver, driverOpts: cfg.driverOpts, labels: cfg.labels });
      }
      volumes.set(name, { source: name });
      continue;
    }
    // Task scope, or a bare volume (ECS gives it an empty agent-managed volume): one Docker volume per task.
    const docker = taskVolumeName(task, name);
    await runtime.createVolume({ name: docker, driver: cfg?.driver, driverOpts: cfg?.driverOpts, labels: { ...(cfg?.labels ?? {}), ...labels } });
    volumes.set(name, { source: docker });
    taskScoped.push(docker);
  }
  return { volumes, taskScoped };
}
