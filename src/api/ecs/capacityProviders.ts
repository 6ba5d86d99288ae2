// Capacity providers: FARGATE and FARGATE_SPOT, which every account has (Wharf runs them on the FARGATE pool,
// instances with the wharf.capacity.fargate attribute), and those made with CreateCapacityProvider, each a pool of
// Wharf agents (domain/capacityProvider.ts). CreateCapacityProvider, DescribeCapacityProviders,
// UpdateCapacityProvider and DeleteCapacityProvider; PutClusterCapacityProviders (clusters.ts) associates them.
import type {
  CapacityProvider,
  CreateCapacityProviderRequest,
  CreateCapacityProviderResponse,
  DeleteCapacityProviderRequest,
  DeleteCapacityProviderResponse,
  DescribeCapacityProvidersRequest,
  DescribeCapacityProvidersResponse,
  Failure,
  UpdateCapacityProviderRequest,
  UpdateCapacityProviderResponse,
} from '@aws-sdk/client-ecs';
import { ecsArn } from '../../domain/arn.js';
import { checkCapacityProviderName, poolOf, resolveAsgProvider, type CapacityProviderRecord } from '../../domain/capacityProvider.js';
import { BUILTIN_CAPACITY_PROVIDERS } from '../../domain/cluster.js';
import { ClientError, InvalidParameter, LimitExceeded, UnsupportedFeature } from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import { initialTags } from '../../domain/tags.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import type { EcsContext } from './context.js';

/** ECS's limit of capacity providers per account. */
const MAX_PROVIDERS = 20;
const nameOf = (ref: string) => (ref.startsWith('arn:') ? ref.split('/').pop()! : ref);
const NO_MANAGED_INSTANCES = 'Amazon ECS Managed Instances need EC2 instances that ECS launches; Wharf has none. Use an autoScalingGroupProvider, whose group name is a pool of Wharf agents.';

