// Container instance registration and inventory: register, deregister, describe, list, drain.
import { randomBytes } from 'node:crypto';
import type {
  ContainerInstance,
  DeregisterContainerInstanceRequest,
  DeregisterContainerInstanceResponse,
  DescribeContainerInstancesRequest,
  DescribeContainerInstancesResponse,
  Failure,
  ListContainerInstancesRequest,
  ListContainerInstancesResponse,
  RegisterContainerInstanceRequest,
  RegisterContainerInstanceResponse,
  UpdateContainerAgentRequest,
  UpdateContainerAgentResponse,
  UpdateContainerInstancesStateRequest,
  UpdateContainerInstancesStateResponse,
} from '@aws-sdk/client-ecs';
import { parseArn } from '../../domain/arn.js';
import { containerInstanceArn, registerInstance } from '../../domain/containerInstance.js';
import { InvalidParameter, NoUpdateAvailable } from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import { initialTags } from '../../domain/tags.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn, type Row } from '../../store/cache.js';
import type { ContainerInstanceRecord } from '../../state/tables.js';
import type { EcsContext } from './context.js';
import { evaluate, instanceViewFromEcs, parseExpression } from '../../scheduler/index.js';

/** The id part of a container instance ARN, or the id itself. */
export const instanceIdOf = (ref: string) =>
  ref.startsWith('arn:') ? (parseArn(ref)?.resource.split('/').pop() ?? '') : ref;

const present = ({ clusterName: _c, ...ci }: ContainerInstanceRecord, withTags: boolean): ContainerInstance =>
  withTags ? ci : { ...ci, tags: undefined };

