// RunTask and StartTask: resolve the definition and launch type, ask the scheduler for a plan, and commit the
// tasks together with the reservations on their instances in one guarded transaction (a plan made on a view that
// changed meanwhile is re-made, so concurrent calls never oversubscribe an instance).
import type {
  CapacityProviderStrategyItem,
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
import { reserve } from '../../placement/resources.js';
import { planPlacement, planStartTask, taskDemand, type Plan, type TaskDemand } from '../../scheduler/index.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import type { ContainerInstanceRecord } from '../../state/tables.js';
import { taskIdOf, type TaskRecord } from '../../domain/task.js';
import type { EcsContext } from './context.js';
import { instanceIdOf } from './containerInstances.js';
import { buildTask, type TaskSpec } from './taskFactory.js';
import { findTaskDefinition } from './taskDefinitions.js';
import { allocateAddress, usedAddresses } from './addresses.js';

const CLIENT_TOKEN_TTL_MS = 24 * 3600 * 1000;

type LaunchType = 'EC2' | 'FARGATE' | 'EXTERNAL';

/** Launch type per task from launchType or a FARGATE/FARGATE_SPOT capacity provider strategy (base, then weights). */
export function launchPlan(
  count: number,
  launchType: string | undefined,
  strategy: readonly CapacityProviderStrategyItem[],
): { launchType: LaunchType; capacityProviderName?: string }[] {
  if (launchType && strategy.length > 0) {
    throw new InvalidParameter('Specifying both a launch type and capacity provider strategy is not supported.');
  }
  if (strategy.length === 0) return Array.from({ length: count }, () => ({ launchType: (launchType ?? 'EC2') as LaunchType }));
  for (const s of strategy) {
    if (s.capacityProvider !== 'FARGATE' && s.capacityProvider !== 'FARGATE_SPOT') {
      throw new InvalidParameter(`The specified capacity provider ${s.capacityProvider} does not exist.`);
    }
  }
  const out: { launchType: LaunchType; capacityProviderName: string }[] = [];
  const withBase = strategy.find((s) => (s.base ?? 0) > 0);
  for (let i = 0; i < Math.min(count, withBase?.base ?? 0); i++) out.push({ launchType: 'FARGATE', capacityProviderName: withBase!.capacityProvider! });
  const weighted = strategy.filter((s) => (s.weight ?? 0) > 0);
  const total = weighted.reduce((n, s) => n + s.weight!, 0);
  const given = new Map<string, number>();
  while (out.length < count) {
    // The provider furthest below its weighted share gets the next task.
    const next = weighted.reduce((best, s) =>
      (given.get(s.capacityProvider!) ?? 0) / s.weight! < (given.get(best.capacityProvider!) ?? 0) / best.weight! ? s : best,
    );
    given.set(next.capacityProvider!, (given.get(next.capacityProvider!) ?? 0) + 1);
    out.push({ launchType: 'FARGATE', capacityProviderName: next.capacityProvider! });
    if (total === 0) break;
  }
  return out;
}

export function runTaskOperations(ecs: EcsContext, pools: PlacementPools) {
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

  /** Commits the placed tasks; throws ConflictError (retried by cache.update) when an instance changed. */
  const commitTasks = (
    spec: Omit<TaskSpec, 'launchType' | 'capacityProviderName'>,
    launches: { launchType: LaunchType; capacityProviderName?: string }[],
    plan: Plan,
    txn: Txn,
  ): TaskRecord[] => {
    const instances = new Map<string, { rec: ContainerInstanceRecord; rev: number }>();
    // Only awsvpc tasks need an address; collecting the used ones walks every live task.
    const taken = spec.taskDefinition.networkMode === 'awsvpc' ? usedAddresses(tables) : new Set<string>();
    const records: TaskRecord[] = [];
    plan.placements.forEach((placement, i) => {
      const cluster = placement.instanceArn.split('/').slice(-2)[0]!;
      const instanceKey = `${cluster}/${instanceIdOf(placement.instanceArn)}`;
      let entry = instances.get(instanceKey);
      if (!entry) {
        const row = tables.containerInstances.get(instanceKey)!;
        entry = { rec: row.value, rev: row.modRevision };
        instances.set(instanceKey, entry);
      }
      const address = spec.taskDefinition.networkMode === 'awsvpc' ? allocateAddress(entry.rec, taken) : undefined;
      const az = entry.rec.attributes?.find((a) => a.name === 'ecs.availability-zone')?.value;
      const rec = buildTask({ ...spec, ...launches[i]! }, { placement, instanceKey, address, availabilityZone: az });
      entry.rec = reserve(entry.rec, rec.reservation!, true);
      records.push(rec);
      txn.put(tables.tasks, `${spec.clusterName}/${taskIdOf(rec.task.taskArn!)}`, rec, 0);
    });
    for (const [key, { rec, rev }] of instances) txn.put(tables.containerInstances, key, rec, rev);
    return records;
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
        const txn = new Txn();
        const records = commitTasks(
          specFor(ctx, cluster, td, input, group, demand, tags),
          launches,
          plan,
          txn,
        );
        if (input.clientToken !== undefined && records.length > 0) {
          txn.put(tables.clientTokens, input.clientToken, {
            taskArns: records.map((r) => r.task.taskArn!),
            expiresAt: new Date(ctx.now.getTime() + CLIENT_TOKEN_TTL_MS),
          });
        }
        return { txn, result: { tasks: records.map((r) => r.task), failures: failuresOf(plan) } };
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
        const txn = new Txn();
        const launches = plan.placements.map(() => ({ launchType: 'EC2' as const }));
        const records = commitTasks(
          specFor(ctx, cluster, td, input, group, demand, tags),
          launches,
          plan,
          txn,
        );
        return { txn, result: { tasks: records.map((r) => r.task), failures: plan.rejections.map((r) => ({ arn: r.arn, reason: r.reason })) } };
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
): Omit<TaskSpec, 'launchType' | 'capacityProviderName'> {
  return {
    ctx,
    now: ctx.now,
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
