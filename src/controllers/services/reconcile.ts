// One reconcile decision for one service, pure: the circuit breaker, deployment alarms and lifecycle hooks first (they
// may change the PRIMARY deployment), then the back-off, then what REPLICA or DAEMON scheduling wants started and stopped, then the bookkeeping that
// follows from the tasks' state (finished old deployments leave deployments[], a finished rollout is COMPLETED,
// the steady state is announced, a deleted service becomes INACTIVE once its tasks are gone).
import type { Deployment, TaskDefinition } from '@aws-sdk/client-ecs';
import { RolloutReasons, ServiceEvents } from '../../domain/deployment.js';
import { isExternal, shiftedLoadBalancer, type HookRun, type ServiceRecord } from '../../domain/service.js';
import type { ClusterState } from '../../scheduler/index.js';
import type { ContainerInstanceRecord } from '../../state/tables.js';
import { planRebalance, zoneWithFewest } from './azRebalance.js';
import { applyCircuitBreaker, backoff, type BackoffOptions } from './circuitBreaker.js';
import { planDaemon } from './daemon.js';
import { applyDeploymentAlarms, type AlarmStateOf } from './deploymentAlarms.js';
import { addEvent, markSteady } from './events.js';
import { announceHooks, applyHookOutcomes, hookTaskStep } from './lifecycleHooks.js';
import { planReplicas, rolloutDone, type Stop } from './rolling.js';
import { trackServiceDeployments } from './serviceDeployments.js';
import { planTaskSets } from './taskSets.js';
import { planShift } from './trafficShift.js';
import type { ServiceView } from './view.js';

export interface Decision {
  record: ServiceRecord;
  /** REPLICA: how many tasks of the PRIMARY deployment to place. */
  start: number;
  /** DAEMON: the instances to start one task on. */
  startOn: string[];
  stops: Stop[];
  /** REPLICA: the availability zone the tasks started go to (rebalancing). */
  startZone?: string;
  /** Lifecycle hook runs whose task definition is to be run as a one-shot task now. */
  hookTasks?: HookRun[];
  /** EXTERNAL: how many tasks of each task set to place. */
  startSets?: { taskSetId: string; count: number }[];
}

export interface ReconcileEnv {
  backoff: BackoffOptions;
  /** DAEMON only: the cluster's instances, its placement state and the PRIMARY's task definition. */
  daemon?: { instances: { key: string; ci: ContainerInstanceRecord }[]; state: ClusterState; td: TaskDefinition };
  /** How long a "minute" of the bake times lasts (tests shorten it); 60 s unless given. */
  minuteMs?: number;
  /** CloudWatch alarm states, for deployment alarms; without it they are not watched. */
  alarmState?: AlarmStateOf;
  /** The availability zones of the cluster's instances that can take tasks (ACTIVE, agent connected). */
  zones?: string[];
}

