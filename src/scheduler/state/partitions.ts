// Instances split by the value of one attribute (or not split at all), each part with its own ranking indexes.
// `spread` on an attribute walks parts from the least loaded value, and `binpack` inside a part must not wade
// through the other parts' instances: hence one index per part, built the first time a strategy needs it.

import { packKey } from './keys.js';
import type { Slot } from './slot.js';
import { SortedList } from './sortedList.js';

/** What an index orders by, before the (running tasks, slot) tie-break. */
export type IndexKind = 'cpu' | 'memory' | 'running';

/** The part key of an instance without the attribute: cannot collide with a real value. */
export const MISSING = '\u0000';

export class Partition {
  /** Every live slot of this part, ascending. */
  readonly members: number[] = [];
  private readonly indexes = new Map<IndexKind, SortedList>();

  constructor(
    readonly value: string,
    private readonly slots: readonly Slot[],
  ) {}

  /** The part's index of schedulable instances by `kind`, built on first use and maintained after. */
  index(kind: IndexKind): SortedList {
    let list = this.indexes.get(kind);
    if (!list) {
      list = new SortedList();
      for (const i of this.members) {
        const s = this.slots[i]!;
        if (s.schedulable) list.add(indexKey(kind, s));
      }
      this.indexes.set(kind, list);
    }
    return list;
  }

  unindex(s: Slot): void {
    for (const [kind, list] of this.indexes) list.delete(indexKey(kind, s));
  }

  reindex(s: Slot): void {
    for (const [kind, list] of this.indexes) list.add(indexKey(kind, s));
  }
}

export function indexKey(kind: IndexKind, s: Slot): number {
  switch (kind) {
    case 'cpu':
      return packKey(s.cpu, s.runningTasksCount, s.index);
    case 'memory':
      return packKey(s.memory, s.runningTasksCount, s.index);
    case 'running':
      return packKey(s.runningTasksCount, 0, s.index);
  }
}

export class Partitioning {
  readonly parts = new Map<string, Partition>();
  /** The part each slot is in (undefined for removed slots). */
  readonly partOf: (Partition | undefined)[] = [];

  /** `attribute` null: one part holding every instance. */
  constructor(
    readonly attribute: string | null,
    private readonly slots: readonly Slot[],
  ) {
    for (const s of slots) if (s.alive) this.join(s);
  }

  valueOf(s: Slot): string {
    if (this.attribute === null) return '';
    return s.attributes.has(this.attribute) ? (s.attributes.get(this.attribute) ?? '') : MISSING;
  }

  join(s: Slot): void {
    const value = this.valueOf(s);
    let part = this.parts.get(value);
    if (!part) this.parts.set(value, (part = new Partition(value, this.slots)));
    insertSorted(part.members, s.index);
    this.partOf[s.index] = part;
    if (s.schedulable) part.reindex(s);
  }

  leave(s: Slot): void {
    const part = this.partOf[s.index];
    if (!part) return;
    if (s.schedulable) part.unindex(s);
    const at = part.members.indexOf(s.index);
    if (at >= 0) part.members.splice(at, 1);
    if (part.members.length === 0) this.parts.delete(part.value);
    this.partOf[s.index] = undefined;
  }
}

function insertSorted(a: number[], x: number): void {
  let i = a.length;
  while (i > 0 && a[i - 1]! > x) i--;
  a.splice(i, 0, x);
}
