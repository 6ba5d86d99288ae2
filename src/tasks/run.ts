// Running tasks as ECS decides it: RunTask's and StartTask's rules (an active definition that fits the launch
// type, overrides that name its containers, capacity to run on), the plan on the right pool (the cluster's
// instances, or Wharf's FARGATE capacity), then the one launch path. The service scheduler places through
// placeAndLaunch too, without RunTask's checks (a deployment was checked when it was made).
import type {
  CapacityProviderStrategyItem,
  NetworkConfiguration,
  PlacementConstraint,
  PlacementStrategy,
  Tag,
  TaskDefinition,
  TaskOverride,
} from '@aws-sdk/client-ecs';
import type { ClusterRecord } from '../domain/cluster.js';
import { ClientError, InvalidParameter } from '../domain/errors.js';
import { mergeTags } from '../domain/tags.js';
import { checkRefusedOverrides } from '../domain/taskDefinition/index.js';
import type { TaskRecord } from '../domain/task.js';
import { FARGATE_POOL, type PlacementPools } from '../placement/pools.js';
import { planPlacement, planStartTask, taskDemand, type ClusterState, type Plan, type RequestOrigin, type Slot, type TaskDemand } from '../scheduler/index.js';
import { POOL_ATTRIBUTE } from '../domain/capacityProvider.js';
import type { TaskBatch } from './batch.js';
import { launch } from './launch.js';
import { checkPlatformVersion } from './platformVersion.js';
import { createdProviders, launchPlan, type LaunchChoice, type LaunchType } from './launchTypes.js';

/** What to place and launch: one definition, `count` tasks (or one per named instance). */
export interface PlaceRequest {
  ctx: { region: string; accountId: string };
  cluster: Pick<ClusterRecord, 'clusterName' | 'clusterArn'>;
  taskDefinition: TaskDefinition;
  launches: LaunchChoice[];
  overrides?: TaskOverride;
  group: string;
  startedBy?: string;
  tags: Tag[];
  enableExecuteCommand?: boolean;
  subnets?: string[];
  placementConstraints: PlacementConstraint[];
  placementStrategy: PlacementStrategy[];
  origin: RequestOrigin;
  /** StartTask, or a DAEMON service: the instances to start on, checked instead of ranked. */
  instanceArns?: string[];
}

/** Plans on the request's pool and launches what was placed. */
export function placeAndLaunch(pools: PlacementPools, batch: TaskBatch, req: PlaceRequest): { records: TaskRecord[]; plan: Plan; state: ClusterState } {
  const fargate = req.launches[0]?.launchType === 'FARGATE';
  const state = pools.pool(fargate ? FARGATE_POOL : req.cluster.clusterName);
  const demand = taskDemand(req.taskDefinition, req.overrides);
  const constraints = [...(req.taskDefinition.placementConstraints ?? []), ...req.placementConstraints];
  let launches = req.instanceArns ? [] : req.launches;
  let plan: Plan;
  if (req.instanceArns) {
    plan = planStartTask(state, { instanceArns: req.instanceArns, group: req.group, demand, placementConstraints: constraints });
    launches = plan.placements.map(() => req.launches[0]!);
  } else {
    ({ plan, launches } = planByProvider(state, batch, req, demand, constraints));
  }
  const records = launch(
    batch,
    {
      ctx: req.ctx,
      clusterName: req.cluster.clusterName,
      clusterArn: req.cluster.clusterArn,
      taskDefinition: req.taskDefinition,
      launches,
      overrides: req.overrides,
      group: req.group,
      startedBy: req.startedBy,
      tags: req.tags,
      demand,
      enableExecuteCommand: req.enableExecuteCommand,
      subnets: req.subnets,
    },
    plan,
  );
  return { records, plan, state };
}

/**
 * Plans the launches: in one go, or, when a strategy gives tasks to created capacity providers, each provider's share
 * on its pool (instances whose wharf.pool attribute names it), every share seeing what the earlier ones took.
 * Returns the plan and the launches of the placed tasks, in the plan's order.
 */
function planByProvider(
  state: ClusterState,
  batch: TaskBatch,
  req: PlaceRequest,
  demand: TaskDemand,
  constraints: PlacementConstraint[],
): { plan: Plan; launches: LaunchChoice[] } {
  const poolOf = (name: string | undefined) => (name ? batch.tables.capacityProviders.get(name)?.value.pool : undefined);
  const shares = new Map<string, LaunchChoice[]>();
  for (const l of req.launches) {
    const key = poolOf(l.capacityProviderName) !== undefined ? l.capacityProviderName! : '';
    shares.set(key, [...(shares.get(key) ?? []), l]);
  }
  const plans: Plan[] = [];
  const launches: LaunchChoice[] = [];
  const taken: [Slot, readonly number[]][] = [];
  try {
    for (const [provider, share] of shares) {
      const pool = poolOf(provider);
      const plan = planPlacement(state, {
        count: share.length,
        group: req.group,
        demand,
        placementConstraints: pool ? [...constraints, { type: 'memberOf', expression: `attribute:${POOL_ATTRIBUTE} == ${pool}` }] : constraints,
        placementStrategy: req.placementStrategy,
        origin: req.origin,
      });
      plans.push(plan);
      launches.push(...share.slice(0, plan.placements.length));
      for (const p of plan.placements) {
        const slot = state.slotOf(p.instanceArn)!;
        state.reserve(slot, demand, p.hostPorts, req.group);
        taken.push([slot, p.hostPorts]);
      }
    }
  } finally {
    // The pool's state is handed back as it was: committing is launch()'s.
    for (let k = taken.length - 1; k >= 0; k--) state.release(taken[k]![0], demand, taken[k]![1], req.group);
  }
  if (plans.length === 1) return { plan: plans[0]!, launches };
  const failed = plans.find((p) => p.unplaced > 0);
  return {
    plan: {
      group: req.group,
      demand,
      placements: plans.flatMap((p) => p.placements),
      unplaced: plans.reduce((n, p) => n + p.unplaced, 0),
      rejections: failed?.rejections ?? [],
      ...(failed?.closest ? { closest: failed.closest } : {}),
    },
    launches,
  };
}

