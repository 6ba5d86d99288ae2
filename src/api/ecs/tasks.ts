// StopTask (an event for the task machine), DescribeTasks and ListTasks.
import type {
  DescribeTasksRequest,
  DescribeTasksResponse,
  Failure,
  ListTasksRequest,
  ListTasksResponse,
  StopTaskRequest,
  StopTaskResponse,
  Task,
} from '@aws-sdk/client-ecs';
import { InvalidParameter } from '../../domain/errors.js';
import { pageOf } from '../../domain/paging.js';
import { isPending, presentTask, taskArn, taskIdOf, type TaskRecord } from '../../domain/task.js';
import type { RequestContext } from '../../gateway/service.js';
import type { Row } from '../../store/cache.js';
import { deregistersFirst, TaskBatch } from '../../tasks/batch.js';
import { DEFAULT_STOPPED_RETENTION_MS } from '../../tasks/machine.js';
import type { EcsContext } from './context.js';
import { instanceIdOf } from './containerInstances.js';

export function taskOperations(ecs: EcsContext, opts: { stoppedRetentionMs?: number } = {}) {
  const { tables } = ecs;
  const find = (cluster: string, ref: string) => tables.tasks.get(`${cluster}/${taskIdOf(ref)}`);

  return {
    async StopTask(input: StopTaskRequest, ctx: RequestContext): Promise<StopTaskResponse> {
      return ecs.cache.update(() => {
        const cluster = ecs.activeCluster(input.cluster).id;
        const row = find(cluster, input.task!);
        if (!row) throw new InvalidParameter('The referenced task was not found.');
        const batch = new TaskBatch(tables, { now: ctx.now, stoppedRetentionMs: opts.stoppedRetentionMs ?? DEFAULT_STOPPED_RETENTION_MS });
        const rec = batch.apply(row, { type: 'stop-requested', reason: input.reason, deregisterFirst: deregistersFirst(tables, row.value) });
        return { txn: batch.done(), result: { task: presentTask(rec, true) } };
      });
    },

    DescribeTasks(input: DescribeTasksRequest, ctx: RequestContext): DescribeTasksResponse {
      const refs = input.tasks ?? [];
      // Input is checked before the cluster is looked up, as ECS does.
      if (refs.length === 0) throw new InvalidParameter('Tasks cannot be empty.');
      const cluster = ecs.activeCluster(input.cluster).id;
      if (refs.length > 100) throw new InvalidParameter('tasks can have at most 100 items.');
      const withTags = input.include?.includes('TAGS') ?? false;
      const tasks: Task[] = [];
      const failures: Failure[] = [];
      for (const ref of refs) {
        const row = find(cluster, ref);
        if (row) tasks.push(presentTask(row.value, withTags));
        else failures.push({ arn: ref.startsWith('arn:') ? ref : taskArn(ctx, cluster, ref), reason: 'MISSING' });
      }
      return { tasks, failures };
    },

    ListTasks(input: ListTasksRequest): ListTasksResponse {
      const cluster = ecs.activeCluster(input.cluster).id;
      let rows: Iterable<Row<TaskRecord>>;
      // Wharf runs no ECS managed daemons (CreateDaemon), so no task belongs to one.
      if (input.daemonName !== undefined) rows = [];
      else if (input.containerInstance) rows = tables.tasks.byIndex('instance', `${cluster}/${instanceIdOf(input.containerInstance)}`);
      else if (input.startedBy) rows = tables.tasks.byIndex('startedBy', `${cluster}|${input.startedBy}`);
      else if (input.serviceName) rows = tables.tasks.byIndex('group', `${cluster}|service:${input.serviceName}`);
      else if (input.family) rows = tables.tasks.byIndex('family', `${cluster}|${input.family}`);
      else rows = tables.tasks.byIndex('cluster', cluster);
      const desired = input.desiredStatus ?? 'RUNNING';
      const arns: string[] = [];
      for (const r of rows) {
        const t = r.value.task;
        if (r.value.clusterName !== cluster) continue;
        if (desired === 'PENDING' ? !(t.desiredStatus === 'RUNNING' && isPending(t)) : t.desiredStatus !== desired) continue;
        if (input.startedBy && t.startedBy !== input.startedBy) continue;
        if (input.family && !t.taskDefinitionArn?.includes(`:task-definition/${input.family}:`)) continue;
        if (input.serviceName && t.group !== `service:${input.serviceName}`) continue;
        if (input.launchType && t.launchType !== input.launchType) continue;
        arns.push(t.taskArn!);
      }
      const page = pageOf(arns, (a) => a, { maxResults: input.maxResults, nextToken: input.nextToken });
      return { taskArns: page.items, nextToken: page.nextToken };
    },
  };
}
