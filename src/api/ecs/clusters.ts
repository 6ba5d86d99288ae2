// ECS cluster operations: create (idempotent, as ECS), describe, list, update, capacity providers, delete.
import type {
  ClusterField,
  CreateClusterRequest,
  CreateClusterResponse,
  DeleteClusterRequest,
  DeleteClusterResponse,
  DescribeClustersRequest,
  DescribeClustersResponse,
  Failure,
  ListClustersRequest,
  ListClustersResponse,
  PutClusterCapacityProvidersRequest,
  PutClusterCapacityProvidersResponse,
  UpdateClusterRequest,
  UpdateClusterResponse,
  UpdateClusterSettingsRequest,
  UpdateClusterSettingsResponse,
} from '@aws-sdk/client-ecs';
import { clusterArn } from '../../domain/arn.js';
import {
  mergeSettings,
  presentCluster,
  validateCapacityProviders,
  normalizeStrategy,
  validateClusterName,
  validateSettings,
  validateStrategy,
  type ClusterRecord,
} from '../../domain/cluster.js';
import {
  ClusterContainsContainerInstances,
  ClusterContainsServices,
  ClusterContainsTasks,
  InvalidParameter,
  ResourceInUse,
} from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import { initialTags } from '../../domain/tags.js';
import { Txn } from '../../store/cache.js';
import type { RequestContext } from '../../gateway/service.js';
import { clusterNameOf, type EcsContext } from './context.js';
import { effectiveSetting } from './accountSettings.js';

