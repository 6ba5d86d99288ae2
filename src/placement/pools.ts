// The scheduler's working copies, kept current from the cache: one ClusterState per cluster (its own instances)
// and one for Wharf-managed FARGATE capacity (instances carrying FARGATE_ATTRIBUTE, in any cluster).
import { ClusterState, instanceViewFromEcs, type InstanceView, type StateOptions } from '../scheduler/index.js';
import type { StateCache } from '../store/cache.js';
import type { ContainerInstanceRecord, Tables } from '../state/tables.js';

/** The attribute of an instance whose agent provides the FARGATE launch type's capacity. */
export const FARGATE_ATTRIBUTE = 'wharf.capacity.fargate';
export const FARGATE_POOL = '*fargate*';

export class PlacementPools {
  private readonly pools = new Map<string, ClusterState>();
  /** Live task groups per instance, kept incrementally: a view is rebuilt on every placement. */
  private readonly groups = new Map<string, Map<string, number>>();
  /** What each live task counted for in `groups`, to undo it when the task changes. */
  private readonly counted = new Map<string, { instanceKey: string; group: string }>();
  private readonly instancePrefix: string;
  private readonly taskPrefix: string;

  constructor(private readonly cache: StateCache, private readonly tables: Tables, private readonly stateOptions: StateOptions = {}) {
    this.instancePrefix = tables.containerInstances.prefix;
    this.taskPrefix = tables.tasks.prefix;
    for (const row of tables.tasks.byIndex('live', 'live')) this.count(row.id);
    cache.onChange((keys) => this.follow(keys));
  }

  private count(taskId: string): void {
    const old = this.counted.get(taskId);
    if (old) {
      const m = this.groups.get(old.instanceKey)!;
      const n = (m.get(old.group) ?? 1) - 1;
      if (n > 0) m.set(old.group, n);
      else m.delete(old.group);
      this.counted.delete(taskId);
    }
    const t = this.tables.tasks.get(taskId)?.value;
    if (!t || !t.instanceKey || !t.task.group || t.task.lastStatus === 'STOPPED') return;
    let m = this.groups.get(t.instanceKey);
    if (!m) this.groups.set(t.instanceKey, (m = new Map()));
    m.set(t.task.group, (m.get(t.task.group) ?? 0) + 1);
    this.counted.set(taskId, { instanceKey: t.instanceKey, group: t.task.group });
  }

  /** The ClusterState for a cluster, or for FARGATE_POOL. Built on first use, then kept current. */
  pool(name: string): ClusterState {
    let state = this.pools.get(name);
    if (!state) {
      const rows =
        name === FARGATE_POOL
          ? [...this.tables.containerInstances.values()].filter((r) => isFargate(r.value))
          : [...this.tables.containerInstances.byIndex('cluster', name)];
      state = new ClusterState(rows.filter((r) => r.value.status !== 'INACTIVE').map((r) => this.view(r.id, r.value)), this.stateOptions);
      this.pools.set(name, state);
    }
    return state;
  }

  private view(id: string, ci: ContainerInstanceRecord): InstanceView {
    return instanceViewFromEcs(ci, new Map(this.groups.get(id) ?? []));
  }

  private follow(keys: readonly string[]): void {
    const touched = new Set<string>();
    for (const k of keys) {
      if (k.startsWith(this.instancePrefix)) touched.add(k.slice(this.instancePrefix.length));
      else if (k.startsWith(this.taskPrefix)) {
        const id = k.slice(this.taskPrefix.length);
        const before = this.counted.get(id)?.instanceKey;
        this.count(id);
        const after = this.counted.get(id)?.instanceKey ?? this.tables.tasks.get(id)?.value.instanceKey;
        if (before) touched.add(before);
        if (after) touched.add(after);
      }
    }
    if (this.pools.size === 0) return;
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
