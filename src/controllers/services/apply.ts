// Turns one Decision into one guarded transaction: the tasks it stops (scheduler-stop events for the task
// machine), the tasks it starts (placed and launched through tasks/run.ts) and the service record with
// its events. Nothing is written unless every guard holds, so a pass that raced anything is simply made again.
import type { Tag } from '@aws-sdk/client-ecs';
import { placementDetail, ServiceEvents } from '../../domain/deployment.js';
import { deregistersFirst, type ServiceRecord } from '../../domain/service.js';
import { taskIdOf, type TaskRecord } from '../../domain/task.js';
import type { PlacementPools } from '../../placement/pools.js';
import type { Plan } from '../../scheduler/index.js';
import type { Txn } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import { TaskBatch } from '../../tasks/batch.js';
import { launchPlan } from '../../tasks/launchTypes.js';
import { DEFAULT_STOPPED_RETENTION_MS } from '../../tasks/machine.js';
import { placeAndLaunch } from '../../tasks/run.js';
import { addEvent } from './events.js';
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
  for (const s of d.stops) {
    const row = tables.tasks.get(s.task.id);
    if (!row || row.value.task.desiredStatus === 'STOPPED') continue;
    batch.apply(row, { type: 'scheduler-stop', reason: s.reason, deregisterFirst });
    stoppedIds.push(s.task.taskId);
  }
  if (stoppedIds.length > 0) rec = addEvent(rec, ServiceEvents.stopped(name, stoppedIds), v.now);
  const placed = place(deps, batch, rec, d);
  if (placed.records.length > 0) {
    rec = addEvent(rec, ServiceEvents.started(name, placed.records.map((r) => taskIdOf(r.task.taskArn!))), v.now);
  }
  if (placed.plan && placed.plan.unplaced > 0) {
    const closest = placed.plan.closest;
    rec = addEvent(rec, ServiceEvents.unableToPlace(name, placementDetail(closest?.arn.split('/').pop(), closest?.reason)), v.now);
  }
  if (rec !== v.rec) batch.txn.put(tables.services, v.id, rec, serviceRev);
  return { txn: batch.done(), started: placed.records.length, stopped: stoppedIds.length };
}

/** The service's tasks to start: placed on its pool, launched with the service's tags and its deployment's id. */
function place(deps: ApplyDeps, batch: TaskBatch, rec: ServiceRecord, d: Decision): { records: TaskRecord[]; plan?: Plan } {
  const count = d.start + d.startOn.length;
  if (count === 0) return { records: [] };
  const { tables } = deps;
  const dep = rec.deployments[0]!;
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
    launches: launchPlan(count, dep.launchType, dep.capacityProviderStrategy ?? []),
    group: `service:${s.serviceName}`,
    startedBy: dep.id,
    tags,
    enableExecuteCommand: s.enableExecuteCommand,
    subnets: dep.networkConfiguration?.awsvpcConfiguration?.subnets,
    placementConstraints: s.placementConstraints ?? [],
    placementStrategy: s.placementStrategy ?? [],
    origin: 'service',
    instanceArns: d.startOn.length > 0 ? d.startOn : undefined,
  });
}
