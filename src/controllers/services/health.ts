// What the service controller means by a healthy task: RUNNING and wanted, HEALTHY where the definition has
// container health checks, and healthy in its target groups (a check targetRegistration.ts supplies from the load
// balancer; without one every task is healthy there). healthCheckGracePeriodSeconds keeps a young task from being
// replaced.
import type { TaskRecord } from '../../domain/task.js';
import { loadBalancersOf, type ServiceRecord } from '../../domain/service.js';

/** Whether a task is healthy in every target group of the service. */
export type TargetHealth = (task: TaskRecord, service: ServiceRecord) => boolean;
export const allTargetsHealthy: TargetHealth = () => true;
/** The target group in which the task's target is failing its health checks (state `unhealthy`), if any. */
export type TargetFailure = (task: TaskRecord, service: ServiceRecord) => string | undefined;
export const noTargetFailures: TargetFailure = () => undefined;

export interface HealthInput {
  rec: TaskRecord;
  service: ServiceRecord;
  /** The task definition has at least one container health check. */
  hasHealthCheck: boolean;
  now: Date;
  targetHealth: TargetHealth;
  targetFailure?: TargetFailure;
}

function inGrace(h: HealthInput): boolean {
  const started = h.rec.task.startedAt;
  const grace = (h.service.service.healthCheckGracePeriodSeconds ?? 0) * 1000;
  return started !== undefined && h.now.getTime() - started.getTime() < grace;
}

/** Counts toward minimumHealthyPercent and completes deployments. */
export function isHealthy(h: HealthInput): boolean {
  const t = h.rec.task;
  if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') return false;
  if (h.hasHealthCheck && t.healthStatus !== 'HEALTHY') return false;
  return h.targetHealth(h.rec, h.service);
}

/** To be replaced: RUNNING but failing its container or target health checks, past the grace period. */
export function isUnhealthy(h: HealthInput): boolean {
  return unhealthyReason(h) !== undefined;
}

/** Why the task is to be replaced, in ECS's words; undefined while it is not failing (a target still `initial` is not). */
export function unhealthyReason(h: HealthInput): string | undefined {
  const t = h.rec.task;
  if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING' || inGrace(h)) return undefined;
  if (t.healthStatus === 'UNHEALTHY') return 'Task failed container health checks';
  if (loadBalancersOf(h.service, t.startedBy).length === 0) return undefined;
  const group = h.targetFailure?.(h.rec, h.service);
  return group ? `Task failed ELB health checks in (target-group ${group})` : undefined;
}
