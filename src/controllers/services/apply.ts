// Turns one Decision into one guarded transaction: the tasks it stops (through tasks/transitions.ts), the tasks it
// places (scheduler plan, task records and the reservations on their instances) and the service record with its
// events. Nothing is written unless every guard holds, so a pass that raced anything is simply made again.
import type { CapacityProviderStrategyItem, Tag, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import { placementDetail, ServiceEvents } from '../../domain/deployment.js';
import type { ServiceRecord } from '../../domain/service.js';
import { statusRank, taskIdOf, type TaskRecord } from '../../domain/task.js';
import { FARGATE_POOL, type PlacementPools } from '../../placement/pools.js';
import { reserve } from '../../placement/resources.js';
import { planPlacement, planStartTask, taskDemand, type Placement, type Plan, type TaskDemand } from '../../scheduler/index.js';
import { Txn } from '../../store/cache.js';
import type { ContainerInstanceRecord, Tables } from '../../state/tables.js';
import { writeTask } from '../../tasks/transitions.js';
import { addEvent } from './events.js';
import type { Decision } from './reconcile.js';
import type { ServiceView } from './view.js';

type LaunchType = 'EC2' | 'FARGATE' | 'EXTERNAL';

/** What the API layer's task factory needs (injected: controllers sit below api/). */
export interface LaunchSpec {
  ctx: { region: string; accountId: string };
  now: Date;
  clusterName: string;
  clusterArn: string;
  taskDefinition: TaskDefinition;
  launchType: LaunchType;
  capacityProviderName?: string;
  group: string;
  startedBy?: string;
  tags: Tag[];
  demand: TaskDemand;
  enableExecuteCommand?: boolean;
  subnets?: string[];
}

export interface Launcher {
  buildTask(spec: LaunchSpec, on: { placement: Placement; instanceKey: string; address?: string; availabilityZone?: string }): TaskRecord;
  usedAddresses(): Set<string>;
  allocateAddress(ci: ContainerInstanceRecord, taken: Set<string>): string;
  launchPlan(count: number, launchType: string | undefined, strategy: readonly CapacityProviderStrategyItem[]): { launchType: LaunchType; capacityProviderName?: string }[];
}

export interface ApplyDeps {
  tables: Tables;
  pools: PlacementPools;
  launcher: Launcher;
  stoppedRetentionMs?: number;
}

/** The task as the scheduler stops it: running ones deactivate (load balancer) or go to STOPPING. */
export function stoppedByScheduler(t: Task, reason: string, now: Date, deregisterFirst: boolean): Task {
  const running = statusRank(t.lastStatus) === statusRank('RUNNING');
  return {
    ...t,
    desiredStatus: 'STOPPED',
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: reason,
    stoppingAt: now,
    lastStatus: running ? (deregisterFirst || t.attachments?.length ? 'DEACTIVATING' : 'STOPPING') : t.lastStatus,
  };
}

export function applyDecision(deps: ApplyDeps, v: ServiceView, d: Decision, serviceRev: number): { txn: Txn; started: number; stopped: number } {
  const { tables } = deps;
  const txn = new Txn();
  let rec = d.record;
  const name = rec.service.serviceName!;
  const lb = (rec.service.loadBalancers?.length ?? 0) > 0;
  const stoppedIds: string[] = [];
  for (const s of d.stops) {
    const row = tables.tasks.get(s.task.id);
    if (!row || row.value.task.desiredStatus === 'STOPPED') continue;
    writeTask(tables, txn, row, stoppedByScheduler(row.value.task, s.reason, v.now, lb), { now: v.now, stoppedRetentionMs: deps.stoppedRetentionMs });
    stoppedIds.push(s.task.taskId);
  }
  if (stoppedIds.length > 0) rec = addEvent(rec, ServiceEvents.stopped(name, stoppedIds), v.now);
  const placed = place(deps, rec, d, v.now, txn);
  if (placed.records.length > 0) {
    rec = addEvent(rec, ServiceEvents.started(name, placed.records.map((r) => taskIdOf(r.task.taskArn!))), v.now);
  }
  if (placed.plan && placed.plan.unplaced > 0) {
    const closest = placed.plan.closest;
    rec = addEvent(rec, ServiceEvents.unableToPlace(name, placementDetail(closest?.arn.split('/').pop(), closest?.reason)), v.now);
  }
  if (rec !== v.rec) txn.put(tables.services, v.id, rec, serviceRev);
  return { txn, started: placed.records.length, stopped: stoppedIds.length };
}

function place(deps: ApplyDeps, rec: ServiceRecord, d: Decision, now: Date, txn: Txn): { records: TaskRecord[]; plan?: Plan } {
  const count = d.start + d.startOn.length;
  if (count === 0) return { records: [] };
  const { tables, launcher } = deps;
  const dep = rec.deployments[0]!;
  const td = [...tables.taskDefinitions.byIndex('arn', dep.taskDefinition!)][0]?.value;
  const cluster = tables.clusters.get(rec.clusterName)?.value;
  if (!td || !cluster) return { records: [] };
  const launches = launcher.launchPlan(count, dep.launchType, dep.capacityProviderStrategy ?? []);
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
  const awsvpc = td.taskDefinition.networkMode === 'awsvpc';
  const taken = awsvpc ? launcher.usedAddresses() : new Set<string>();
  const instances = new Map<string, { ci: ContainerInstanceRecord; rev: number }>();
  const records = plan.placements.map((placement, i) => {
    const instanceKey = `${placement.instanceArn.split('/').slice(-2).join('/')}`;
    let entry = instances.get(instanceKey);
    if (!entry) {
      const row = tables.containerInstances.get(instanceKey)!;
      instances.set(instanceKey, (entry = { ci: row.value, rev: row.modRevision }));
    }
    const address = awsvpc ? launcher.allocateAddress(entry.ci, taken) : undefined;
    const availabilityZone = entry.ci.attributes?.find((a) => a.name === 'ecs.availability-zone')?.value;
    const task = launcher.buildTask(
      {
        ctx: { region: arn[3]!, accountId: arn[4]! }, now, clusterName: rec.clusterName, clusterArn: cluster.clusterArn,
        taskDefinition: td.taskDefinition, ...launches[i]!, group, startedBy: dep.id, tags, demand,
        enableExecuteCommand: s.enableExecuteCommand, subnets: dep.networkConfiguration?.awsvpcConfiguration?.subnets,
      },
      { placement, instanceKey, address, availabilityZone },
    );
    entry.ci = reserve(entry.ci, task.reservation!, true);
    txn.put(tables.tasks, `${rec.clusterName}/${taskIdOf(task.task.taskArn!)}`, task, 0);
    return task;
  });
  for (const [key, { ci, rev }] of instances) txn.put(tables.containerInstances, key, ci, rev);
  return { records, plan };
}
