// ECS services: the stored record (the service, its deployments newest first, its events, task protection) and the
// one place that turns it plus the service's tasks into what DescribeServices shows (counts are computed from the
// tasks at the time of the call, never stored).
import type { Deployment, LoadBalancer, Service, ServiceEvent, ServiceRegistry, ServiceRevision, Task, TaskSet } from '@aws-sdk/client-ecs';
import { ecsArn, type ArnContext } from './arn.js';
import { InvalidParameter } from './errors.js';
import type { ServiceDeploymentRecord } from './serviceDeployment.js';
import { servesConnect } from './serviceConnect.js';
import { presentTaskSet } from './taskSet.js';
import { isPending } from './task.js';

export const MAX_EVENTS = 100;

export interface ServiceRecord {
  clusterName: string;
  /** Without deployments, events and counts: those live beside it. */
  service: Service;
  /** PRIMARY first, then the older ACTIVE ones. */
  deployments: Deployment[];
  /** Newest first, at most MAX_EVENTS. */
  events: ServiceEvent[];
  /** The last deployment that reached COMPLETED: what a circuit breaker rollback returns to. */
  lastCompleted?: Deployment;
  /** Task id -> protection expiry (UpdateTaskProtection). */
  protection: Record<string, Date>;
  /** Whether the last pass found the service steady (the steady-state event is written on the way in). */
  steady: boolean;
  clientToken?: string;
  /** Service deployments, newest first (serviceDeployment.ts). */
  serviceDeployments?: ServiceDeploymentRecord[];
  /** Service revisions by ARN, those the kept service deployments name. */
  revisions?: Record<string, ServiceRevision>;
  /** ECS deployment id -> the service revision ARN it runs. */
  revisionIds?: Record<string, string>;
  /** BLUE_GREEN services: which target group production traffic goes to, and each deployment's (blueGreen.ts). */
  blueGreen?: BlueGreenState;
  /** Set while availability zone rebalancing evens the service's tasks out (controllers/services/azRebalance.ts). */
  rebalancing?: { startedAt: Date };
  /** EXTERNAL deployment controller: the service's task sets (taskSet.ts), PRIMARY first when there is one. */
  taskSets?: TaskSet[];
}

export interface BlueGreenState {
  /** The target group production traffic goes to now (of the load balancer entry with advancedConfiguration). */
  production: string;
  /** ECS deployment id -> the target group its tasks register in. */
  groups: Record<string, string>;
  /** LINEAR and CANARY: the percent of production traffic on the PRIMARY's group while it moves. */
  shift?: number;
  /** When the current LINEAR or CANARY step's bake ends. */
  stepUntil?: Date;
  /** When the bake after the production shift ends. */
  bakeUntil?: Date;
  /** LINEAR and CANARY: production shift steps taken so far (BLUE_GREEN's one step counts as 1). */
  step?: number;
  /** Production is on the PRIMARY's group and its PRODUCTION_TRAFFIC_SHIFT and POST_PRODUCTION_TRAFFIC_SHIFT hooks
   * have not all passed yet: the bake waits for them. */
  postShift?: boolean;
  /** Lifecycle hook runs of the deployments still on the service (lifecycleHooks.ts). */
  hooks?: HookRun[];
  /** The service's first deployment, while it goes into production with no blue: its hooks run at their stages all
   * the same (trafficShift.ts). */
  initial?: string;
}

/** One lifecycle hook at one stage of one deployment (and, for the production shift stages, one step). */
export interface HookRun {
  /** What DescribeServiceDeployments shows and ContinueServiceDeployment names. */
  hookId: string;
  deploymentId: string;
  /** The hook's index in deploymentConfiguration.lifecycleHooks. */
  index: number;
  stage: string;
  /** The production shift step a PRE_PRODUCTION_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT run belongs to, else 0. */
  occurrence: number;
  /** Run while `deploymentId` is PRIMARY again by a rollback (TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT only). */
  rollback?: boolean;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  startedAt: Date;
  expiresAt: Date;
  timeoutAction: 'CONTINUE' | 'ROLLBACK';
  /** AWS_LAMBDA: when the URL is to be called (again). */
  nextCallAt?: Date;
  /** Calls made so far; an answer is taken only for the call it answers. */
  calls: number;
  /** The hookDetails of the last IN_PROGRESS answer, passed back on the next call. */
  hookDetails?: unknown;
  /** Why it FAILED, for the service event and the deployment's reason. */
  reason?: string;
}

/** Strategies that shift traffic between target groups (the others roll tasks in place). */
export const SHIFTING_STRATEGIES: ReadonlySet<string> = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);

