// Only ACTIVE instances take new tasks: a DRAINING instance is being emptied on purpose, and an INACTIVE one
// has been deregistered (ECS's `INACTIVE` failure).

import { Reason } from '../reasons.js';
import type { Stage } from './stage.js';

export const statusStage: Stage = (s) => {
  if (s.alive && s.status === 'ACTIVE') return undefined;
  if (!s.alive || s.status === 'INACTIVE' || s.status === 'DEREGISTERING' || s.status === 'REGISTRATION_FAILED') {
    return Reason.INACTIVE;
  }
  return Reason.DRAINING; // DRAINING, or REGISTERING: present but not taking new tasks
};
