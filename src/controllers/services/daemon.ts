// DAEMON services: exactly one task on each eligible container instance (ACTIVE, agent connected, meeting the
// service's constraints), including instances that register later. A new deployment replaces each instance's task
// in place within minimumHealthyPercent (default 0: stop, then start); tasks on DRAINING instances are stopped.
import type { PlacementConstraint, TaskDefinition } from '@aws-sdk/client-ecs';
import { minimumHealthyTasks } from '../../domain/deployment.js';
import { planStartTask, taskDemand, type ClusterState } from '../../scheduler/index.js';
import type { ContainerInstanceRecord } from '../../state/tables.js';
import { scalingReason, UNHEALTHY_REASON, type Stop } from './rolling.js';
import type { ServiceView } from './view.js';

export interface DaemonPlan {
  /** Instance ARNs to start one task on. */
  startOn: string[];
  stops: Stop[];
  /** The instances that should run the daemon: the service's desiredCount. */
  desired: number;
}

export function planDaemon(
  v: ServiceView,
  instances: readonly { key: string; ci: ContainerInstanceRecord }[],
  state: ClusterState,
  td: TaskDefinition,
): DaemonPlan {
  const rec = v.rec;
  const primary = rec.deployments[0]!;
  const reason = scalingReason(primary.id!);
  const active = rec.service.status === 'ACTIVE';
  const constraints: PlacementConstraint[] = [...(td.placementConstraints ?? []), ...(rec.service.placementConstraints ?? [])];
  const demand = taskDemand(td, undefined);
  const group = `service:${rec.service.serviceName}`;
  const stops: Stop[] = [];
  const startOn: string[] = [];
  const wanted = v.tasks.filter((t) => t.wanted);
  for (const t of wanted.filter((t) => t.unhealthy)) stops.push({ task: t, reason: UNHEALTHY_REASON });
  const eligible = new Set<string>();
  for (const { key, ci } of instances) {
    if (!active || ci.status !== 'ACTIVE') continue;
    const here = wanted.filter((t) => t.instanceKey === key && !t.unhealthy);
    if (here.length > 0) {
      eligible.add(key);
      continue;
    }
    const fits = planStartTask(state, { instanceArns: [ci.containerInstanceArn!], group, demand, placementConstraints: constraints });
    if (fits.placements.length > 0) eligible.add(key);
  }
  const desired = eligible.size;
  let healthy = wanted.filter((t) => t.healthy && !t.unhealthy).length;
  const floor = minimumHealthyTasks(desired, rec.service.deploymentConfiguration ?? {});
  for (const { key, ci } of instances) {
    const here = wanted.filter((t) => t.instanceKey === key && !t.unhealthy);
    if (!eligible.has(key)) {
      for (const t of here) stops.push({ task: t, reason });
      continue;
    }
    const current = here.filter((t) => t.deploymentId === primary.id);
    const old = here.filter((t) => t.deploymentId !== primary.id);
    for (const t of current.slice(1)) stops.push({ task: t, reason });
    for (const t of old) {
      if (t.protected) continue;
      if (t.healthy) {
        if (healthy <= floor) continue;
        healthy--;
      }
      stops.push({ task: t, reason });
    }
    // One task per instance: the replacement starts once the old task is gone (maximumPercent 100).
    const liveHere = v.tasks.filter((t) => t.live && t.instanceKey === key).length;
    if (current.length === 0 && liveHere === 0) startOn.push(ci.containerInstanceArn!);
  }
  return { startOn, stops, desired };
}
