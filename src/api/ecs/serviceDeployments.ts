// ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment and
// ContinueServiceDeployment. The service controller moves service deployments along
// (controllers/services/serviceDeployments.ts); StopServiceDeployment and ContinueServiceDeployment only write the
// request (a rollback's PRIMARY deployment, an aborted one, a paused hook's answer) for the controller to carry out.
import type {
  ContinueServiceDeploymentRequest,
  ContinueServiceDeploymentResponse,
  Deployment,
  DescribeServiceDeploymentsRequest,
  DescribeServiceDeploymentsResponse,
  DescribeServiceRevisionsRequest,
  DescribeServiceRevisionsResponse,
  Failure,
  ListServiceDeploymentsRequest,
  ListServiceDeploymentsResponse,
  ServiceDeployment,
  ServiceRevision,
  StopServiceDeploymentRequest,
  StopServiceDeploymentResponse,
} from '@aws-sdk/client-ecs';
import { newDeploymentId, RolloutReasons } from '../../domain/deployment.js';
import { Conflict, InvalidParameter, ServiceDeploymentNotFound, ServiceNotFound } from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import { serviceNameOf, type HookRun, type ServiceRecord } from '../../domain/service.js';
import {
  briefOf,
  isTerminal,
  parseChildArn,
  presentServiceDeployment,
  type ServiceDeploymentRecord,
} from '../../domain/serviceDeployment.js';
import { Txn } from '../../store/cache.js';
import type { EcsContext } from './context.js';

const STATUSES = new Set([
  'PENDING', 'SUCCESSFUL', 'STOPPED', 'STOP_REQUESTED', 'IN_PROGRESS',
  'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED',
]);

