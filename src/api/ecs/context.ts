// What every ECS handler works with: the state tables, the cache to commit through, and lookups shared by handlers.
import type { DiscoveryTables } from '../../discovery/tables.js';
import type { ClusterUsage } from '../../domain/cluster.js';
import { EMPTY_USAGE } from '../../domain/cluster.js';
import { ClusterNotFound } from '../../domain/errors.js';
import { parseArn } from '../../domain/arn.js';
import type { StateCache, Row } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import type { ClusterRecord } from '../../domain/cluster.js';
import { isPending } from '../../domain/task.js';

export interface EcsDeps {
  cache: StateCache;
  tables: Tables;
  /** Counts of what runs in a cluster (tasks, services, instances); later features feed it. */
  usage?: (clusterName: string) => ClusterUsage;
  /** Cloud Map's state, for checking a service's serviceRegistries. */
  discovery?: DiscoveryTables;
  /** Whether a CloudWatch alarm of this name exists, for deployment alarms (unchecked without it). */
  alarmExists?: (name: string) => boolean;
}

export class EcsContext {
  constructor(readonly deps: EcsDeps) {}

  get tables(): Tables {
    return this.deps.tables;
  }

  get cache(): StateCache {
    return this.deps.cache;
  }

  usage(clusterName: string): ClusterUsage {
    const base = this.deps.usage?.(clusterName) ?? EMPTY_USAGE;
    const instances = [...this.tables.containerInstances.byIndex('cluster', clusterName)].filter(
      (r) => r.value.status !== 'INACTIVE',
    ).length;
    const stats: Record<string, number> = {
      runningEC2TasksCount: 0, runningFargateTasksCount: 0, runningExternalTasksCount: 0,
      pendingEC2TasksCount: 0, pendingFargateTasksCount: 0, pendingExternalTasksCount: 0,
      ...base.statistics,
    };
    let running = 0;
    let pending = 0;
    for (const r of this.tables.tasks.byIndex('cluster', clusterName)) {
      const t = r.value.task;
      if (t.lastStatus === 'STOPPED') continue;
      const kind = t.launchType === 'FARGATE' ? 'Fargate' : t.launchType === 'EXTERNAL' ? 'External' : 'EC2';
      if (isPending(t)) {
        pending++;
        stats[`pending${kind}TasksCount`]!++;
      } else {
        running++;
        stats[`running${kind}TasksCount`]!++;
      }
    }
    // ACTIVE and DRAINING services both keep a cluster from being deleted.
    const services = [...this.tables.services.byIndex('cluster', clusterName)].filter((r) => r.value.service.status !== 'INACTIVE').length;
    return {
      ...base,
      activeServicesCount: services,
      registeredContainerInstancesCount: instances,
      runningTasksCount: running,
      pendingTasksCount: pending,
      statistics: stats,
    };
  }

  /** A cluster named or ARN'd by the caller; `default` when omitted, as ECS does. */
  findCluster(ref: string | undefined): Row<ClusterRecord> | undefined {
    return this.tables.clusters.get(clusterNameOf(ref));
  }

  /** The ACTIVE cluster the caller means, or ClusterNotFoundException. */
  activeCluster(ref: string | undefined): Row<ClusterRecord> {
    const row = this.findCluster(ref);
    if (!row) throw new ClusterNotFound('Cluster not found.');
    if (row.value.status !== 'ACTIVE') throw new ClusterNotFound('The referenced cluster was inactive.');
    return row;
  }
}

export function clusterNameOf(ref: string | undefined): string {
  if (ref === undefined || ref === '') return 'default';
  if (ref.startsWith('arn:')) {
    const resource = parseArn(ref)?.resource ?? '';
    return resource.startsWith('cluster/') ? resource.slice('cluster/'.length) : ref;
  }
  return ref;
}
