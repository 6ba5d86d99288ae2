// Availability zone rebalancing (availabilityZoneRebalancing ENABLED), pure. A REPLICA service at rest (one deployment,
// COMPLETED, every task healthy) whose tasks are uneven across the zones that can take them (the zones of its
// cluster's ACTIVE instances with a connected agent: the ecs.availability-zone attribute) is evened out as ECS does it,
// one task at a time, start before stop: a task is started in the zone with the fewest, and once it is healthy one is
// stopped in the zone with the most (when maximumPercent leaves no room for the extra task: stop first, and the
// replacement is placed in the zone with the fewest). It announces SERVICE_REBALANCING_STARTED and _COMPLETED, and the
// tasks it starts and stops (TASKS_STARTED, TASKS_STOPPED), with ECS's texts. Only services placed by ECS's default spread over zones (no strategy, or one whose first step spreads
// over attribute:ecs.availability-zone) are rebalanced: other strategies place tasks unevenly on purpose.
import { maximumTasks, minimumHealthyTasks } from '../../domain/deployment.js';
import { isExternal, shiftedLoadBalancer, type ServiceRecord } from '../../domain/service.js';
import { addEvent } from './events.js';
import { chooseToStop } from './scaleIn.js';
import type { Stop } from './rolling.js';
import type { ServiceView, TaskView } from './view.js';

export const AZ_ATTRIBUTE = 'ecs.availability-zone';
/** The stoppedReason of a task stopped to even the zones out (Wharf's words). */
export const REBALANCE_REASON = 'Stopped to rebalance the service across availability zones';

export interface RebalancePlan {
  record: ServiceRecord;
  /** Start one task in this zone. */
  startZone?: string;
  stops: Stop[];
  /** Tasks the service may run beyond desiredCount while rebalancing (the started one), kept from scale-in. */
  surplus: number;
}

/** Whether the service is one ECS rebalances. */
export function rebalances(rec: ServiceRecord): boolean {
  const s = rec.service;
  if (s.availabilityZoneRebalancing !== 'ENABLED' || s.schedulingStrategy === 'DAEMON' || isExternal(rec) || shiftedLoadBalancer(rec)) return false;
  const first = s.placementStrategy?.[0];
  return !first || (first.type === 'spread' && first.field === `attribute:${AZ_ATTRIBUTE}`);
}

/** Task counts per zone, every zone that can take tasks listed (0 where none run), in zone order. */
function countsIn(tasks: readonly TaskView[], zones: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>([...zones].sort().map((z) => [z, 0]));
  for (const t of tasks) if (t.az && counts.has(t.az)) counts.set(t.az, counts.get(t.az)! + 1);
  return counts;
}

/** "2 tasks in us-east-1a and 0 in us-east-1b", ECS's listing (`tasks` after every count in the COMPLETED text). */
function listing(counts: Map<string, number>, everyTasks: boolean): string {
  const parts = [...counts].map(([z, n], i) => `${n}${i === 0 || everyTasks ? ' tasks' : ''} in ${z}`);
  if (parts.length <= 2) return parts.join(' and ');
  return `${parts.slice(0, -1).join(', ')}, and ${parts[parts.length - 1]}`;
}

export const RebalanceEvents = {
  started: (name: string, counts: Map<string, number>) => `service (${name}) is not AZ balanced with ${listing(counts, false)}. AZ Rebalancing in progress.`,
  completed: (name: string, counts: Map<string, number>) => `service (${name}) is AZ balanced with ${listing(counts, true)}.`,
  tasksStarted: (name: string, zone: string, taskIds: readonly string[]) =>
    `${name} has started ${taskIds.length} tasks in ${zone} to AZ Rebalance: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`,
  tasksStopped: (name: string, zone: string, taskIds: readonly string[]) =>
    `${name} has stopped ${taskIds.length} running tasks in ${zone} due to AZ rebalancing: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`,
};

export function planRebalance(v: ServiceView, zones: readonly string[]): RebalancePlan {
  let rec = v.rec;
  const none = (r: ServiceRecord = rec): RebalancePlan => ({ record: r, stops: [], surplus: r.rebalancing ? 1 : 0 });
  const primary = rec.deployments[0];
  if (!rebalances(rec) || rec.service.status !== 'ACTIVE' || !primary) return none(rec.rebalancing ? { ...rec, rebalancing: undefined } : rec);
  const live = v.tasks.filter((t) => t.live);
  const mine = live.filter((t) => t.wanted && t.deploymentId === primary.id && !t.draining);
  const atRest =
    rec.deployments.length === 1 && primary.rolloutState === 'COMPLETED' && mine.length === live.length && mine.every((t) => t.healthy && !t.unhealthy);
  const usable = [...new Set(zones)];
  if (!atRest || usable.length < 2) return none();
  const desired = rec.service.desiredCount ?? 0;
  const counts = countsIn(mine, usable);
  const values = [...counts.values()];
  const placed = values.reduce((a, b) => a + b, 0);
  const balanced = Math.max(...values) - Math.min(...values) <= 1 && placed === mine.length;
  const name = rec.service.serviceName!;
  const fewest = [...counts].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  const most = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];

  if (mine.length > desired && rec.rebalancing) {
    // The started task is healthy: one goes from the zone with the most.
    const stop = chooseToStop(mine.filter((t) => t.az === most), 1, mine)[0];
    return { record: rec, stops: stop ? [{ task: stop, reason: REBALANCE_REASON }] : [], surplus: 1 };
  }
  if (mine.length !== desired) return none();
  if (balanced) {
    if (!rec.rebalancing) return none();
    return none(addEvent({ ...rec, rebalancing: undefined }, RebalanceEvents.completed(name, counts), v.now));
  }
  if (!rec.rebalancing) rec = addEvent({ ...rec, rebalancing: { startedAt: v.now } }, RebalanceEvents.started(name, counts), v.now);
  const cfg = rec.service.deploymentConfiguration ?? {};
  if (maximumTasks(desired, cfg) > desired) return { record: rec, startZone: fewest, stops: [], surplus: 1 };
  // No room for one more: stop first, if the minimum healthy allows; the replacement goes to the zone with the fewest.
  if (mine.length - 1 < minimumHealthyTasks(desired, cfg)) return none(rec);
  const stop = chooseToStop(mine.filter((t) => t.az === most), 1, mine)[0];
  return { record: rec, stops: stop ? [{ task: stop, reason: REBALANCE_REASON }] : [], surplus: 1 };
}

/** The zone a replacement started while rebalancing goes to: the one with the fewest of the service's tasks. */
export function zoneWithFewest(v: ServiceView, zones: readonly string[]): string | undefined {
  const primary = v.rec.deployments[0];
  const mine = v.tasks.filter((t) => t.live && t.wanted && t.deploymentId === primary?.id && !t.draining);
  const counts = countsIn(mine, [...new Set(zones)]);
  return [...counts].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}
