// CPU units and memory the task reserves must be unreserved on the instance. ECS checks CPU before memory and
// reports the first shortfall, `RESOURCE:CPU` or `RESOURCE:MEMORY`.

import { Reason } from '../reasons.js';
import type { TaskDemand } from '../types.js';
import type { Stage } from './stage.js';

export function cpuStage(d: TaskDemand): Stage | undefined {
  if (d.cpu <= 0) return undefined;
  const need = d.cpu;
  return (s) => (s.cpu >= need ? undefined : Reason.CPU);
}

export function memoryStage(d: TaskDemand): Stage | undefined {
  if (d.memory <= 0) return undefined;
  const need = d.memory;
  return (s) => (s.memory >= need ? undefined : Reason.MEMORY);
}