export function capacityProviderOperations(ecs: EcsContext) {
  const { tables } = ecs;
  const show = (rec: CapacityProviderRecord, withTags: boolean): CapacityProvider => {
    const { tags, ...rest } = rec.capacityProvider;
    return withTags ? { ...rest, tags: tags ?? [] } : rest;
  };
  /** An ACTIVE capacity provider made by CreateCapacityProvider. */
  const active = (ref: string | undefined) => {
    const name = nameOf(ref ?? '');
    if ((BUILTIN_CAPACITY_PROVIDERS as readonly string[]).includes(name)) {
      throw new InvalidParameter(`The ${name} capacity provider is reserved and cannot be updated or deleted.`);
    }
    const row = tables.capacityProviders.get(name);
    if (!row || row.value.capacityProvider.status !== 'ACTIVE') {
      throw new InvalidParameter('The specified capacity provider does not exist. Specify a valid name or ARN and try again.');
    }
    return row;
  };

  return {
    async CreateCapacityProvider(input: CreateCapacityProviderRequest, ctx: RequestContext): Promise<CreateCapacityProviderResponse> {
      const name = checkCapacityProviderName(input.name);
      if (input.managedInstancesProvider) throw new UnsupportedFeature(NO_MANAGED_INSTANCES);
      if (input.cluster) throw new InvalidParameter('The cluster parameter applies only to a managedInstancesProvider.');
      if (!input.autoScalingGroupProvider) throw new InvalidParameter('autoScalingGroupProvider must be specified.');
      const pool = poolOf(input.autoScalingGroupProvider.autoScalingGroupArn);
      const asg = resolveAsgProvider(input.autoScalingGroupProvider);
      const tags = initialTags(input.tags);
      return ecs.cache.update(() => {
        const existing = tables.capacityProviders.get(name);
        if (existing?.value.capacityProvider.status === 'ACTIVE') {
          throw new ClientError('The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.');
        }
        const all = [...tables.capacityProviders.values()].filter((r) => r.value.capacityProvider.status === 'ACTIVE');
        if (all.some((r) => r.value.pool === pool)) {
          throw new InvalidParameter(`The specified Auto Scaling group ${asg.autoScalingGroupArn} is already in use by another capacity provider.`);
        }
        if (all.length >= MAX_PROVIDERS) throw new LimitExceeded('The maximum number of capacity providers for this account has been reached.');
        const rec: CapacityProviderRecord = {
          pool,
          capacityProvider: {
            capacityProviderArn: ecsArn(ctx, `capacity-provider/${name}`),
            name,
            status: 'ACTIVE',
            type: 'EC2_AUTOSCALING',
            autoScalingGroupProvider: asg,
            tags,
          },
        };
        return { txn: new Txn().put(tables.capacityProviders, name, rec, existing?.modRevision ?? 0), result: { capacityProvider: show(rec, true) } };
      });
    },

    DescribeCapacityProviders(input: DescribeCapacityProvidersRequest, ctx: RequestContext): DescribeCapacityProvidersResponse {
      const withTags = input.include?.includes('TAGS') ?? false;
      const arnOf = (name: string) => ecsArn({ region: ctx.region, accountId: ctx.accountId }, `capacity-provider/${name}`);
      const all: CapacityProvider[] = [
        ...BUILTIN_CAPACITY_PROVIDERS.map((name): CapacityProvider => ({
          capacityProviderArn: arnOf(name),
          name,
          status: 'ACTIVE',
          type: name as CapacityProvider['type'],
          ...(withTags ? { tags: [] } : {}),
        })),
        ...[...tables.capacityProviders.values()].map((r) => show(r.value, withTags)),
      ];
      const failures: Failure[] = [];
      let chosen = all;
      if (input.capacityProviders !== undefined && input.capacityProviders.length > 0) {
        chosen = [];
        for (const ref of input.capacityProviders) {
          const found = all.find((p) => p.name === nameOf(ref));
          if (found) chosen.push(found);
          else failures.push({ arn: ref.startsWith('arn:') ? ref : arnOf(ref), reason: 'MISSING' });
        }
      }
      const page = paginate(chosen, (p) => p.name!, { maxResults: input.maxResults, nextToken: input.nextToken, limit: 10 });
      return { capacityProviders: page.items, failures, nextToken: page.nextToken };
    },

    async UpdateCapacityProvider(input: UpdateCapacityProviderRequest): Promise<UpdateCapacityProviderResponse> {
      if (input.managedInstancesProvider) throw new UnsupportedFeature(NO_MANAGED_INSTANCES);
      return ecs.cache.update(() => {
        const row = active(input.name);
        const cur = row.value.capacityProvider;
        const asg = resolveAsgProvider({ ...input.autoScalingGroupProvider, autoScalingGroupArn: undefined }, cur.autoScalingGroupProvider);
        const rec: CapacityProviderRecord = {
          ...row.value,
          capacityProvider: { ...cur, autoScalingGroupProvider: asg, updateStatus: 'UPDATE_COMPLETE' },
        };
        return { txn: new Txn().put(tables.capacityProviders, row.id, rec, row.modRevision), result: { capacityProvider: show(rec, false) } };
      });
    },

    async DeleteCapacityProvider(input: DeleteCapacityProviderRequest): Promise<DeleteCapacityProviderResponse> {
      return ecs.cache.update(() => {
        const row = active(input.capacityProvider);
        const name = row.id;
        const cluster = [...tables.clusters.values()].find((c) => c.value.status === 'ACTIVE' && c.value.capacityProviders?.includes(name));
        if (cluster) {
          throw new InvalidParameter(
            `The capacity provider ${name} is in use by cluster ${cluster.value.clusterName}. Remove it from the cluster with PutClusterCapacityProviders first.`,
          );
        }
        const rec: CapacityProviderRecord = {
          ...row.value,
          capacityProvider: { ...row.value.capacityProvider, status: 'INACTIVE', updateStatus: 'DELETE_COMPLETE' },
        };
        return { txn: new Txn().put(tables.capacityProviders, name, rec, row.modRevision), result: { capacityProvider: show(rec, false) } };
      });
    },
  };
}
