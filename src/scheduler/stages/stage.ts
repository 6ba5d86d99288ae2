// A feasibility stage: one concern's verdict on whether an instance can take the task, as the ECS failure reason
// when it cannot. Stages are plain functions so the pipeline can run them in a tight loop.

import type { FailureReason } from '../reasons.js';
import type { Slot } from '../state/slot.js';

/** undefined: the instance passes this stage. */
export type Stage = (s: Slot) => FailureReason | undefined;