export function reconcile(view: ServiceView, env: ReconcileEnv): Decision {
  const none: Decision = { record: view.rec, start: 0, startOn: [], stops: [] };
  if (view.rec.service.status === 'INACTIVE') return none;
  if (isExternal(view.rec)) return reconcileTaskSets(view, env);
  if (view.rec.deployments.length === 0) return none;
  let rec = applyDeploymentAlarms(applyCircuitBreaker(view, view.rec), view.now, env.alarmState);
  if (shiftedLoadBalancer(rec)) rec = applyHookOutcomes(rec, view.now);
  const judged = rec;
  let v: ServiceView = { ...view, rec };
  const name = rec.service.serviceName!;
  const primary = rec.deployments[0]!;
  const wait = backoff(v, env.backoff);
  if (wait.until) rec = addEvent(rec, ServiceEvents.unableToStart(name), v.now);
  const launchesAllowed = !wait.until && primary.rolloutState !== 'FAILED';

  let start = 0;
  let startOn: string[] = [];
  let stops: Stop[];
  let stage: string | undefined;
  let holding = false;
  let startZone: string | undefined;
  let hookTasks: HookRun[] = [];
  const shifted = shiftedLoadBalancer(rec);
  if (rec.service.schedulingStrategy === 'DAEMON' && env.daemon) {
    const plan = planDaemon(v, env.daemon.instances, env.daemon.state, env.daemon.td);
    startOn = launchesAllowed ? plan.startOn : [];
    stops = plan.stops;
    if (plan.desired !== rec.service.desiredCount) {
      rec = {
        ...rec,
        service: { ...rec.service, desiredCount: plan.desired },
        deployments: [{ ...rec.deployments[0]!, desiredCount: plan.desired }, ...rec.deployments.slice(1)],
      };
    }
  } else if (shifted) {
    const plan = planShift(v, shifted, { launchesAllowed, minuteMs: env.minuteMs ?? 60_000 });
    ({ start, stops, stage, holding } = plan);
    if (JSON.stringify(plan.state) !== JSON.stringify(rec.blueGreen)) rec = announceHooks({ ...rec, blueGreen: plan.state }, rec.blueGreen, v.now);
    ({ rec, launch: hookTasks } = hookTaskStep(rec, v.hookTasks ?? [], v.now));
  } else {
    const zones = env.zones ?? [];
    const rb = planRebalance({ ...v, rec }, zones);
    rec = rb.record;
    v = { ...v, rec };
    ({ start, stops } = planReplicas(v, { launchesAllowed, surplus: rb.surplus }));
    const stopping = new Set(stops.map((s) => s.task.id));
    stops = [...stops, ...rb.stops.filter((s) => !stopping.has(s.task.id))];
    if (rb.startZone && launchesAllowed && start === 0) [start, startZone] = [1, rb.startZone];
    else if (start > 0 && rec.rebalancing) startZone = zoneWithFewest(v, zones);
  }
  v = { ...v, rec };

  // Older deployments with no task left leave the list.
  const kept = rec.deployments.filter((d, i) => i === 0 || v.tasks.some((t) => t.live && t.deploymentId === d.id));
  if (kept.length !== rec.deployments.length) rec = { ...rec, deployments: kept };

  const quiet = start === 0 && startOn.length === 0 && stops.length === 0;
  const done = quiet && !holding && rec.deployments.length === 1 && rolloutDone({ ...v, rec });
  const head = rec.deployments[0]!;
  if (done && head.rolloutState === 'IN_PROGRESS') {
    const completed: Deployment = { ...head, rolloutState: 'COMPLETED', rolloutStateReason: RolloutReasons.completed(head.id!), updatedAt: v.now };
    rec = { ...rec, deployments: [completed], lastCompleted: completed };
    rec = addEvent(rec, ServiceEvents.deploymentCompleted(name, head.id!), v.now);
  }
  if (rec.service.status === 'DRAINING') {
    if (!v.tasks.some((t) => t.live)) rec = { ...rec, service: { ...rec.service, status: 'INACTIVE' } };
  } else {
    rec = markSteady(rec, done, v.now);
  }
  rec = trackServiceDeployments(judged, rec, v.now, stage);
  return { record: rec, start, startOn, stops, startZone, hookTasks };
}

/** EXTERNAL services: their task sets (taskSets.ts), the back-off, the steady state, and INACTIVE once deleted and empty. */
function reconcileTaskSets(v: ServiceView, env: ReconcileEnv): Decision {
  let rec = v.rec;
  const wait = backoff(v, env.backoff);
  if (wait.until) rec = addEvent(rec, ServiceEvents.unableToStart(rec.service.serviceName!), v.now);
  const plan = planTaskSets(v, { launchesAllowed: !wait.until });
  if (JSON.stringify(plan.taskSets) !== JSON.stringify(rec.taskSets)) rec = { ...rec, taskSets: plan.taskSets };
  if (rec.service.status === 'DRAINING') {
    if (!v.tasks.some((t) => t.live)) rec = { ...rec, service: { ...rec.service, status: 'INACTIVE' } };
  } else {
    rec = markSteady(rec, plan.steady, v.now);
  }
  return { record: rec, start: 0, startOn: [], stops: plan.stops, startSets: plan.startSets };
}
