// Container restart policies as the ECS agent applies them: an exited container is started again in place when its
// policy is enabled, its exit code is not ignored, the task is not stopping, and it ran for restartAttemptPeriod
// seconds since it last started (so a container that keeps failing at once is not restarted in a loop).
import type { ContainerDefinition } from '../protocol.js';

/** ECS's default when restartAttemptPeriod is not given. */
export const DEFAULT_RESTART_ATTEMPT_PERIOD_S = 300;

export interface RestartFacts {
  exitCode: number | null | undefined;
  /** When it last started (the first start, or the last restart). */
  startedAt: Date | undefined;
  taskStopping: boolean;
  nowMs: number;
}

/** Undefined when it should be restarted, else why not (for the agent's log). */
export function whyNotRestart(d: ContainerDefinition, f: RestartFacts): string | undefined {
  const p = d.restartPolicy;
  if (!p?.enabled) return 'restart policy is not enabled';
  if (f.taskStopping) return "the task's desired status is STOPPED";
  if (f.exitCode === null || f.exitCode === undefined) return 'no exit code';
  if ((p.ignoredExitCodes ?? []).includes(f.exitCode)) return `exit code ${f.exitCode} is ignored`;
  const period = (p.restartAttemptPeriod ?? DEFAULT_RESTART_ATTEMPT_PERIOD_S) * 1000;
  if (!f.startedAt || f.nowMs - f.startedAt.getTime() < period) return 'it exited within its restartAttemptPeriod';
  return undefined;
}
