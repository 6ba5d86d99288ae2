// Where each task group's tasks are: per group, the instances hosting it and how many tasks each has; and, for
// `spread` on an attribute, the group's task count per attribute value. Kept up to date on every placement so a
// spread decision reads three counters instead of walking a service's thousands of tasks.

import type { Partitioning } from './partitions.js';
import type { Slot } from './slot.js';

export class GroupIndex {
  /** group -> slot -> tasks of the group on that slot. */
  private readonly hosts = new Map<string, Map<number, number>>();
  /** group -> attribute -> attribute value -> tasks of the group on instances with that value. */
  private readonly byValue = new Map<string, Map<string, Map<string, number>>>();

  constructor(private readonly partitioning: (attribute: string) => Partitioning) {}

  hostsOf(group: string): ReadonlyMap<number, number> {
    return this.hosts.get(group) ?? EMPTY;
  }

  /** The group's task count per value of `attribute`, computed once then maintained. */
  countsByValue(group: string, attribute: string): ReadonlyMap<string, number> {
    let perAttr = this.byValue.get(group);
    if (!perAttr) this.byValue.set(group, (perAttr = new Map()));
    let counts = perAttr.get(attribute);
    if (!counts) {
      counts = new Map();
      const p = this.partitioning(attribute);
      for (const [slot, n] of this.hostsOf(group)) {
        const v = p.partOf[slot]?.value;
        if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + n);
      }
      perAttr.set(attribute, counts);
    }
    return counts;
  }

  /** Records `n` more (or, negative, fewer) tasks of `group` on slot `s`. */
  change(s: Slot, group: string, n: number): void {
    let h = this.hosts.get(group);
    if (!h) this.hosts.set(group, (h = new Map()));
    const now = (h.get(s.index) ?? 0) + n;
    if (now > 0) h.set(s.index, now);
    else h.delete(s.index);
    if (h.size === 0) this.hosts.delete(group);
    const perAttr = this.byValue.get(group);
    if (!perAttr) return;
    for (const [attribute, counts] of perAttr) {
      const v = this.partitioning(attribute).partOf[s.index]?.value;
      if (v === undefined) continue;
      const c = (counts.get(v) ?? 0) + n;
      if (c > 0) counts.set(v, c);
      else counts.delete(v);
    }
  }

  /** Adds (sign 1) or removes (sign -1) every group count of `s`, around a reload of its facts. */
  slotGroups(s: Slot, sign: 1 | -1): void {
    for (const [g, n] of s.taskGroups) this.change(s, g, sign * n);
  }
}

const EMPTY: ReadonlyMap<number, number> = new Map();
