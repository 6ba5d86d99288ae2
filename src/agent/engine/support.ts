// What the agent cannot honour, found before anything is pulled: each becomes the task's stop reason instead of
// being silently ignored.
import type { AgentTask } from '../protocol.js';

export interface SupportOptions {
  allowPrivileged: boolean;
}

export function unsupported(task: AgentTask, opts: SupportOptions): string | undefined {
  const no = (what: string) => `CannotCreateContainerError: the wharf agent cannot honour ${what}`;
  for (const v of task.volumes) {
    if (v.fsxWindowsFileServerVolumeConfiguration) return no(`volume ${v.name}: fsxWindowsFileServerVolumeConfiguration`);
    if (v.configuredAtLaunch) return no(`volume ${v.name}: configuredAtLaunch`);
  }
  for (const { name, definition: d } of task.containers) {
    if (d.privileged && !opts.allowPrivileged) {
      return `CannotCreateContainerError: container ${name} asks for privileged mode, which this agent does not allow (start it with privileged containers allowed)`;
    }
    if (d.firelensConfiguration) return no(`container ${name}: firelensConfiguration`);
    if (d.resourceRequirements?.some((r) => r.type === 'GPU' || r.type === 'InferenceAccelerator')) return no(`container ${name}: GPU or inference accelerator requirements`);
    for (const ef of d.environmentFiles ?? []) {
      if (!ef.value?.startsWith('/')) return no(`container ${name}: environmentFile ${ef.value} (only absolute local paths are supported)`);
    }
    if (task.networkMode === 'awsvpc' || task.networkMode === 'host') {
      if (d.links?.length) return no(`container ${name}: links in ${task.networkMode} network mode`);
    }
    if (task.networkMode === 'awsvpc') {
      if (d.hostname) return no(`container ${name}: hostname in awsvpc network mode`);
      if (d.extraHosts?.length) return no(`container ${name}: extraHosts in awsvpc network mode`);
      if (d.dnsServers?.length) return no(`container ${name}: dnsServers in awsvpc network mode`);
    }
  }
  return undefined;
}