export function clusterOperations(ecs: EcsContext) {
  const { tables } = ecs;
  const present = (rec: ClusterRecord, include: readonly ClusterField[] | 'all') =>
    presentCluster(rec, ecs.usage(rec.clusterName), include);

  /** Rewrites one ACTIVE cluster record under optimistic concurrency and returns it as the API shows it. */
  const createdProviders = () =>
    [...tables.capacityProviders.values()].filter((r) => r.value.capacityProvider.status === 'ACTIVE').map((r) => r.id);
  const updateCluster = (ref: string | undefined, change: (rec: ClusterRecord) => ClusterRecord) =>
    ecs.cache.update(() => {
      const row = ecs.activeCluster(ref);
      const next = change(row.value);
      return { txn: new Txn().put(tables.clusters, row.id, next, row.modRevision), result: next };
    });

  return {
    async CreateCluster(input: CreateClusterRequest, ctx: RequestContext): Promise<CreateClusterResponse> {
      const name = input.clusterName ?? 'default';
      validateClusterName(name);
      validateSettings(input.settings ?? []);
      const tags = initialTags(input.tags);
      validateCapacityProviders(input.capacityProviders ?? [], input.defaultCapacityProviderStrategy ?? [], createdProviders());
      const rec = await ecs.cache.update(() => {
        const existing = tables.clusters.get(name);
        // ECS answers a create of an existing active cluster with that cluster, unchanged.
        if (existing?.value.status === 'ACTIVE') return { txn: new Txn(), result: existing.value };
        const insights = effectiveSetting(tables, ctx.principalArn, 'containerInsights');
        const fresh: ClusterRecord = {
          clusterArn: clusterArn(ctx, name),
          clusterName: name,
          status: 'ACTIVE',
          settings: mergeSettings([{ name: 'containerInsights', value: insights }], input.settings ?? []),
          configuration: input.configuration,
          serviceConnectDefaults: input.serviceConnectDefaults,
          capacityProviders: input.capacityProviders ?? [],
          defaultCapacityProviderStrategy: normalizeStrategy(input.defaultCapacityProviderStrategy ?? []),
          tags,
          createdAt: ctx.now,
        };
        return { txn: new Txn().put(tables.clusters, name, fresh, existing?.modRevision ?? 0), result: fresh };
      });
      return { cluster: present(rec, 'all') };
    },

    DescribeClusters(input: DescribeClustersRequest, ctx: RequestContext): DescribeClustersResponse {
      const refs = input.clusters ?? ['default'];
      if (refs.length > 100) throw new InvalidParameter('clusters can have at most 100 items.');
      const include = input.include ?? [];
      const clusters = [];
      const failures: Failure[] = [];
      for (const ref of refs) {
        const row = ecs.findCluster(ref);
        if (row) clusters.push(present(row.value, include));
        else failures.push({ arn: ref.startsWith('arn:') ? ref : clusterArn(ctx, ref), reason: 'MISSING' });
      }
      return { clusters, failures };
    },

    ListClusters(input: ListClustersRequest): ListClustersResponse {
      const arns = [...tables.clusters.values()]
        .filter((r) => r.value.status === 'ACTIVE')
        .map((r) => r.value.clusterArn)
        .sort();
      const page = paginate(arns, (a) => a, { maxResults: input.maxResults, nextToken: input.nextToken });
      return { clusterArns: page.items, nextToken: page.nextToken };
    },

    async UpdateCluster(input: UpdateClusterRequest): Promise<UpdateClusterResponse> {
      validateSettings(input.settings ?? []);
      const rec = await updateCluster(input.cluster, (cur) => ({
        ...cur,
        settings: mergeSettings(cur.settings, input.settings ?? []),
        configuration: input.configuration ?? cur.configuration,
        serviceConnectDefaults: input.serviceConnectDefaults ?? cur.serviceConnectDefaults,
      }));
      return { cluster: present(rec, 'all') };
    },

    async UpdateClusterSettings(input: UpdateClusterSettingsRequest): Promise<UpdateClusterSettingsResponse> {
      validateSettings(input.settings ?? []);
      const rec = await updateCluster(input.cluster, (cur) => ({
        ...cur,
        settings: mergeSettings(cur.settings, input.settings ?? []),
      }));
      return { cluster: present(rec, 'all') };
    },

    async PutClusterCapacityProviders(
      input: PutClusterCapacityProvidersRequest,
    ): Promise<PutClusterCapacityProvidersResponse> {
      const providers = input.capacityProviders ?? [];
      const strategy = input.defaultCapacityProviderStrategy ?? [];
      validateCapacityProviders(providers, strategy, createdProviders());
      validateStrategy(strategy, providers);
      const rec = await updateCluster(input.cluster, (cur) => {
        // A provider a service's strategy still names stays with the cluster.
        for (const removed of (cur.capacityProviders ?? []).filter((p) => !providers.includes(p))) {
          const users = [...tables.services.byIndex('cluster', cur.clusterName)].filter(
            (r) => r.value.service.status !== 'INACTIVE' && (r.value.service.capacityProviderStrategy ?? []).some((i) => i.capacityProvider === removed),
          );
          if (users.length > 0) throw new ResourceInUse('The specified capacity provider is in use and cannot be removed.');
        }
        return {
        ...cur,
        capacityProviders: providers,
        defaultCapacityProviderStrategy: normalizeStrategy(strategy),
        };
      });
      return { cluster: present(rec, 'all') };
    },

    async DeleteCluster(input: DeleteClusterRequest): Promise<DeleteClusterResponse> {
      const rec = await updateCluster(input.cluster, (cur) => {
        const usage = ecs.usage(cur.clusterName);
        if (usage.activeServicesCount > 0) {
          throw new ClusterContainsServices('The Cluster cannot be deleted while Services are active.');
        }
        if (usage.registeredContainerInstancesCount > 0) {
          throw new ClusterContainsContainerInstances(
            'The Cluster cannot be deleted while Container Instances are active or draining.',
          );
        }
        if (usage.runningTasksCount + usage.pendingTasksCount > 0) {
          throw new ClusterContainsTasks('The Cluster cannot be deleted while Tasks are active.');
        }
        return { ...cur, status: 'INACTIVE' };
      });
      return { cluster: present(rec, 'all') };
    },
  };
}

export { clusterNameOf };
