// Task sets, for services with the EXTERNAL deployment controller: CreateTaskSet, DescribeTaskSets, UpdateTaskSet,
// UpdateServicePrimaryTaskSet and DeleteTaskSet. Each writes the service record in one guarded transaction; the
// service controller runs each task set's tasks (controllers/services/taskSets.ts) and the target registration
// controller puts them in their task set's target groups.
import type {
  CreateTaskSetRequest,
  CreateTaskSetResponse,
  DeleteTaskSetRequest,
  DeleteTaskSetResponse,
  DescribeTaskSetsRequest,
  DescribeTaskSetsResponse,
  Failure,
  LoadBalancer,
  TaskDefinition,
  TaskSet,
  UpdateServicePrimaryTaskSetRequest,
  UpdateServicePrimaryTaskSetResponse,
  UpdateTaskSetRequest,
  UpdateTaskSetResponse,
} from '@aws-sdk/client-ecs';
import { newDeploymentId } from '../../domain/deployment.js';
import { ClientError, InvalidParameter, ServiceNotActive, ServiceNotFound, TaskSetNotFound, UnsupportedFeature } from '../../domain/errors.js';
import { isExternal, serviceNameOf, type ServiceRecord } from '../../domain/service.js';
import { initialTags } from '../../domain/tags.js';
import { checkScale, computedDesiredCount, MAX_TASK_SETS, presentTaskSet, taskSetArn, taskSetIdOf } from '../../domain/taskSet.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import { createdProviders, launchPlan } from '../../tasks/launchTypes.js';
import { checkLaunchable } from '../../tasks/run.js';
import type { EcsContext } from './context.js';
import { findTaskDefinition } from './taskDefinitions.js';

export const EXTERNAL_ONLY = 'Amazon ECS only supports task set management on services configured to use external deployment controllers.';