/** RunTask and StartTask, decoded. */
export interface RunRequest {
  ctx: { region: string; accountId: string };
  cluster: ClusterRecord;
  definition: { taskDefinition: TaskDefinition; tags: Tag[] };
  /** RunTask: how many; StartTask: one per instance in `instanceArns`. */
  count: number;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  overrides?: TaskOverride;
  group?: string;
  startedBy?: string;
  tags: Tag[];
  propagateTags?: string;
  enableExecuteCommand?: boolean;
  networkConfiguration?: NetworkConfiguration;
  placementConstraints?: PlacementConstraint[];
  placementStrategy?: PlacementStrategy[];
  instanceArns?: string[];
  platformVersion?: string;
}

/** RunTask (or StartTask, with instanceArns): ECS's checks, then placeAndLaunch. */
export function runTasks(pools: PlacementPools, batch: TaskBatch, req: RunRequest): { records: TaskRecord[]; plan: Plan; state: ClusterState } {
  const td = req.definition.taskDefinition;
  const start = req.instanceArns !== undefined;
  const strategy = start ? [] : (req.capacityProviderStrategy ?? (req.launchType ? [] : req.cluster.defaultCapacityProviderStrategy));
  const launches = start ? [{ launchType: 'EC2' as const }] : launchPlan(req.count, req.launchType, strategy, createdProviders(batch.tables, req.cluster.capacityProviders));
  const fargate = launches[0]!.launchType === 'FARGATE';
  checkLaunchable(td, launches[0]!.launchType, req.networkConfiguration);
  checkOverrides(td, req.overrides);
  checkRefusedOverrides(req.overrides);
  checkPlatformVersion(launches[0]!.launchType, req.platformVersion);
  if (fargate && ((req.placementConstraints?.length ?? 0) > 0 || (req.placementStrategy?.length ?? 0) > 0)) {
    throw new InvalidParameter('Task placement constraints and strategies are not supported for tasks running on Fargate.');
  }
  if (!start && pools.pool(fargate ? FARGATE_POOL : req.cluster.clusterName).size === 0) {
    if (fargate) throw new ClientError('No FARGATE capacity is registered: run `wharf up`, whose embedded agent provides it.');
    throw new InvalidParameter('No Container Instances were found in your cluster.');
  }
  return placeAndLaunch(pools, batch, {
    ctx: req.ctx,
    cluster: req.cluster,
    taskDefinition: td,
    launches,
    overrides: req.overrides,
    group: req.group ?? `family:${td.family}`,
    startedBy: req.startedBy,
    tags: mergeTags(req.propagateTags === 'TASK_DEFINITION' ? req.definition.tags : [], req.tags),
    enableExecuteCommand: req.enableExecuteCommand,
    subnets: req.networkConfiguration?.awsvpcConfiguration?.subnets,
    // StartTask honours the definition's constraints only.
    placementConstraints: start ? [] : (req.placementConstraints ?? []),
    placementStrategy: req.placementStrategy ?? [],
    origin: 'standalone',
    instanceArns: req.instanceArns,
  });
}

/** A definition tasks may be launched from with this launch type (RunTask, StartTask, a service's deployment). */
export function checkLaunchable(td: TaskDefinition, launchType: LaunchType, network: NetworkConfiguration | undefined): void {
  if (td.status !== 'ACTIVE') throw new ClientError('TaskDefinition is inactive');
  if (launchType === 'FARGATE' && !td.compatibilities?.includes('FARGATE')) {
    throw new ClientError('Task definition does not support launch_type FARGATE.');
  }
  if (td.networkMode === 'awsvpc' && !network?.awsvpcConfiguration) {
    throw new InvalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
}

function checkOverrides(td: TaskDefinition, o: TaskOverride | undefined): void {
  const names = new Set((td.containerDefinitions ?? []).map((c) => c.name));
  for (const co of o?.containerOverrides ?? []) {
    if (!names.has(co.name)) {
      throw new InvalidParameter(`Override for container named ${co.name} is not a container in the TaskDefinition.`);
    }
  }
}