export function serviceDeploymentOperations(ecs: EcsContext) {
  const { tables } = ecs;
  const tasksOf = (rec: ServiceRecord) =>
    [...tables.tasks.byIndex('group', `${rec.clusterName}|service:${rec.service.serviceName}`)].map((r) => r.value.task);
  const serviceRow = (cluster: string, service: string) => tables.services.get(`${cluster}/${service}`);

  /** The service and service deployment an ARN names, or undefined. */
  const lookup = (arn: string) => {
    const ref = parseChildArn(arn, 'service-deployment');
    if (!ref) return undefined;
    const row = serviceRow(ref.cluster, ref.service);
    const sd = row?.value.serviceDeployments?.find((d) => d.arn === arn);
    return row && sd ? { row, sd } : undefined;
  };

  return {
    ListServiceDeployments(input: ListServiceDeploymentsRequest): ListServiceDeploymentsResponse {
      const cluster = ecs.activeCluster(input.cluster).id;
      const rec = serviceRow(cluster, serviceNameOf(input.service ?? ''))?.value;
      if (!rec || rec.service.status === 'INACTIVE') throw new ServiceNotFound('Service not found.');
      for (const s of input.status ?? []) if (!STATUSES.has(s)) throw new InvalidParameter(`Invalid status: ${s}`);
      const { before, after } = input.createdAt ?? {};
      const wanted = (rec.serviceDeployments ?? []).filter(
        (sd) =>
          (!input.status?.length || input.status.includes(sd.status)) &&
          (!before || sd.createdAt <= before) &&
          (!after || sd.createdAt >= after),
      );
      // Newest first, as ECS lists them.
      const keyed = wanted.map((sd, i) => ({ sd, key: String(i).padStart(6, '0') }));
      const page = paginate(keyed, (k) => k.key, {
        maxResults: input.maxResults,
        nextToken: input.nextToken,
        defaultMax: 20,
        limit: 100,
      });
      return { serviceDeployments: page.items.map((k) => briefOf(rec, k.sd)), nextToken: page.nextToken };
    },

    DescribeServiceDeployments(input: DescribeServiceDeploymentsRequest): DescribeServiceDeploymentsResponse {
      const arns = input.serviceDeploymentArns ?? [];
      if (arns.length < 1 || arns.length > 20) throw new InvalidParameter('serviceDeploymentArns must list between 1 and 20 ARNs.');
      const serviceDeployments: ServiceDeployment[] = [];
      const failures: Failure[] = [];
      for (const arn of arns) {
        const found = lookup(arn);
        if (found) serviceDeployments.push(presentServiceDeployment(found.row.value, found.sd, tasksOf(found.row.value)));
        else failures.push({ arn, reason: 'MISSING' });
      }
      return { serviceDeployments, failures };
    },

    DescribeServiceRevisions(input: DescribeServiceRevisionsRequest): DescribeServiceRevisionsResponse {
      const arns = input.serviceRevisionArns ?? [];
      if (arns.length < 1 || arns.length > 20) throw new InvalidParameter('serviceRevisionArns must list between 1 and 20 ARNs.');
      const serviceRevisions: ServiceRevision[] = [];
      const failures: Failure[] = [];
      for (const arn of arns) {
        const ref = parseChildArn(arn, 'service-revision');
        const revision = ref ? serviceRow(ref.cluster, ref.service)?.value.revisions?.[arn] : undefined;
        if (revision) serviceRevisions.push(revision);
        else failures.push({ arn, reason: 'MISSING' });
      }
      return { serviceRevisions, failures };
    },

    async StopServiceDeployment(input: StopServiceDeploymentRequest, ctx: { now: Date }): Promise<StopServiceDeploymentResponse> {
      const arn = input.serviceDeploymentArn ?? '';
      const stopType = input.stopType ?? 'ROLLBACK';
      if (stopType !== 'ROLLBACK' && stopType !== 'ABORT') throw new InvalidParameter(`Invalid stopType: ${stopType}`);
      return ecs.cache.update(() => {
        const found = lookup(arn);
        if (!found) throw new ServiceDeploymentNotFound(`The service deployment ${arn} does not exist.`);
        const { row, sd } = found;
        if (isTerminal(sd)) {
          throw new Conflict(`The service deployment ${arn} is ${sd.status} and can no longer be stopped.`);
        }
        // Already being stopped or rolled back: it carries on (as ECS documents for these states).
        if (sd.status !== 'PENDING' && sd.status !== 'IN_PROGRESS') return { txn: new Txn(), result: { serviceDeploymentArn: arn } };
        const rec = stopType === 'ROLLBACK' ? requestRollback(row.value, sd, ctx.now) : requestAbort(row.value, sd, ctx.now);
        return { txn: new Txn().put(tables.services, row.id, rec, row.modRevision), result: { serviceDeploymentArn: arn } };
      });
    },

    /**
     * A deployment paused at a PAUSE lifecycle hook (AWAITING_ACTION) goes on: CONTINUE passes the hook, ROLLBACK fails
     * it, and the service controller rolls the deployment back (controllers/services/lifecycleHooks.ts). An unknown ARN
     * is ServiceDeploymentNotFoundException; a deployment not IN_PROGRESS, or a hookId naming no hook awaiting action,
     * InvalidParameterException, and nothing changes.
     */
    async ContinueServiceDeployment(input: ContinueServiceDeploymentRequest): Promise<ContinueServiceDeploymentResponse> {
      const arn = input.serviceDeploymentArn ?? '';
      const action = input.action ?? 'CONTINUE';
      if (action !== 'CONTINUE' && action !== 'ROLLBACK') throw new InvalidParameter(`Invalid action: ${action}`);
      if (!input.hookId) throw new InvalidParameter('hookId must be specified.');
      return ecs.cache.update(() => {
        const found = lookup(arn);
        if (!found) throw new ServiceDeploymentNotFound(`The service deployment ${arn} does not exist.`);
        const { row, sd } = found;
        if (sd.status !== 'IN_PROGRESS') {
          throw new InvalidParameter(`The service deployment ${arn} is ${sd.status}; only an IN_PROGRESS service deployment can be continued.`);
        }
        const st = row.value.blueGreen;
        const run = st?.hooks?.find((h) => h.hookId === input.hookId && h.deploymentId === sd.deploymentId && h.status === 'AWAITING_ACTION');
        if (!st || !run) throw new InvalidParameter(`The lifecycle hook ${input.hookId} of service deployment ${arn} is not awaiting action.`);
        const done: HookRun =
          action === 'CONTINUE' ? { ...run, status: 'SUCCEEDED' } : { ...run, status: 'FAILED', reason: 'rolled back by ContinueServiceDeployment' };
        const rec: ServiceRecord = { ...row.value, steady: false, blueGreen: { ...st, hooks: st.hooks!.map((h) => (h === run ? done : h)) } };
        return { txn: new Txn().put(tables.services, row.id, rec, row.modRevision), result: { serviceDeploymentArn: arn } };
      });
    },
  };
}

