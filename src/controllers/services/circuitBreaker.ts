// Failures of a service's tasks, and what they lead to: the deployment circuit breaker (FAILED once a deployment's
// failures reach ECS's threshold, then a rollback to the last COMPLETED deployment when asked for), and the
// launch back-off behind "(service NAME) is unable to consistently start tasks successfully.".
import type { Deployment } from '@aws-sdk/client-ecs';
import { circuitBreakerThreshold, RolloutReasons, ServiceEvents } from '../../domain/deployment.js';
import { shiftedLoadBalancer, type ServiceRecord } from '../../domain/service.js';
import { rollBackTo } from './rollback.js';
import { addEvent } from './events.js';
import type { ServiceView, TaskView } from './view.js';

/** Stop codes that are not the task's own failure (the scheduler, a person or the platform stopped it). */
const NOT_FAILURES = new Set(['ServiceSchedulerInitiated', 'UserInitiated', 'SpotInterruption', 'TerminationNotice']);

export const isFailure = (t: TaskView) =>
  !t.live && !NOT_FAILURES.has(t.rec.task.stopCode ?? '') && (t.rec.task.stopCode !== undefined || !t.rec.task.startedAt);

export interface BackoffOptions {
  /** Consecutive failures before launches are throttled. */
  after: number;
  baseMs: number;
  maxMs: number;
}
export const DEFAULT_BACKOFF: BackoffOptions = { after: 3, baseMs: 5000, maxMs: 15 * 60_000 };

/** Failures since the service last got a task to RUNNING, and when launches may resume (undefined: now). */
export function backoff(v: ServiceView, o: BackoffOptions): { failures: number; until?: Date } {
  let lastStart = 0;
  for (const t of v.tasks) lastStart = Math.max(lastStart, t.rec.task.startedAt?.getTime() ?? 0);
  const recent = v.tasks.filter((t) => isFailure(t) && (t.rec.task.stoppedAt?.getTime() ?? 0) > lastStart);
  if (recent.length < o.after) return { failures: recent.length };
  const lastFailure = Math.max(...recent.map((t) => t.rec.task.stoppedAt!.getTime()));
  const delay = Math.min(o.maxMs, o.baseMs * 2 ** (recent.length - o.after));
  const until = new Date(lastFailure + delay);
  return until > v.now ? { failures: recent.length, until } : { failures: recent.length };
}

/** Updates failedTasks of every deployment and trips the breaker of an IN_PROGRESS primary. */
export function applyCircuitBreaker(v: ServiceView, rec: ServiceRecord): ServiceRecord {
  let out = rec;
  const deployments = rec.deployments.map((d) => {
    const failed = Math.max(d.failedTasks ?? 0, v.tasks.filter((t) => t.deploymentId === d.id && isFailure(t)).length);
    return failed === (d.failedTasks ?? 0) ? d : { ...d, failedTasks: failed };
  });
  if (deployments.some((d, i) => d !== rec.deployments[i])) out = { ...out, deployments };
  const primary = out.deployments[0];
  const breaker = out.service.deploymentConfiguration?.deploymentCircuitBreaker;
  if (!primary || !breaker?.enable || primary.rolloutState !== 'IN_PROGRESS') return out;
  if ((primary.failedTasks ?? 0) < circuitBreakerThreshold(out.service.desiredCount ?? 0)) return out;
  const name = out.service.serviceName!;
  const failed: Deployment = { ...primary, rolloutState: 'FAILED', rolloutStateReason: RolloutReasons.failed, updatedAt: v.now };
  out = addEvent({ ...out, deployments: [failed, ...out.deployments.slice(1)] }, ServiceEvents.deploymentFailed(name, primary.id!), v.now);
  const target = out.lastCompleted;
  if (!breaker.rollback || !target || target.taskDefinition === primary.taskDefinition) return out;
  // A traffic-shifting service whose old tasks still run (blue during the bake) goes back to them: production moves
  // back at once. A rolling service gets a new deployment of the last completed revision, as ECS makes one.
  return rollBackTo(out, target, RolloutReasons.rollingBack(target.id!), v.now, shiftedLoadBalancer(out) !== undefined);
}
