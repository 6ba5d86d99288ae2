// Container settings that only make sense in some network modes: links need bridge's Docker network, and awsvpc
// gives each task its own interface, so the container may not set its own hostname, hosts file or networking.
import { ClientError } from '../errors.js';
import type { TaskView } from './view.js';

export function checkNetworkModeSettings(view: TaskView): void {
  const mode = view.networkMode;
  for (const c of view.containers) {
    if ((c.links ?? []).length > 0 && mode !== 'bridge') {
      throw new ClientError(`Links are not supported when networkMode=${mode}.`);
    }
    if (mode !== 'awsvpc') continue;
    if (c.hostname !== undefined) {
      throw new ClientError('hostname is not supported on container when networkMode=awsvpc.');
    }
    if (c.disableNetworking === true) {
      throw new ClientError('Disable Networking is not supported on container when networkMode=awsvpc.');
    }
    if ((c.extraHosts ?? []).length > 0) {
      throw new ClientError('Extra hosts are not supported on container when networkMode=awsvpc.');
    }
  }
}
