// One service as a reconcile pass sees it: the record and its tasks, each classified once (deployment, health,
// instance and zone, draining, protected, failed), so the decision functions are pure and read plain data.
import type { TaskRecord } from '../../domain/task.js';
import { isProtected, type ServiceRecord } from '../../domain/service.js';

/** The task group of a service's lifecycle hook tasks. */
export const hookGroup = (rec: ServiceRecord) => `hook:${rec.service.serviceName}`;
import type { Row } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import { isHealthy, unhealthyReason, type TargetFailure, type TargetHealth } from './health.js';

export interface TaskView {
  /** Table id `CLUSTER/TASKID`. */
  id: string;
  taskId: string;
  rec: TaskRecord;
  deploymentId: string;
  /** Not STOPPED yet. */
  live: boolean;
  /** desiredStatus RUNNING. */
  wanted: boolean;
  healthy: boolean;
  unhealthy: boolean;
  /** ECS's stoppedReason for a task being replaced as unhealthy. */
  unhealthyReason?: string;
  instanceKey?: string;
  az?: string;
  draining: boolean;
  protected: boolean;
}

export interface ServiceView {
  id: string;
  rec: ServiceRecord;
  tasks: TaskView[];
  /** One-shot tasks run as lifecycle hooks (group `hook:NAME`, startedBy the hookId). */
  hookTasks?: TaskRecord[];
  now: Date;
}

export function buildView(
  tables: Tables,
  row: Row<ServiceRecord>,
  now: Date,
  targetHealth: TargetHealth,
  targetFailure?: TargetFailure,
): ServiceView {
  const rec = row.value;
  const group = `${rec.clusterName}|service:${rec.service.serviceName}`;
  const checks = new Map<string, boolean>();
  const hasHealthCheck = (arn: string | undefined) => {
    if (!arn) return false;
    if (!checks.has(arn)) {
      const td = [...tables.taskDefinitions.byIndex('arn', arn)][0]?.value.taskDefinition;
      checks.set(arn, (td?.containerDefinitions ?? []).some((c) => c.healthCheck?.command?.length));
    }
    return checks.get(arn)!;
  };
  const tasks: TaskView[] = [];
  for (const t of tables.tasks.byIndex('group', group)) {
    const task = t.value.task;
    const ci = t.value.instanceKey ? tables.containerInstances.get(t.value.instanceKey)?.value : undefined;
    const h = { rec: t.value, service: rec, hasHealthCheck: hasHealthCheck(task.taskDefinitionArn), now, targetHealth, targetFailure };
    const failing = unhealthyReason(h);
    const taskId = t.id.slice(t.id.indexOf('/') + 1);
    tasks.push({
      id: t.id,
      taskId,
      rec: t.value,
      deploymentId: task.startedBy ?? '',
      live: task.lastStatus !== 'STOPPED',
      wanted: task.desiredStatus === 'RUNNING' && task.lastStatus !== 'STOPPED',
      healthy: isHealthy(h),
      unhealthy: failing !== undefined,
      unhealthyReason: failing,
      instanceKey: t.value.instanceKey,
      az: task.availabilityZone,
      draining: ci?.status === 'DRAINING',
      // Deleting the service stops every task, protected or not.
      protected: rec.service.status === 'ACTIVE' && isProtected(rec, taskId, now),
    });
  }
  tasks.sort((a, b) => (a.id < b.id ? -1 : 1));
  const hookTasks = rec.blueGreen?.hooks?.length ? [...tables.tasks.byIndex('group', `${rec.clusterName}|${hookGroup(rec)}`)].map((r) => r.value) : [];
  return { id: row.id, rec, tasks, hookTasks, now };
}
