// ephemeralStorage's size, on a definition and in RunTask's overrides: 21 to 200 GiB (EphemeralStorage in the API
// reference; 20 GiB is what a task gets without it).
import type { EphemeralStorage } from '@aws-sdk/client-ecs';
import { ClientError } from '../errors.js';

export const EPHEMERAL_STORAGE_GIB = [21, 200] as const;

export function checkEphemeralStorage(e: EphemeralStorage | undefined, where: 'task' | 'override'): void {
  if (e === undefined) return;
  const [min, max] = EPHEMERAL_STORAGE_GIB;
  const size = e.sizeInGiB;
  if (size === undefined || size < min || size > max) {
    const subject = where === 'task' ? 'task' : 'task override';
    throw new ClientError(`Invalid 'ephemeralStorage' setting for ${subject}. 'sizeInGiB' must be between ${min} and ${max}.`);
  }
}
