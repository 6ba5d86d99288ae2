// RunTask and StartTask: check the request, resolve the definition and launch type, ask the scheduler for a plan,
// and hand it to tasks/launch.ts, which writes the tasks with the reservations on their instances in one guarded
// transaction (a plan made on a view that changed meanwhile is re-made, so concurrent calls never oversubscribe).
import type {
  Failure,
  PlacementConstraint,
  RunTaskRequest,
  RunTaskResponse,
  StartTaskRequest,
  StartTaskResponse,
  Tag,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ClientError, InvalidParameter } from '../../domain/errors.js';
import { initialTags, mergeTags } from '../../domain/tags.js';
import { FARGATE_POOL, type PlacementPools } from '../../placement/pools.js';
import { planPlacement, planStartTask, taskDemand, type Plan, type TaskDemand } from '../../scheduler/index.js';
import type { RequestContext } from '../../gateway/service.js';
import { TaskBatch } from '../../tasks/batch.js';
import { launch, type LaunchSpec } from '../../tasks/launch.js';
import { launchPlan, type LaunchType } from '../../tasks/launchTypes.js';
import { DEFAULT_STOPPED_RETENTION_MS } from '../../tasks/machine.js';
import type { EcsContext } from './context.js';
import { findTaskDefinition } from './taskDefinitions.js';

const CLIENT_TOKEN_TTL_MS = 24 * 3600 * 1000;

