// The scheduler's working copies, kept current from the cache: one ClusterState per cluster (its own instances)
// and one for Wharf-managed FARGATE capacity (instances carrying FARGATE_ATTRIBUTE, in any cluster).
import { ClusterState, instanceViewFromEcs, type InstanceView } from '../scheduler/index.js';
import type { StateCache } from '../store/cache.js';
import type { ContainerInstanceRecord, Tables } from '../state/tables.js';

/** The attribute of an instance whose agent provides the FARGATE launch type's capacity. */
export const FARGATE_ATTRIBUTE = 'wharf.capacity.fargate';
export const FARGATE_POOL = '*fargate*';

export class PlacementPools {
  private readonly pools = new Map<string, ClusterState>();
  private readonly instancePrefix: string;
  private readonly taskPrefix: string;

  constructor(private readonly cache: StateCache, private readonly tables: Tables) {
    this.instancePrefix = tables.containerInstances.prefix;
    this.taskPrefix = tables.tasks.prefix;
    cache.onChange((keys) => this.follow(keys));
  }

  /** The ClusterState for a cluster, or for FARGATE_POOL. Built on first use, then kept current. */
  pool(name: string): ClusterState {
    let state = this.pools.get(name);
    if (!state) {
      const rows =
        name === FARGATE_POOL
          ? [...this.tables.containerInstances.values()].filter((r) => isFargate(r.value))
          : [...this.tables.containerInstances.byIndex('cluster', name)];
      state = new ClusterState(rows.filter((r) => r.value.status !== 'INACTIVE').map((r) => this.view(r.id, r.value)));
      this.pools.set(name, state);
    }
    return state;
  }

  private view(id: string, ci: ContainerInstanceRecord): InstanceView {
    const groups = new Map<string, number>();
    for (const t of this.tables.tasks.byIndex('instance', id)) {
      const g = t.value.task.group;
      if (g && t.value.task.lastStatus !== 'STOPPED') groups.set(g, (groups.get(g) ?? 0) + 1);
    }
    return instanceViewFromEcs(ci, groups);
  }

  private follow(keys: readonly string[]): void {
    if (this.pools.size === 0) return;
    const touched = new Set<string>();
    for (const k of keys) {
      if (k.startsWith(this.instancePrefix)) touched.add(k.slice(this.instancePrefix.length));
      else if (k.startsWith(this.taskPrefix)) {
        const t = this.tables.tasks.get(k.slice(this.taskPrefix.length));
        if (t?.value.instanceKey) touched.add(t.value.instanceKey);
      }
    }
    for (const id of touched) {
      const row = this.tables.containerInstances.get(id);
      const cluster = id.slice(0, id.indexOf('/'));
      for (const [name, state] of this.pools) {
        const member = name === FARGATE_POOL ? row && isFargate(row.value) : name === cluster;
        const arn = row?.value.containerInstanceArn;
        if (row && member && row.value.status !== 'INACTIVE') state.upsert(this.view(id, row.value));
        else if (arn && state.slotOf(arn)) state.remove(arn);
      }
    }
  }
}

const isFargate = (ci: ContainerInstanceRecord) => (ci.attributes ?? []).some((a) => a.name === FARGATE_ATTRIBUTE);
