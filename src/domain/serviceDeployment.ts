// Service deployments and service revisions as ECS records them: every rollout (CreateService, and each
// UpdateService that starts a deployment) is one service deployment moving from the service's running revisions
// (sources) to a new revision (target). They are kept on the service record beside the ECS `deployments[]` they
// follow: a service deployment names the ECS deployment it rolls out, and the one rolling it back, if any.
import { randomBytes } from 'node:crypto';
import type {
  Deployment,
  DeploymentConfiguration,
  Rollback,
  ServiceDeployment,
  ServiceDeploymentBrief,
  ServiceDeploymentStatus,
  ServiceRevision,
  ServiceRevisionSummary,
  Task,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { parseArn } from './arn.js';
import { circuitBreakerThreshold } from './deployment.js';
import type { HookRun, ServiceRecord } from './service.js';

/** Service deployments kept per service (newest first), and with them the revisions they name. */
export const MAX_SERVICE_DEPLOYMENTS = 50;

export interface ServiceDeploymentRecord {
  arn: string;
  /** The ECS deployment (`ecs-svc/...`) this service deployment rolls out. */
  deploymentId: string;
  /** The ECS deployment rolling it back (a new one, or the source deployment made PRIMARY again). */
  rollbackDeploymentId?: string;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  lifecycleStage?: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  stoppedAt?: Date;
  updatedAt: Date;
  sourceRevisions: string[];
  targetRevision: string;
  deploymentConfiguration: DeploymentConfiguration;
  rollback?: Rollback;
  /** The target deployment's failed tasks, as last seen (it may leave deployments[] once failed). */
  failedTasks?: number;
  /** Set once the circuit breaker tripped. */
  breakerTriggered?: boolean;
  /** The deployment alarms found in ALARM, once they failed it. */
  alarmsTriggered?: string[];
  /** Its lifecycle hook runs (copied from the service's blueGreen state as they move). */
  hooks?: HookRun[];
}

export const TERMINAL: ReadonlySet<string> = new Set(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']);
export const isTerminal = (sd: ServiceDeploymentRecord) => TERMINAL.has(sd.status);

/** The resource part of a service ARN: `CLUSTER/SERVICE`. */
const servicePath = (serviceArn: string) => parseArn(serviceArn)!.resource.slice('service/'.length);
const withResource = (serviceArn: string, kind: string, id: string) => {
  const p = parseArn(serviceArn)!;
  return `arn:${p.partition}:ecs:${p.region}:${p.accountId}:${kind}/${servicePath(serviceArn)}/${id}`;
};

/** A service deployment ARN: `...:service-deployment/CLUSTER/SERVICE/ID` with a 22-character id. */
export const serviceDeploymentArn = (serviceArn: string) =>
  withResource(serviceArn, 'service-deployment', randomBytes(16).toString('base64url').slice(0, 22));

/** A service revision ARN: `...:service-revision/CLUSTER/SERVICE/ID`, the id being the deployment's 19 digits. */
export const serviceRevisionArn = (serviceArn: string, deploymentId: string) =>
  withResource(serviceArn, 'service-revision', deploymentId.replace(/^ecs-svc\//, ''));

/** `CLUSTER/SERVICE` and the id of a service-deployment or service-revision ARN, or undefined. */
export function parseChildArn(arn: string, kind: 'service-deployment' | 'service-revision') {
  const p = parseArn(arn);
  if (!p || p.service !== 'ecs' || !p.resource.startsWith(`${kind}/`)) return undefined;
  const parts = p.resource.split('/');
  if (parts.length !== 4) return undefined;
  return { cluster: parts[1]!, service: parts[2]!, id: parts[3]! };
}

/** The revision a new ECS deployment of the service stands for. */
export function revisionOf(rec: ServiceRecord, dep: Deployment, td: TaskDefinition | undefined): ServiceRevision {
  const s = rec.service;
  return {
    serviceRevisionArn: serviceRevisionArn(s.serviceArn!, dep.id!),
    serviceArn: s.serviceArn,
    clusterArn: s.clusterArn,
    taskDefinition: dep.taskDefinition,
    capacityProviderStrategy: dep.capacityProviderStrategy,
    launchType: dep.launchType,
    platformVersion: dep.platformVersion,
    platformFamily: dep.platformFamily,
    loadBalancers: s.loadBalancers,
    serviceRegistries: s.serviceRegistries,
    networkConfiguration: dep.networkConfiguration,
    containerImages: (td?.containerDefinitions ?? []).map((c) => ({ containerName: c.name, image: c.image })),
    serviceConnectConfiguration: dep.serviceConnectConfiguration,
    createdAt: dep.createdAt,
  };
}

/**
 * Records a new service deployment for `dep`, which the caller has just made PRIMARY in `rec.deployments`: its
 * sources are the revisions of the deployments still running, its target `dep`'s new revision. A service
 * deployment still under way is STOPPED: the new one supersedes it.
 */
export function startServiceDeployment(rec: ServiceRecord, dep: Deployment, td: TaskDefinition | undefined, now: Date): ServiceRecord {
  const revision = revisionOf(rec, dep, td);
  const revisionIds = { ...(rec.revisionIds ?? {}), [dep.id!]: revision.serviceRevisionArn! };
  const sources = [...new Set(rec.deployments.filter((d) => d.id !== dep.id).map((d) => revisionIds[d.id!]).filter((a): a is string => !!a))];
  const previous = (rec.serviceDeployments ?? []).map((sd) =>
    isTerminal(sd)
      ? sd
      : { ...sd, status: 'STOPPED' as const, statusReason: 'Superseded by a newer service deployment.', stoppedAt: now, finishedAt: now, updatedAt: now },
  );
  const sd: ServiceDeploymentRecord = {
    arn: serviceDeploymentArn(rec.service.serviceArn!),
    deploymentId: dep.id!,
    status: 'PENDING',
    lifecycleStage: 'RECONCILE_SERVICE',
    createdAt: now,
    updatedAt: now,
    sourceRevisions: sources,
    targetRevision: revision.serviceRevisionArn!,
    deploymentConfiguration: rec.service.deploymentConfiguration ?? {},
  };
  const kept = [sd, ...previous].slice(0, MAX_SERVICE_DEPLOYMENTS);
  const named = new Set(kept.flatMap((k) => [k.targetRevision, ...k.sourceRevisions, ...(k.rollback?.serviceRevisionArn ? [k.rollback.serviceRevisionArn] : [])]));
  const revisions = Object.fromEntries(
    Object.entries({ ...(rec.revisions ?? {}), [revision.serviceRevisionArn!]: revision }).filter(([arn]) => named.has(arn) || Object.values(revisionIds).includes(arn)),
  );
  return { ...rec, serviceDeployments: kept, revisions, revisionIds };
}

/** Task counts of the tasks started by the deployments standing for `revisionArn`. */
function summary(rec: ServiceRecord, revisionArn: string, tasks: readonly Task[], requested: number | undefined): ServiceRevisionSummary {
  const ids = new Set(Object.entries(rec.revisionIds ?? {}).filter(([, arn]) => arn === revisionArn).map(([id]) => id));
  const mine = tasks.filter((t) => ids.has(t.startedBy ?? '') && t.lastStatus !== 'STOPPED' && t.desiredStatus === 'RUNNING');
  const running = mine.filter((t) => t.lastStatus === 'RUNNING').length;
  return { arn: revisionArn, requestedTaskCount: requested ?? mine.length, runningTaskCount: running, pendingTaskCount: mine.length - running };
}

/** The ServiceDeployment as DescribeServiceDeployments returns it; counts come from the service's tasks now. */
export function presentServiceDeployment(rec: ServiceRecord, sd: ServiceDeploymentRecord, tasks: readonly Task[]): ServiceDeployment {
  const cfg = sd.deploymentConfiguration;
  const breaker = cfg.deploymentCircuitBreaker;
  const failures = Math.max(sd.failedTasks ?? 0, ...rec.deployments.filter((d) => d.id === sd.deploymentId).map((d) => d.failedTasks ?? 0));
  const done = isTerminal(sd);
  const targetActive = !done && (sd.status === 'IN_PROGRESS' || sd.status === 'PENDING');
  const desired = rec.service.desiredCount ?? 0;
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: rec.service.serviceArn,
    clusterArn: rec.service.clusterArn,
    createdAt: sd.createdAt,
    startedAt: sd.startedAt,
    finishedAt: sd.finishedAt,
    stoppedAt: sd.stoppedAt,
    updatedAt: sd.updatedAt,
    sourceServiceRevisions: sd.sourceRevisions.map((arn) => summary(rec, arn, tasks, done ? 0 : undefined)),
    targetServiceRevision: summary(rec, sd.targetRevision, tasks, targetActive || sd.status === 'SUCCESSFUL' ? desired : 0),
    status: sd.status,
    statusReason: sd.statusReason,
    lifecycleStage: sd.lifecycleStage as ServiceDeployment['lifecycleStage'],
    deploymentConfiguration: cfg,
    ...(sd.hooks?.length
      ? {
          lifecycleHookDetails: sd.hooks.map((h) => ({
            hookId: h.hookId,
            targetType: h.targetType,
            ...(h.targetArn ? { targetArn: h.targetArn } : {}),
            status: h.status,
            expiresAt: h.expiresAt,
            timeoutAction: h.timeoutAction,
          })),
        }
      : {}),
    rollback: sd.rollback,
    deploymentCircuitBreaker: breaker?.enable
      ? {
          status: sd.breakerTriggered ? 'TRIGGERED' : done ? 'MONITORING_COMPLETE' : 'MONITORING',
          failureCount: failures,
          threshold: circuitBreakerThreshold(desired),
        }
      : { status: 'DISABLED', failureCount: 0, threshold: circuitBreakerThreshold(desired) },
    alarms: cfg.alarms?.enable
      ? {
          status: sd.alarmsTriggered ? 'TRIGGERED' : done ? 'MONITORING_COMPLETE' : 'MONITORING',
          alarmNames: cfg.alarms.alarmNames ?? [],
          ...(sd.alarmsTriggered ? { triggeredAlarmNames: sd.alarmsTriggered } : {}),
        }
      : { status: 'DISABLED' },
  };
}

export function briefOf(rec: ServiceRecord, sd: ServiceDeploymentRecord): ServiceDeploymentBrief {
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: rec.service.serviceArn,
    clusterArn: rec.service.clusterArn,
    startedAt: sd.startedAt,
    createdAt: sd.createdAt,
    finishedAt: sd.finishedAt,
    targetServiceRevisionArn: sd.targetRevision,
    status: sd.status,
    statusReason: sd.statusReason,
  };
}
