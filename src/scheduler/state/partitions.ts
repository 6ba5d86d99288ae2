// Instances split by the value of one attribute (or not split at all), each part with its own ranking indexes.
// `spread` on an attribute walks parts from the least loaded value, and `binpack` inside a part must not wade
// through the other parts' instances: hence indexes per part, built the first time a strategy needs them.

import { ResourceIndex, RunningIndex, type Index, type StaticFilter } from './indexes.js';
import type { Slot } from './slot.js';

/** The part key of an instance without the attribute: cannot collide with a real value. */
export const MISSING = '\u0000';

export class Partition {
  /** Every live slot of this part, ascending. */
  readonly members: number[] = [];
  private readonly indexes = new Map<string, Index>();

  constructor(
    readonly value: string,
    private readonly slots: readonly Slot[],
  ) {}

  /** The part's binpack index on `field` over instances passing `filter`, built on first use. */
  resourceIndex(field: 'cpu' | 'memory', filter: StaticFilter): ResourceIndex {
    return this.index(`${field}\u0001${filter.signature}`, () => new ResourceIndex(field, filter));
  }

  /** The part's running-tasks index over instances passing `filter`, built on first use. */
  runningIndex(filter: StaticFilter): RunningIndex {
    return this.index(`running\u0001${filter.signature}`, () => new RunningIndex(filter));
  }

  private index<T extends Index>(key: string, create: () => T): T {
    let idx = this.indexes.get(key) as T | undefined;
    if (!idx) {
      idx = create();
      for (const i of this.members) {
        const s = this.slots[i]!;
        if (s.schedulable && idx.filter.passes(s)) idx.add(s);
      }
      this.indexes.set(key, idx);
    }
    return idx;
  }

  /** Before a slot's values change: take it out under its current keys (absent entries are a no-op). */
  unindex(s: Slot): void {
    for (const idx of this.indexes.values()) idx.delete(s);
  }

  /** After they changed: put it back wherever its filter admits it. */
  reindex(s: Slot): void {
    for (const idx of this.indexes.values()) if (idx.filter.passes(s)) idx.add(s);
  }

  dropIndexes(): void {
    this.indexes.clear();
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

  dropIndexes(): void {
    for (const p of this.parts.values()) p.dropIndexes();
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
