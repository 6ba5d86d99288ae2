// The scheduler's working copy of a cluster: every container instance as a Slot, plus the indexes that make a
// placement decision cost about the same on 1,000 instances as on 10,000. Built once from the store's view and
// kept current by the caller (upsert/remove as the store changes, apply after a plan is committed); planning
// borrows it, reserves tentatively, and gives it back unchanged.

import type { InstanceView, PortNeed, TaskDemand } from '../types.js';
import { GroupIndex } from './groups.js';
import type { StaticFilter } from './indexes.js';
import { MAX_SLOTS } from './keys.js';
import { Partition, Partitioning } from './partitions.js';
import { Slot } from './slot.js';

export interface StateOptions {
  /** Dynamic host port range, inclusive. ECS's Linux default when ip_local_port_range is unknown: 49153-65535. */
  readonly ephemeralPortRange?: readonly [number, number];
  /** Ports outside the dynamic range one instance may hold per protocol (ECS: 100, default ones included). */
  readonly maxReservedPorts?: number;
}

export const DEFAULT_EPHEMERAL_RANGE: readonly [number, number] = [49153, 65535];

export class ClusterState {
  readonly slots: Slot[] = [];
  readonly ephemeralRange: readonly [number, number];
  readonly maxReservedPorts: number;
  readonly groups: GroupIndex;
  private readonly byArn = new Map<string, number>();
  private readonly partitionings = new Map<string | null, Partitioning>();
  /** Bumped whenever an instance's facts change, so caches of per-instance verdicts know to forget. */
  private readonly versions: number[] = [];
  /** Checks that only an instance update can change, with their per-instance verdicts, by signature. */
  private readonly filters = new Map<string, StaticFilter>();

  constructor(instances: Iterable<InstanceView> = [], options: StateOptions = {}) {
    this.ephemeralRange = options.ephemeralPortRange ?? DEFAULT_EPHEMERAL_RANGE;
    this.maxReservedPorts = options.maxReservedPorts ?? 100;
    this.groups = new GroupIndex((a) => this.partitioning(a));
    // Slot order is the final tie-break, so give it a meaning: registration order.
    const sorted = [...instances].sort((a, b) => a.registeredAt - b.registeredAt || cmp(a.arn, b.arn));
    for (const v of sorted) this.upsert(v);
  }

  get size(): number {
    return this.byArn.size;
  }

  slotOf(arn: string): Slot | undefined {
    const i = this.byArn.get(arn);
    return i === undefined ? undefined : this.slots[i];
  }

  version(slot: number): number {
    return this.versions[slot] ?? 0;
  }

  /**
   * The static filter for `signature` (see stages/pipeline.ts): `check` memoized per instance until the
   * instance changes. Indexes are kept per filter; past 64 filters all are dropped and rebuilt on demand.
   */
  filter(signature: string, check: (s: Slot) => boolean): StaticFilter {
    let f = this.filters.get(signature);
    if (f) return f;
    if (this.filters.size >= 64) {
      this.filters.clear();
      for (const p of this.partitionings.values()) p.dropIndexes();
    }
    const verdict: boolean[] = [];
    const seen: number[] = [];
    const versions = this.versions;
    f = {
      signature,
      passes(s) {
        const v = versions[s.index]!;
        if (seen[s.index] === v) return verdict[s.index]!;
        seen[s.index] = v;
        return (verdict[s.index] = check(s));
      },
    };
    this.filters.set(signature, f);
    return f;
  }

  /** The whole cluster as one part. */
  get all(): Partition {
    return this.partitioning(null).parts.get('') ?? new Partition('', this.slots);
  }

  /** Instances split by `attribute` (null: not split), created on first use and maintained after. */
  partitioning(attribute: string | null): Partitioning {
    let p = this.partitionings.get(attribute);
    if (!p) this.partitionings.set(attribute, (p = new Partitioning(attribute, this.slots)));
    return p;
  }

