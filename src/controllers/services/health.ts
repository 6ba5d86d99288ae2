// What the service controller means by a healthy task: RUNNING and wanted, HEALTHY where the definition has
// container health checks, and healthy in its target groups (a pluggable check the load balancer issue supplies;
// until then every task is healthy there). healthCheckGracePeriodSeconds keeps a young task from being replaced.
import type { TaskRecord } from '../../domain/task.js';
import type { ServiceRecord } from '../../domain/service.js';

/** Whether a task is healthy in every target group of the service. */
export type TargetHealth = (task: TaskRecord, service: ServiceRecord) => boolean;
export const allTargetsHealthy: TargetHealth = () => true;

export interface HealthInput {
  rec: TaskRecord;
  service: ServiceRecord;
  /** The task definition has at least one container health check. */
  hasHealthCheck: boolean;
  now: Date;
  targetHealth: TargetHealth;
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
  const t = h.rec.task;
  if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING' || inGrace(h)) return false;
  if (t.healthStatus === 'UNHEALTHY') return true;
  return (h.service.service.loadBalancers?.length ?? 0) > 0 && !h.targetHealth(h.rec, h.service);
}
