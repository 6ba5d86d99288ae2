// Turns one Decision into one guarded transaction: the tasks it stops (scheduler-stop events for the task
// machine), the tasks it starts (placed and launched through tasks/run.ts) and the service record with
// its events. Nothing is written unless every guard holds, so a pass that raced anything is simply made again.
import type { Deployment, Tag } from '@aws-sdk/client-ecs';
import { placementDetail, ServiceEvents } from '../../domain/deployment.js';
import { deregistersFirst, type HookRun, type ServiceRecord } from '../../domain/service.js';
import { taskIdOf, type TaskRecord } from '../../domain/task.js';
import type { PlacementPools } from '../../placement/pools.js';
import type { Plan } from '../../scheduler/index.js';
import type { Txn } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import { TaskBatch } from '../../tasks/batch.js';
import { createdProviders, launchPlan } from '../../tasks/launchTypes.js';
import { DEFAULT_STOPPED_RETENTION_MS } from '../../tasks/machine.js';
import { placeAndLaunch } from '../../tasks/run.js';
import { addEvent } from './events.js';
import { RebalanceEvents, REBALANCE_REASON } from './azRebalance.js';
import { hookPayload } from './hookCalls.js';
import { hookGroup } from './view.js';
import type { Decision } from './reconcile.js';
import type { ServiceView } from './view.js';

export interface ApplyDeps {
  tables: Tables;
  pools: PlacementPools;
  stoppedRetentionMs?: number;
}

export function applyDecision(deps: ApplyDeps, v: ServiceView, d: Decision, serviceRev: number): { txn: Txn; started: number; stopped: number } {
  const { tables } = deps;
  const batch = new TaskBatch(tables, { now: v.now, stoppedRetentionMs: deps.stoppedRetentionMs ?? DEFAULT_STOPPED_RETENTION_MS });
  let rec = d.record;
  const name = rec.service.serviceName!;
  const deregisterFirst = deregistersFirst(rec);
  const stoppedIds: string[] = [];
  const rebalanced = new Map<string, string[]>();
  for (const s of d.stops) {
    const row = tables.tasks.get(s.task.id);
    if (!row || row.value.task.desiredStatus === 'STOPPED') continue;
    batch.apply(row, { type: 'scheduler-stop', reason: s.reason, deregisterFirst });
    if (s.reason === REBALANCE_REASON) rebalanced.set(s.task.az ?? '', [...(rebalanced.get(s.task.az ?? '') ?? []), s.task.taskId]);
    else stoppedIds.push(s.task.taskId);
  }
  if (stoppedIds.length > 0) rec = addEvent(rec, ServiceEvents.stopped(name, stoppedIds), v.now);
  for (const [zone, ids] of rebalanced) rec = addEvent(rec, RebalanceEvents.tasksStopped(name, zone, ids), v.now);
  const launches: { source: LaunchSource; count: number; startOn: string[]; zone?: string }[] = [];
  if (d.start + d.startOn.length > 0 && rec.deployments[0]) launches.push({ source: rec.deployments[0], count: d.start, startOn: d.startOn, zone: d.startZone });
  for (const s of d.startSets ?? []) {
    const ts = rec.taskSets?.find((t) => t.id === s.taskSetId);
    if (ts && s.count > 0) launches.push({ source: ts, count: s.count, startOn: [] });
  }
  let started = 0;
  for (const l of launches) {
    const placed = place(deps, batch, rec, l.source, l.count, l.startOn, l.zone);
    started += placed.records.length;
    if (placed.records.length > 0) {
      const ids = placed.records.map((r) => taskIdOf(r.task.taskArn!));
      rec = addEvent(rec, l.zone && rec.rebalancing ? RebalanceEvents.tasksStarted(name, l.zone, ids) : ServiceEvents.started(name, ids), v.now);
    }
    if (placed.plan && placed.plan.unplaced > 0) {
      const closest = placed.plan.closest;
      rec = addEvent(rec, ServiceEvents.unableToPlace(name, placementDetail(closest?.arn.split('/').pop(), closest?.reason)), v.now);
    }
  }
  for (const run of d.hookTasks ?? []) rec = launchHookTask(deps, batch, rec, run);
  if (rec !== v.rec) batch.txn.put(tables.services, v.id, rec, serviceRev);
  return { txn: batch.done(), started, stopped: stoppedIds.length };
}

/** What tasks are launched from: the PRIMARY deployment, or a task set (EXTERNAL). */
type LaunchSource = Pick<Deployment, 'id' | 'taskDefinition' | 'launchType' | 'capacityProviderStrategy' | 'networkConfiguration'>;

