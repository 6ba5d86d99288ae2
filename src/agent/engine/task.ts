// Task-level rules as pure functions: when the task must stop (and why), its known status from its containers, and
// its health from the essential ones.
import { REASONS, Status, type HealthStatus, type StopCode } from './status.js';
import { essential, hasRun, type TaskState } from './state.js';

export interface StopDecision {
  stopCode: StopCode;
  reason: string;
}

/** Why a task whose desired status is RUNNING must stop now, or undefined. */
export function mustStop(t: TaskState): StopDecision | undefined {
  if (t.task.desiredStatus === 'STOPPED') return { stopCode: 'UserInitiated', reason: t.task.stopReason ?? 'Task stopped by the control plane' };
  // A container that failed before it ran fails the whole task, as in ECS.
  const failed = t.containers.find((c) => c.known === Status.STOPPED && !hasRun(c) && c.reason);
  if (failed) return { stopCode: 'TaskFailedToStart', reason: failed.reason! };
  const exited = t.containers.find((c) => c.known === Status.STOPPED && essential(c));
  if (exited) {
    // An essential container that ran and exited (even at once, before the task counted as RUNNING) is ECS's
    // EssentialContainerExited; the pause container going before the task ran is a failed start.
    const ran = exited.internal ? t.known >= Status.RUNNING : hasRun(exited);
    const reason = exited.internal ? REASONS.pauseExited : REASONS.essentialExited;
    return { stopCode: ran ? 'EssentialContainerExited' : 'TaskFailedToStart', reason };
  }
  return undefined;
}

/** The task's known status: STOPPED when all are, RUNNING once every container has run, else the least advanced. */
export function taskKnownStatus(t: TaskState): Status {
  const cs = t.containers;
  let s: Status;
  if (cs.every((c) => c.known === Status.STOPPED)) s = Status.STOPPED;
  else if (t.desired === 'RUNNING' && cs.every((c) => hasRun(c))) s = Status.RUNNING;
  else s = Math.min(...cs.map((c) => (c.known === Status.STOPPED ? Status.CREATED : c.known)), Status.CREATED) as Status;
  return Math.max(s, t.known) as Status; // never backwards
}

/** Task health from the essential containers that have a health check, as ECS computes it. */
export function taskHealth(t: TaskState): HealthStatus {
  const checked = t.containers.filter((c) => !c.internal && essential(c) && c.definition.healthCheck);
  if (checked.length === 0) return 'UNKNOWN';
  if (checked.some((c) => c.health === 'UNHEALTHY')) return 'UNHEALTHY';
  if (checked.every((c) => c.health === 'HEALTHY')) return 'HEALTHY';
  return 'UNKNOWN';
}