/** The load balancer entry a traffic-shifting deployment moves traffic on, if the service shifts traffic. */
export function shiftedLoadBalancer(rec: ServiceRecord): LoadBalancer | undefined {
  if (!SHIFTING_STRATEGIES.has(rec.service.deploymentConfiguration?.strategy ?? 'ROLLING')) return undefined;
  return rec.service.loadBalancers?.find((lb) => lb.advancedConfiguration?.alternateTargetGroupArn);
}

/** The target group a task of deployment `deploymentId` registers in for load balancer entry `lb`: its own side
 * (blue or green) for the shifted entry, the entry's target group otherwise. */
export function targetGroupFor(rec: ServiceRecord, lb: LoadBalancer, deploymentId: string | undefined): string | undefined {
  if (lb.advancedConfiguration?.alternateTargetGroupArn && rec.blueGreen) {
    return rec.blueGreen.groups[deploymentId ?? ''] ?? rec.blueGreen.production;
  }
  return lb.targetGroupArn;
}

export const isExternal = (rec: ServiceRecord) => rec.service.deploymentController?.type === 'EXTERNAL';

/** The load balancer entries a task of the service registers in: its task set's (EXTERNAL), else the service's. */
export function loadBalancersOf(rec: ServiceRecord, startedBy: string | undefined): LoadBalancer[] {
  if (isExternal(rec)) return rec.taskSets?.find((ts) => ts.id === startedBy)?.loadBalancers ?? [];
  return rec.service.loadBalancers ?? [];
}

/** Whether any task of the service may be behind a load balancer (its tasks deregister before they stop). */
export const hasLoadBalancers = (rec: ServiceRecord) =>
  (rec.service.loadBalancers?.length ?? 0) > 0 || (rec.taskSets ?? []).some((ts) => (ts.loadBalancers?.length ?? 0) > 0);

/** The Cloud Map registries the tasks of deployment `deploymentId` register in: those of the revision it runs
 * (a change of serviceRegistries is a new deployment, as on ECS, so older tasks keep theirs), else the service's. */
export function registriesFor(rec: ServiceRecord, deploymentId: string | undefined): ServiceRegistry[] {
  const revision = rec.revisions?.[rec.revisionIds?.[deploymentId ?? ''] ?? ''];
  return revision?.serviceRegistries ?? rec.service.serviceRegistries ?? [];
}

/** Whether a task of the service leaves something before it stops: a target group, a Cloud Map registry (its own
 * deployment's included) or Service Connect's endpoints. */
export function deregistersFirst(rec: ServiceRecord): boolean {
  if (hasLoadBalancers(rec) || (rec.service.serviceRegistries?.length ?? 0) > 0) return true;
  return rec.deployments.some((d) => registriesFor(rec, d.id).length > 0 || servesConnect(d.serviceConnectConfiguration));
}

export const serviceArn = (ctx: ArnContext, cluster: string, name: string) => ecsArn(ctx, `service/${cluster}/${name}`);

/** The service name of a name or ARN (`arn:...:service/CLUSTER/NAME` or the older `service/NAME`). */
export const serviceNameOf = (ref: string) => (ref.startsWith('arn:') ? (ref.split('/').pop() ?? ref) : ref);

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;

export function validateServiceName(name: string | undefined): void {
  if (!name || !NAME.test(name)) {
    throw new InvalidParameter('Service name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores and hyphens.');
  }
}

export const isProtected = (rec: ServiceRecord, taskId: string, now: Date) => {
  const until = rec.protection[taskId];
  return until !== undefined && until > now;
};

/** Counts of one set of tasks as ECS shows them on a service or a deployment. */
function counts(tasks: readonly Task[]) {
  let running = 0;
  let pending = 0;
  for (const t of tasks) {
    if (t.lastStatus === 'STOPPED' || t.desiredStatus !== 'RUNNING') continue;
    if (isPending(t)) pending++;
    else if (t.lastStatus === 'RUNNING') running++;
  }
  return { running, pending };
}

/** The Service as DescribeServices returns it. `tasks` are the service's tasks (any status). */
export function presentService(rec: ServiceRecord, tasks: readonly Task[], withTags: boolean): Service {
  const all = counts(tasks);
  const deployments = rec.deployments.map((d, i): Deployment => {
    const mine = tasks.filter((t) => t.startedBy === d.id);
    const c = counts(mine);
    const live = mine.filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus === 'RUNNING').length;
    return { ...d, desiredCount: i === 0 ? d.desiredCount : live, runningCount: c.running, pendingCount: c.pending };
  });
  const s: Service = {
    // Every service Wharf holds was created by a user; ECS says CUSTOMER for those (ECS for Express services).
    resourceManagementType: 'CUSTOMER',
    ...rec.service,
    runningCount: all.running,
    pendingCount: all.pending,
    deployments,
    ...(rec.taskSets ? { taskSets: rec.taskSets.map((ts) => presentTaskSet(ts, tasks)) } : {}),
    events: rec.events,
  };
  if (!withTags) delete s.tags;
  return s;
}