export function runTaskOperations(ecs: EcsContext, pools: PlacementPools, stoppedRetentionMs = DEFAULT_STOPPED_RETENTION_MS) {
  const { tables } = ecs;

  const checkDefinition = (td: TaskDefinition, launchType: LaunchType, input: { networkConfiguration?: RunTaskRequest['networkConfiguration'] }) => {
    if (td.status !== 'ACTIVE') throw new ClientError('TaskDefinition is inactive');
    if (launchType === 'FARGATE' && !td.compatibilities?.includes('FARGATE')) {
      throw new ClientError('Task definition does not support launch_type FARGATE.');
    }
    if (td.networkMode === 'awsvpc' && !input.networkConfiguration?.awsvpcConfiguration) {
      throw new InvalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
  };

  const failuresOf = (plan: Plan): Failure[] =>
    plan.unplaced === 0 ? [] : plan.rejections.map((r) => ({ arn: r.arn, reason: r.reason }));

  return {
    async RunTask(input: RunTaskRequest, ctx: RequestContext): Promise<RunTaskResponse> {
      const count = input.count ?? 1;
      if (!Number.isInteger(count) || count < 1 || count > 10) throw new InvalidParameter('count must be between 1 and 10.');
      const tags = initialTags(input.tags);
      if (input.clientToken !== undefined) {
        const prior = tables.clientTokens.get(input.clientToken);
        if (prior && prior.value.expiresAt > ctx.now) {
          const tasks = prior.value.taskArns.flatMap((arn) => {
            const row = tables.tasks.get(`${arn.split('/').slice(-2).join('/')}`);
            return row ? [row.value.task] : [];
          });
          return { tasks, failures: [] };
        }
      }
      return ecs.cache.update(() => {
        const cluster = ecs.activeCluster(input.cluster).value;
        const td = findTaskDefinition(tables, input.taskDefinition!)?.value;
        if (!td) throw new ClientError('Unable to describe task definition.');
        const taskDefinition = td.taskDefinition;
        const strategy = input.capacityProviderStrategy ?? (input.launchType ? [] : cluster.defaultCapacityProviderStrategy);
        const launches = launchPlan(count, input.launchType, strategy);
        const fargate = launches[0]!.launchType === 'FARGATE';
        checkDefinition(taskDefinition, launches[0]!.launchType, input);
        checkOverrides(taskDefinition, input.overrides);
        if (fargate && ((input.placementConstraints?.length ?? 0) > 0 || (input.placementStrategy?.length ?? 0) > 0)) {
          throw new InvalidParameter('Task placement constraints and strategies are not supported for tasks running on Fargate.');
        }
        const state = pools.pool(fargate ? FARGATE_POOL : cluster.clusterName);
        if (state.size === 0) {
          if (fargate) {
            throw new ClientError('No FARGATE capacity is registered: run `wharf up`, whose embedded agent provides it.');
          }
          throw new InvalidParameter('No Container Instances were found in your cluster.');
        }
        const demand = taskDemand(taskDefinition, input.overrides);
        const constraints: PlacementConstraint[] = [
          ...(taskDefinition.placementConstraints ?? []),
          ...(input.placementConstraints ?? []),
        ];
        const group = input.group ?? `family:${taskDefinition.family}`;
        const plan = planPlacement(state, {
          count,
          group,
          demand,
          placementConstraints: constraints,
          placementStrategy: input.placementStrategy ?? [],
          origin: 'standalone',
        });
        const batch = new TaskBatch(tables, { now: ctx.now, stoppedRetentionMs });
        const records = launch(batch, specFor(ctx, cluster, td, input, group, demand, tags, launches), plan);
        if (input.clientToken !== undefined && records.length > 0) {
          batch.txn.put(tables.clientTokens, input.clientToken, {
            taskArns: records.map((r) => r.task.taskArn!),
            expiresAt: new Date(ctx.now.getTime() + CLIENT_TOKEN_TTL_MS),
          });
        }
        return { txn: batch.done(), result: { tasks: records.map((r) => r.task), failures: failuresOf(plan) } };
      });
    },

    async StartTask(input: StartTaskRequest, ctx: RequestContext): Promise<StartTaskResponse> {
      const refs = input.containerInstances ?? [];
      if (refs.length < 1 || refs.length > 10) {
        throw new InvalidParameter('containerInstances must list between 1 and 10 container instances.');
      }
      const tags = initialTags(input.tags);
      return ecs.cache.update(() => {
        const cluster = ecs.activeCluster(input.cluster).value;
        const td = findTaskDefinition(tables, input.taskDefinition!)?.value;
        if (!td) throw new ClientError('Unable to describe task definition.');
        const taskDefinition = td.taskDefinition;
        checkDefinition(taskDefinition, 'EC2', input);
        checkOverrides(taskDefinition, input.overrides);
        const state = pools.pool(cluster.clusterName);
        const arns = refs.map((r) =>
          r.startsWith('arn:') ? r : tables.containerInstances.get(`${cluster.clusterName}/${r}`)?.value.containerInstanceArn ?? r,
        );
        const demand = taskDemand(taskDefinition, input.overrides);
        const group = input.group ?? `family:${taskDefinition.family}`;
        const plan = planStartTask(state, {
          instanceArns: arns,
          group,
          demand,
          placementConstraints: taskDefinition.placementConstraints ?? [],
        });
        const batch = new TaskBatch(tables, { now: ctx.now, stoppedRetentionMs });
        const launches = plan.placements.map(() => ({ launchType: 'EC2' as const }));
        const records = launch(batch, specFor(ctx, cluster, td, input, group, demand, tags, launches), plan);
        return { txn: batch.done(), result: { tasks: records.map((r) => r.task), failures: plan.rejections.map((r) => ({ arn: r.arn, reason: r.reason })) } };
      });
    },
  };
}

/** What RunTask and StartTask share about the tasks they create. */
function specFor(
  ctx: RequestContext,
  cluster: { clusterName: string; clusterArn: string },
  td: { taskDefinition: TaskDefinition; tags: Tag[] },
  input: Pick<RunTaskRequest, 'overrides' | 'startedBy' | 'propagateTags' | 'enableExecuteCommand' | 'networkConfiguration'>,
  group: string,
  demand: TaskDemand,
  tags: Tag[],
  launches: LaunchSpec['launches'],
): LaunchSpec {
  return {
    ctx,
    launches,
    clusterName: cluster.clusterName,
    clusterArn: cluster.clusterArn,
    taskDefinition: td.taskDefinition,
    overrides: input.overrides,
    group,
    startedBy: input.startedBy,
    tags: mergeTags(input.propagateTags === 'TASK_DEFINITION' ? td.tags : [], tags),
    demand,
    enableExecuteCommand: input.enableExecuteCommand,
    subnets: input.networkConfiguration?.awsvpcConfiguration?.subnets,
  };
}

function checkOverrides(td: TaskDefinition, o: RunTaskRequest['overrides']): void {
  const names = new Set((td.containerDefinitions ?? []).map((c) => c.name));
  for (const co of o?.containerOverrides ?? []) {
    if (!names.has(co.name)) {
      throw new InvalidParameter(`Override for container named ${co.name} is not a container in the TaskDefinition.`);
    }
  }
}