export function containerInstanceOperations(ecs: EcsContext) {
  const { tables } = ecs;
  const find = (cluster: string, ref: string) => tables.containerInstances.get(`${cluster}/${instanceIdOf(ref)}`);
  /** Task groups on an instance (for `task:group` in filters). */
  const groupsOn = (instanceKey: string) => {
    const groups = new Map<string, number>();
    for (const t of tables.tasks.byIndex('instance', instanceKey)) {
      const g = t.value.task.group;
      if (g && t.value.task.lastStatus !== 'STOPPED') groups.set(g, (groups.get(g) ?? 0) + 1);
    }
    return groups;
  };

  return {
    async RegisterContainerInstance(
      input: RegisterContainerInstanceRequest,
      ctx: RequestContext,
    ): Promise<RegisterContainerInstanceResponse> {
      initialTags(input.tags);
      return ecs.cache.update(() => {
        const cluster = ecs.activeCluster(input.cluster).id;
        const prev = input.containerInstanceArn ? find(cluster, input.containerInstanceArn) : undefined;
        if (input.containerInstanceArn && !prev) {
          throw new InvalidParameter(`The container instance ${input.containerInstanceArn} is not registered in cluster ${cluster}.`);
        }
        const id = prev ? instanceIdOf(input.containerInstanceArn!) : randomBytes(16).toString('hex');
        const ci = registerInstance(input, { ctx, cluster, id, now: ctx.now, previous: prev?.value });
        const rec: ContainerInstanceRecord = { ...ci, clusterName: cluster };
        const txn = new Txn().put(tables.containerInstances, `${cluster}/${id}`, rec, prev?.modRevision ?? 0);
        return { txn, result: { containerInstance: present(rec, true) } };
      });
    },

    /**
     * ECS updates its agent through ecs-init; a Wharf agent is updated by installing a newer wharf on its host, so
     * the control plane never has an update to hand out and answers as ECS does for an agent already current.
     */
    UpdateContainerAgent(input: UpdateContainerAgentRequest): UpdateContainerAgentResponse {
      const cluster = ecs.activeCluster(input.cluster).id;
      const row = find(cluster, input.containerInstance!);
      if (!row || row.value.status === 'INACTIVE') {
        throw new InvalidParameter('The referenced container instance was not found.');
      }
      throw new NoUpdateAvailable(
        'There is no update available for your container agent. A Wharf agent is updated by installing a newer wharf on its host.',
      );
    },

    async DeregisterContainerInstance(
      input: DeregisterContainerInstanceRequest,
    ): Promise<DeregisterContainerInstanceResponse> {
      return ecs.cache.update(() => {
        const cluster = ecs.activeCluster(input.cluster).id;
        const row = find(cluster, input.containerInstance!);
        if (!row || row.value.status === 'INACTIVE') {
          throw new InvalidParameter('The referenced container instance was not found.');
        }
        const busy = (row.value.runningTasksCount ?? 0) + (row.value.pendingTasksCount ?? 0) > 0;
        if (busy && !input.force) {
          throw new InvalidParameter('Found running tasks on the instance. Use force to deregister it anyway.');
        }
        const rec: ContainerInstanceRecord = { ...row.value, status: 'INACTIVE', agentConnected: false };
        const txn = new Txn().put(tables.containerInstances, row.id, rec, row.modRevision);
        return { txn, result: { containerInstance: present(rec, true) } };
      });
    },

    DescribeContainerInstances(
      input: DescribeContainerInstancesRequest,
      ctx: RequestContext,
    ): DescribeContainerInstancesResponse {
      const refs = input.containerInstances ?? [];
      if (refs.length === 0) throw new InvalidParameter('Container Instances cannot be empty.');
      const cluster = ecs.activeCluster(input.cluster).id;
      if (refs.length > 100) throw new InvalidParameter('containerInstances can have at most 100 items.');
      const withTags = input.include?.includes('TAGS') ?? false;
      const containerInstances: ContainerInstance[] = [];
      const failures: Failure[] = [];
      for (const ref of refs) {
        const row = find(cluster, ref);
        if (row) containerInstances.push(present(row.value, withTags));
        else {
          const arn = ref.startsWith('arn:') ? ref : containerInstanceArn(ctx, cluster, ref);
          failures.push({ arn, reason: 'MISSING' });
        }
      }
      return { containerInstances, failures };
    },

    ListContainerInstances(input: ListContainerInstancesRequest): ListContainerInstancesResponse {
      const cluster = ecs.activeCluster(input.cluster).id;
      const wanted = input.status ? [input.status] : ['ACTIVE', 'DRAINING'];
      const rows: Row<ContainerInstanceRecord>[] = [...tables.containerInstances.byIndex('cluster', cluster)].filter(
        (r) => wanted.includes(r.value.status as never),
      );
      let matching = rows;
      if (input.filter !== undefined) {
        const parsed = parseExpression(input.filter);
        if (!parsed.ok) {
          throw new InvalidParameter(`Invalid filter expression at position ${parsed.position}: ${parsed.error}`);
        }
        matching = rows.filter((r) => evaluate(parsed.expression, instanceViewFromEcs(r.value, groupsOn(r.id))));
      }
      const arns = matching.map((r) => r.value.containerInstanceArn!).sort();
      const page = paginate(arns, (a) => a, { maxResults: input.maxResults, nextToken: input.nextToken });
      return { containerInstanceArns: page.items, nextToken: page.nextToken };
    },

    async UpdateContainerInstancesState(
      input: UpdateContainerInstancesStateRequest,
      ctx: RequestContext,
    ): Promise<UpdateContainerInstancesStateResponse> {
      const status = input.status!;
      if (status !== 'ACTIVE' && status !== 'DRAINING') {
        throw new InvalidParameter('status must be ACTIVE or DRAINING.');
      }
      return ecs.cache.update(() => {
        const cluster = ecs.activeCluster(input.cluster).id;
        const txn = new Txn();
        const containerInstances: ContainerInstance[] = [];
        const failures: Failure[] = [];
        for (const ref of input.containerInstances ?? []) {
          const row = find(cluster, ref);
          if (!row || row.value.status === 'INACTIVE') {
            failures.push({ arn: ref.startsWith('arn:') ? ref : containerInstanceArn(ctx, cluster, ref), reason: 'MISSING' });
            continue;
          }
          const rec: ContainerInstanceRecord = { ...row.value, status };
          txn.put(tables.containerInstances, row.id, rec, row.modRevision);
          containerInstances.push(present(rec, false));
        }
        return { txn, result: { containerInstances, failures } };
      });
    },
  };
}
