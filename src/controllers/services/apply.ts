// Turns one Decision into one guarded transaction: the tasks it stops (scheduler-stop events for the task
// machine), the tasks it starts (a scheduler plan launched through tasks/launch.ts) and the service record with
// its events. Nothing is written unless every guard holds, so a pass that raced anything is simply made again.
import type { Tag } from '@aws-sdk/client-ecs';
import { placementDetail, ServiceEvents } from '../../domain/deployment.js';
import type { ServiceRecord } from '../../domain/service.js';
import { taskIdOf, type TaskRecord } from '../../domain/task.js';
import { FARGATE_POOL, type PlacementPools } from '../../placement/pools.js';
import { planPlacement, planStartTask, taskDemand, type Plan } from '../../scheduler/index.js';
import type { Txn } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import { TaskBatch } from '../../tasks/batch.js';
import { launch } from '../../tasks/launch.js';
import { launchPlan } from '../../tasks/launchTypes.js';
import { DEFAULT_STOPPED_RETENTION_MS } from '../../tasks/machine.js';
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
  const deregisterFirst = (rec.service.loadBalancers?.length ?? 0) > 0;
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

/** The service's tasks to start: planned on its pool, launched with the service's tags and its deployment's id. */
function place(deps: ApplyDeps, batch: TaskBatch, rec: ServiceRecord, d: Decision): { records: TaskRecord[]; plan?: Plan } {
  const count = d.start + d.startOn.length;
  if (count === 0) return { records: [] };
  const { tables } = deps;
  const dep = rec.deployments[0]!;
  const td = [...tables.taskDefinitions.byIndex('arn', dep.taskDefinition!)][0]?.value;
  const cluster = tables.clusters.get(rec.clusterName)?.value;
  if (!td || !cluster) return { records: [] };
  const launches = launchPlan(count, dep.launchType, dep.capacityProviderStrategy ?? []);
  const fargate = launches[0]!.launchType === 'FARGATE';
  const state = deps.pools.pool(fargate ? FARGATE_POOL : rec.clusterName);
  const demand = taskDemand(td.taskDefinition, undefined);
  const group = `service:${rec.service.serviceName}`;
  const placementConstraints = [...(td.taskDefinition.placementConstraints ?? []), ...(rec.service.placementConstraints ?? [])];
  const plan =
    d.startOn.length > 0
      ? planStartTask(state, { instanceArns: d.startOn, group, demand, placementConstraints })
      : planPlacement(state, { count, group, demand, placementConstraints, placementStrategy: rec.service.placementStrategy ?? [], origin: 'service' });
  const s = rec.service;
  const tags: Tag[] = [
    ...(s.propagateTags === 'SERVICE' ? (s.tags ?? []) : s.propagateTags === 'TASK_DEFINITION' ? td.tags : []),
    ...(s.enableECSManagedTags ? [{ key: 'aws:ecs:serviceName', value: s.serviceName }, { key: 'aws:ecs:clusterName', value: rec.clusterName }] : []),
  ];
  const arn = s.serviceArn!.split(':');
  const records = launch(
    batch,
    {
      ctx: { region: arn[3]!, accountId: arn[4]! },
      clusterName: rec.clusterName,
      clusterArn: cluster.clusterArn,
      taskDefinition: td.taskDefinition,
      launches,
      group,
      startedBy: dep.id,
      tags,
      demand,
      enableExecuteCommand: s.enableExecuteCommand,
      subnets: dep.networkConfiguration?.awsvpcConfiguration?.subnets,
    },
    plan,
  );
  return { records, plan };
}