const replace = (rec: ServiceRecord, sd: ServiceDeploymentRecord, next: ServiceDeploymentRecord): ServiceRecord => ({
  ...rec,
  steady: false,
  serviceDeployments: (rec.serviceDeployments ?? []).map((d) => (d === sd ? next : d)),
});

/**
 * ROLLBACK: the source revision becomes PRIMARY again. A deployment of it still running (the blue side of a
 * blue/green deployment, or old tasks of a rolling one) is made PRIMARY itself, so its tasks stay; otherwise a new
 * deployment of the source revision is started, as the circuit breaker does.
 */
function requestRollback(rec: ServiceRecord, sd: ServiceDeploymentRecord, now: Date): ServiceRecord {
  const lastCompleted = rec.lastCompleted?.id ? rec.revisionIds?.[rec.lastCompleted.id] : undefined;
  const target = lastCompleted && sd.sourceRevisions.includes(lastCompleted) ? lastCompleted : sd.sourceRevisions[0];
  const revision = target ? rec.revisions?.[target] : undefined;
  if (!target || !revision) throw new InvalidParameter('The service deployment has no source service revision to roll back to.');
  const ids = rec.revisionIds ?? {};
  const live = rec.deployments.find((d) => d.id !== sd.deploymentId && ids[d.id!] === target);
  const id = live?.id ?? newDeploymentId();
  const base: Deployment = live ?? {
    ...(rec.lastCompleted?.id && ids[rec.lastCompleted.id] === target ? rec.lastCompleted : {}),
    taskDefinition: revision.taskDefinition,
    launchType: revision.launchType,
    capacityProviderStrategy: revision.capacityProviderStrategy,
    platformVersion: revision.platformVersion,
    platformFamily: revision.platformFamily,
    networkConfiguration: revision.networkConfiguration,
    serviceConnectConfiguration: revision.serviceConnectConfiguration,
    createdAt: now,
    failedTasks: 0,
  };
  const back: Deployment = {
    ...base,
    id,
    status: 'PRIMARY',
    desiredCount: rec.service.desiredCount,
    updatedAt: now,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: RolloutReasons.rollingBackTo(target),
  };
  const rest = rec.deployments.filter((d) => d.id !== id).map((d) => ({ ...d, status: 'ACTIVE' }));
  const next: ServiceDeploymentRecord = {
    ...sd,
    status: 'ROLLBACK_REQUESTED',
    statusReason: 'Service deployment rollback requested by user.',
    rollbackDeploymentId: id,
    rollback: { reason: 'Service deployment rolled back by user.', startedAt: now, serviceRevisionArn: target },
    updatedAt: now,
  };
  return replace(
    {
      ...rec,
      service: { ...rec.service, taskDefinition: revision.taskDefinition },
      deployments: [back, ...rest],
      revisionIds: { ...ids, [id]: target },
    },
    sd,
    next,
  );
}

/** ABORT: the deployment launches nothing more and stops where it is (its PRIMARY is marked FAILED). */
function requestAbort(rec: ServiceRecord, sd: ServiceDeploymentRecord, now: Date): ServiceRecord {
  const deployments = rec.deployments.map((d) =>
    d.id === sd.deploymentId ? { ...d, rolloutState: 'FAILED' as const, rolloutStateReason: RolloutReasons.aborted, updatedAt: now } : d,
  );
  const next: ServiceDeploymentRecord = { ...sd, status: 'STOP_REQUESTED', statusReason: 'Service deployment stop requested by user.', updatedAt: now };
  return replace({ ...rec, deployments }, sd, next);
}
