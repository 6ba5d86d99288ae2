// REPLICA services: keep desiredCount tasks of the PRIMARY deployment, and roll older deployments (and tasks on
// DRAINING instances) over within the bounds ECS keeps: at most floor(desired * maximumPercent / 100) tasks alive,
// at least ceil(desired * minimumHealthyPercent / 100) healthy. Unhealthy tasks are replaced; protected tasks are
// never chosen for scale-in or replacement. Pure: returns what to start and what to stop.
import { maximumTasks, minimumHealthyTasks } from '../../domain/deployment.js';
import { chooseToStop } from './scaleIn.js';
import type { ServiceView, TaskView } from './view.js';

export interface Stop {
  task: TaskView;
  reason: string;
  /** Counted in "has stopped N running tasks" (health replacements and scale-in alike). */
}

export interface ReplicaPlan {
  start: number;
  stops: Stop[];
}

export const scalingReason = (deploymentId: string) => `Scaling activity initiated by (deployment ${deploymentId})`;
export const UNHEALTHY_REASON = 'Task failed container health checks';

/** `surplus`: tasks beyond desiredCount kept from scale-in (one started to rebalance zones). */
export function planReplicas(v: ServiceView, opts: { launchesAllowed: boolean; surplus?: number }): ReplicaPlan {
  const rec = v.rec;
  const primary = rec.deployments[0]!;
  const desired = rec.service.status === 'ACTIVE' ? (rec.service.desiredCount ?? 0) : 0;
  const config = rec.service.deploymentConfiguration ?? {};
  const reason = scalingReason(primary.id!);
  const live = v.tasks.filter((t) => t.live);
  const stops: Stop[] = [];

  let wanted = live.filter((t) => t.wanted);
  for (const t of wanted.filter((t) => t.unhealthy)) stops.push({ task: t, reason: t.unhealthyReason ?? UNHEALTHY_REASON });
  wanted = wanted.filter((t) => !t.unhealthy);

  const keep = wanted.filter((t) => t.deploymentId === primary.id && !t.draining);
  const retire = wanted.filter((t) => t.deploymentId !== primary.id || t.draining);

  // Scale-in of the primary deployment itself.
  const ceiling = desired + (opts.surplus ?? 0);
  if (keep.length > ceiling) {
    for (const t of chooseToStop(keep, keep.length - ceiling, wanted)) stops.push({ task: t, reason });
  }

  // Older deployments and draining instances: what is not healthy goes at once, healthy ones while enough stay.
  const stopping = new Set(stops.map((s) => s.task.id));
  let healthy = wanted.filter((t) => t.healthy && !stopping.has(t.id)).length;
  const floor = minimumHealthyTasks(desired, config);
  const sick = retire.filter((t) => !t.healthy && !t.protected);
  for (const t of sick) stops.push({ task: t, reason });
  const fine = retire.filter((t) => t.healthy);
  const room = Math.max(0, healthy - floor);
  for (const t of chooseToStop(fine, Math.min(room, fine.length), wanted)) {
    stops.push({ task: t, reason });
    healthy--;
  }

  const kept = keep.filter((t) => !stops.some((s) => s.task.id === t.id)).length;
  const start = opts.launchesAllowed ? Math.max(0, Math.min(desired - kept, maximumTasks(desired, config) - live.length)) : 0;
  return { start, stops };
}

/** The primary has all its tasks healthy and nothing else of the service remains. */
export function rolloutDone(v: ServiceView): boolean {
  const primary = v.rec.deployments[0]!;
  const desired = v.rec.service.desiredCount ?? 0;
  const live = v.tasks.filter((t) => t.live);
  const good = live.filter((t) => t.deploymentId === primary.id && t.healthy && !t.draining).length;
  return good === desired && live.length === desired;
}