export function taskSetOperations(ecs: EcsContext) {
  const { tables } = ecs;
  const tasksOf = (rec: ServiceRecord) =>
    [...tables.tasks.byIndex('group', `${rec.clusterName}|service:${rec.service.serviceName}`)].map((r) => r.value.task);

  /** The EXTERNAL service named, ACTIVE unless `anyStatus`. */
  const serviceRow = (clusterRef: string | undefined, ref: string | undefined, anyStatus = false) => {
    const cluster = ecs.activeCluster(clusterRef).id;
    const row = tables.services.get(`${cluster}/${serviceNameOf(ref ?? '')}`);
    if (!row || row.value.service.status === 'INACTIVE') throw new ServiceNotFound('Service not found.');
    if (!anyStatus && row.value.service.status !== 'ACTIVE') throw new ServiceNotActive('Service was not ACTIVE.');
    if (!isExternal(row.value)) throw new InvalidParameter(EXTERNAL_ONLY);
    return row;
  };
  const findSet = (rec: ServiceRecord, ref: string | undefined) => {
    const id = taskSetIdOf(ref ?? '');
    const ts = rec.taskSets?.find((t) => t.id === id);
    if (!ts) throw new TaskSetNotFound('The specified task set does not exist.');
    return ts;
  };
  const present = (rec: ServiceRecord, ts: TaskSet) => presentTaskSet(ts, tasksOf(rec));
  const write = (rec: ServiceRecord, id: string, modRevision: number) => new Txn().put(tables.services, id, { ...rec, steady: false }, modRevision);

  return {
    async CreateTaskSet(input: CreateTaskSetRequest, ctx: RequestContext): Promise<CreateTaskSetResponse> {
      const scale = checkScale(input.scale);
      const tags = initialTags(input.tags);
      if (input.serviceRegistries?.length) {
        throw new UnsupportedFeature('Wharf does not register the tasks of task sets in Cloud Map: serviceRegistries are not supported on task sets.');
      }
      return ecs.cache.update(() => {
        const row = serviceRow(input.cluster, input.service);
        const rec = row.value;
        if (input.clientToken) {
          const same = rec.taskSets?.find((t) => (t as TaskSet & { clientToken?: string }).clientToken === input.clientToken);
          if (same) return { txn: new Txn(), result: { taskSet: present(rec, same) } };
        }
        const count = rec.taskSets?.length ?? 0;
        if (count >= MAX_TASK_SETS) {
          throw new InvalidParameter(`${count} deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.`);
        }
        const cluster = ecs.activeCluster(input.cluster).value;
        const td = findTaskDefinition(tables, input.taskDefinition ?? '')?.value.taskDefinition;
        if (!td) throw new ClientError('Unable to describe task definition.');
        const strategy = input.capacityProviderStrategy ?? (input.launchType ? [] : cluster.defaultCapacityProviderStrategy);
        const launch = launchPlan(1, input.launchType, strategy, createdProviders(tables, cluster.capacityProviders))[0]!;
        checkLaunchable(td, launch.launchType, input.networkConfiguration);
        checkLoadBalancers(input.loadBalancers ?? [], td);
        const id = newDeploymentId();
        const fargate = launch.launchType === 'FARGATE';
        const ts: TaskSet & { clientToken?: string } = {
          id,
          taskSetArn: taskSetArn(rec.service.serviceArn!, id),
          serviceArn: rec.service.serviceArn,
          clusterArn: rec.service.clusterArn,
          ...(input.externalId ? { externalId: input.externalId } : {}),
          status: 'ACTIVE',
          taskDefinition: td.taskDefinitionArn,
          computedDesiredCount: computedDesiredCount(rec.service.desiredCount ?? 0, scale),
          createdAt: ctx.now,
          updatedAt: ctx.now,
          ...(strategy.length > 0 ? { capacityProviderStrategy: strategy } : { launchType: input.launchType ?? 'EC2' }),
          ...(fargate ? { platformVersion: input.platformVersion ?? 'LATEST', platformFamily: 'Linux' } : {}),
          ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
          loadBalancers: input.loadBalancers ?? [],
          serviceRegistries: [],
          scale,
          stabilityStatus: 'STABILIZING',
          stabilityStatusAt: ctx.now,
          tags,
          ...(input.clientToken ? { clientToken: input.clientToken } : {}),
        };
        const next: ServiceRecord = { ...rec, taskSets: [...(rec.taskSets ?? []), ts] };
        return { txn: write(next, row.id, row.modRevision), result: { taskSet: present(next, ts) } };
      });
    },

    DescribeTaskSets(input: DescribeTaskSetsRequest): DescribeTaskSetsResponse {
      const rec = serviceRow(input.cluster, input.service, true).value;
      const withTags = input.include?.includes('TAGS') ?? false;
      const show = (ts: TaskSet): TaskSet => {
        const { clientToken: _, ...shown } = present(rec, ts) as TaskSet & { clientToken?: string };
        if (!withTags) delete shown.tags;
        return shown;
      };
      if (!input.taskSets?.length) return { taskSets: (rec.taskSets ?? []).map(show), failures: [] };
      const taskSets: TaskSet[] = [];
      const failures: Failure[] = [];
      for (const ref of input.taskSets) {
        const ts = rec.taskSets?.find((t) => t.id === taskSetIdOf(ref));
        if (ts) taskSets.push(show(ts));
        else failures.push({ arn: ref, reason: 'MISSING' });
      }
      return { taskSets, failures };
    },

    async UpdateTaskSet(input: UpdateTaskSetRequest, ctx: RequestContext): Promise<UpdateTaskSetResponse> {
      const scale = checkScale(input.scale ?? {});
      return ecs.cache.update(() => {
        const row = serviceRow(input.cluster, input.service);
        const ts = findSet(row.value, input.taskSet);
        if (ts.status === 'DRAINING') throw new InvalidParameter('The task set is being deleted and can no longer be updated.');
        const updated: TaskSet = {
          ...ts,
          scale,
          computedDesiredCount: computedDesiredCount(row.value.service.desiredCount ?? 0, scale),
          updatedAt: ctx.now,
        };
        const next = { ...row.value, taskSets: row.value.taskSets!.map((t) => (t === ts ? updated : t)) };
        return { txn: write(next, row.id, row.modRevision), result: { taskSet: present(next, updated) } };
      });
    },

    async UpdateServicePrimaryTaskSet(input: UpdateServicePrimaryTaskSetRequest, ctx: RequestContext): Promise<UpdateServicePrimaryTaskSetResponse> {
      return ecs.cache.update(() => {
        const row = serviceRow(input.cluster, input.service);
        const ts = findSet(row.value, input.primaryTaskSet);
        if (ts.status === 'DRAINING') throw new InvalidParameter('The task set is being deleted and cannot be made the primary task set.');
        const primary: TaskSet = ts.status === 'PRIMARY' ? ts : { ...ts, status: 'PRIMARY', updatedAt: ctx.now };
        const others = row.value.taskSets!.filter((t) => t !== ts).map((t) => (t.status === 'PRIMARY' ? { ...t, status: 'ACTIVE', updatedAt: ctx.now } : t));
        const s = row.value.service;
        // DescribeServices shows the primary task set's fields on the service.
        const next: ServiceRecord = {
          ...row.value,
          taskSets: [primary, ...others],
          service: {
            ...s,
            taskDefinition: primary.taskDefinition,
            launchType: primary.launchType,
            capacityProviderStrategy: primary.capacityProviderStrategy,
            platformVersion: primary.platformVersion,
            platformFamily: primary.platformFamily,
            networkConfiguration: primary.networkConfiguration,
            loadBalancers: primary.loadBalancers,
            serviceRegistries: primary.serviceRegistries,
          },
        };
        return { txn: write(next, row.id, row.modRevision), result: { taskSet: present(next, primary) } };
      });
    },

    async DeleteTaskSet(input: DeleteTaskSetRequest, ctx: RequestContext): Promise<DeleteTaskSetResponse> {
      return ecs.cache.update(() => {
        const row = serviceRow(input.cluster, input.service, true);
        const ts = findSet(row.value, input.taskSet);
        if (ts.status === 'DRAINING') return { txn: new Txn(), result: { taskSet: present(row.value, ts) } };
        if (!input.force && computedDesiredCount(row.value.service.desiredCount ?? 0, ts.scale) > 0) {
          throw new InvalidParameter('The task set cannot be deleted while it is scaled above 0. Scale it to 0 first, or use force.');
        }
        const draining: TaskSet = { ...ts, status: 'DRAINING', computedDesiredCount: 0, updatedAt: ctx.now };
        const next = { ...row.value, taskSets: row.value.taskSets!.map((t) => (t === ts ? draining : t)) };
        return { txn: write(next, row.id, row.modRevision), result: { taskSet: present(next, draining) } };
      });
    },
  };
}

/** A task set's load balancer entries: a target group, and a container and port of the task definition. */
function checkLoadBalancers(lbs: readonly LoadBalancer[], td: TaskDefinition): void {
  for (const lb of lbs) {
    if (lb.loadBalancerName) throw new InvalidParameter('Classic Load Balancers are not supported: specify a targetGroupArn.');
    if (!lb.targetGroupArn) throw new InvalidParameter('Target Group Arn can not be blank.');
    if (!lb.containerName) throw new InvalidParameter('Container Name can not be blank.');
    const c = td.containerDefinitions?.find((d) => d.name === lb.containerName);
    if (!c) throw new InvalidParameter(`The container ${lb.containerName} does not exist in the task definition.`);
    if (!c.portMappings?.some((p) => p.containerPort === lb.containerPort)) {
      throw new InvalidParameter(`The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`);
    }
  }
}