  /** Adds an instance, or replaces what is known about it (resources, status, attributes, tasks). */
  upsert(view: InstanceView): void {
    const i = this.byArn.get(view.arn);
    if (i === undefined) {
      if (this.slots.length >= MAX_SLOTS) throw new Error(`scheduler: more than ${MAX_SLOTS} instances`);
      const s = new Slot(this.slots.length, view, this.ephemeralRange);
      this.slots.push(s);
      this.byArn.set(view.arn, s.index);
      this.versions[s.index] = 0;
      this.enter(s);
      return;
    }
    const s = this.slots[i]!;
    this.leave(s);
    s.load(view);
    this.versions[i] = (this.versions[i] ?? 0) + 1;
    this.enter(s);
  }

  remove(arn: string): void {
    const i = this.byArn.get(arn);
    if (i === undefined) return;
    const s = this.slots[i]!;
    this.leave(s);
    s.alive = false;
    this.byArn.delete(arn);
    this.versions[i] = (this.versions[i] ?? 0) + 1;
  }

  /** Takes one task's resources on slot `s`. Callers have checked that it fits. */
  reserve(s: Slot, demand: TaskDemand, hostPorts: readonly number[], group: string): void {
    this.reindexing(s, () => {
      s.cpu -= demand.cpu;
      s.memory -= demand.memory;
      s.runningTasksCount++;
      demand.ports.forEach((p, k) => s.addPort(p.protocol, hostPorts[k]!));
    });
    s.taskGroups.set(group, (s.taskGroups.get(group) ?? 0) + 1);
    this.groups.change(s, group, 1);
  }

  /** Exactly undoes `reserve`. */
  release(s: Slot, demand: TaskDemand, hostPorts: readonly number[], group: string): void {
    this.reindexing(s, () => {
      s.cpu += demand.cpu;
      s.memory += demand.memory;
      s.runningTasksCount--;
      demand.ports.forEach((p, k) => s.deletePort(p.protocol, hostPorts[k]!));
    });
    const n = (s.taskGroups.get(group) ?? 0) - 1;
    if (n > 0) s.taskGroups.set(group, n);
    else s.taskGroups.delete(group);
    this.groups.change(s, group, -1);
  }

  /**
   * Host ports for `needs` on `s`: fixed ones as asked, dynamic ones the lowest free in the ephemeral range, a
   * block (containerPortRange) the lowest run of free consecutive ones; undefined when the range cannot hold them.
   */
  allocatePorts(s: Slot, needs: readonly PortNeed[]): number[] | undefined {
    // The task's own fixed ports first, so no dynamic port lands on one of them.
    const taken = { tcp: new Set<number>(), udp: new Set<number>() };
    for (const n of needs) if (n.hostPort !== 0) taken[n.protocol].add(n.hostPort);
    const [lo, hi] = this.ephemeralRange;
    const out: number[] = [];
    for (let i = 0; i < needs.length; i++) {
      const n = needs[i]!;
      const used = s.ports(n.protocol);
      const free = (p: number) => !used.has(p) && !taken[n.protocol].has(p);
      const size = n.hostPort === 0 ? (n.block ?? 1) : 1;
      let port = n.hostPort;
      if (port === 0) {
        port = lo;
        for (let run = 0; port <= hi; port++) {
          run = free(port) ? run + 1 : 0;
          if (run === size) break;
        }
        if (port > hi) return undefined;
        port -= size - 1;
      }
      for (let k = 0; k < size; k++) {
        taken[n.protocol].add(port + k);
        out.push(port + k);
      }
      i += size - 1;
    }
    return out;
  }

  private reindexing(s: Slot, change: () => void): void {
    const on = s.schedulable;
    if (on) for (const p of this.partitionings.values()) p.partOf[s.index]?.unindex(s);
    change();
    if (on) for (const p of this.partitionings.values()) p.partOf[s.index]?.reindex(s);
  }

  private enter(s: Slot): void {
    for (const p of this.partitionings.values()) p.join(s);
    this.groups.slotGroups(s, 1);
  }

  private leave(s: Slot): void {
    this.groups.slotGroups(s, -1);
    for (const p of this.partitionings.values()) p.leave(s);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