/** The service's tasks to start: placed on its pool, launched with the service's tags and the id of the deployment
 * or task set they belong to. */
function place(
  deps: ApplyDeps,
  batch: TaskBatch,
  rec: ServiceRecord,
  dep: LaunchSource,
  start: number,
  startOn: string[],
  zone?: string,
): { records: TaskRecord[]; plan?: Plan } {
  const count = start + startOn.length;
  if (count === 0) return { records: [] };
  const { tables } = deps;
  const td = [...tables.taskDefinitions.byIndex('arn', dep.taskDefinition!)][0]?.value;
  const cluster = tables.clusters.get(rec.clusterName)?.value;
  if (!td || !cluster) return { records: [] };
  const s = rec.service;
  const tags: Tag[] = [
    ...(s.propagateTags === 'SERVICE' ? (s.tags ?? []) : s.propagateTags === 'TASK_DEFINITION' ? td.tags : []),
    ...(s.enableECSManagedTags ? [{ key: 'aws:ecs:serviceName', value: s.serviceName }, { key: 'aws:ecs:clusterName', value: rec.clusterName }] : []),
  ];
  const arn = s.serviceArn!.split(':');
  return placeAndLaunch(deps.pools, batch, {
    ctx: { region: arn[3]!, accountId: arn[4]! },
    cluster,
    taskDefinition: td.taskDefinition,
    launches: launchPlan(count, dep.launchType, dep.capacityProviderStrategy ?? [], createdProviders(tables, cluster.capacityProviders)),
    group: `service:${s.serviceName}`,
    startedBy: dep.id,
    tags,
    enableExecuteCommand: s.enableExecuteCommand,
    subnets: dep.networkConfiguration?.awsvpcConfiguration?.subnets,
    // A task started to rebalance zones goes to the zone that has too few.
    placementConstraints: [...(s.placementConstraints ?? []), ...(zone ? [{ type: 'memberOf' as const, expression: `attribute:ecs.availability-zone == ${zone}` }] : [])],
    placementStrategy: s.placementStrategy ?? [],
    origin: 'service',
    instanceArns: startOn.length > 0 ? startOn : undefined,
  });
}

/**
 * A lifecycle hook whose target is a task definition: one task of it, in the service's cluster with the PRIMARY's
 * launch and network, group `hook:NAME`, startedBy the hookId, and ECS's hook payload in WHARF_HOOK_PAYLOAD in every
 * container. A definition that is not there, or a task that cannot be placed, fails the hook at once.
 */
function launchHookTask(deps: ApplyDeps, batch: TaskBatch, rec: ServiceRecord, run: HookRun): ServiceRecord {
  const fail = (reason: string): ServiceRecord => {
    const st = rec.blueGreen!;
    return { ...rec, blueGreen: { ...st, hooks: st.hooks!.map((h) => (h.hookId === run.hookId ? { ...h, status: 'FAILED' as const, reason } : h)) } };
  };
  const { tables } = deps;
  const td = [...tables.taskDefinitions.byIndex('arn', run.targetArn!)][0]?.value;
  const cluster = tables.clusters.get(rec.clusterName)?.value;
  if (!td || td.taskDefinition.status !== 'ACTIVE' || !cluster) return fail(`the hook's task definition ${run.targetArn} is not ACTIVE`);
  const primary = rec.deployments[0]!;
  const configured = rec.service.deploymentConfiguration?.lifecycleHooks?.[run.index]?.hookDetails;
  const payload = JSON.stringify(hookPayload(rec, run, run.hookDetails ?? configured));
  const arn = rec.service.serviceArn!.split(':');
  const placed = placeAndLaunch(deps.pools, batch, {
    ctx: { region: arn[3]!, accountId: arn[4]! },
    cluster,
    taskDefinition: td.taskDefinition,
    launches: launchPlan(1, primary.launchType, primary.capacityProviderStrategy ?? [], createdProviders(tables, cluster.capacityProviders)),
    overrides: { containerOverrides: (td.taskDefinition.containerDefinitions ?? []).map((c) => ({ name: c.name, environment: [{ name: 'WHARF_HOOK_PAYLOAD', value: payload }] })) },
    group: hookGroup(rec),
    startedBy: run.hookId,
    tags: [],
    subnets: primary.networkConfiguration?.awsvpcConfiguration?.subnets,
    placementConstraints: [],
    placementStrategy: [],
    origin: 'service',
  });
  if (placed.records.length === 0) return fail(`the hook task could not be placed: ${placed.plan.closest?.reason ?? 'no container instance'}`);
  return rec;
}
