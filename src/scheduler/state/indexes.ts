// The ranking indexes of one partition, each holding only the instances that pass one static filter (status,
// agent, required attributes, attribute-only memberOf), so a walk never wades through instances that could
// never take the task.
//
// - ResourceIndex (binpack): ordered by one resource, bucketed by powers of two of the other. Binpack on memory
//   must skip instances with memory left but no CPU (common once a cluster fills up); with buckets it starts
//   in the bucket of the CPU the task needs and never visits the buckets below it.
// - RunningIndex: ordered by running tasks, for spread(instanceId) and the final tie-break; bucketed by both
//   resources, as the instances with the fewest tasks are often small ones that are already full.

import { packKey } from './keys.js';
import type { Slot } from './slot.js';
import { SortedList } from './sortedList.js';

/** A check whose verdict only an instance update can change; indexes admit the instances that pass it. */
export interface StaticFilter {
  readonly signature: string;
  passes(s: Slot): boolean;
}

export interface Index {
  readonly filter: StaticFilter;
  add(s: Slot): void;
  delete(s: Slot): void;
}

/** Bucket b holds values in [2^(b-1), 2^b); bucket 0 holds zero and below. */
export function bucketOf(v: number): number {
  return v < 1 ? 0 : Math.floor(Math.log2(v)) + 1;
}

export class ResourceIndex implements Index {
  /** buckets[b]: instances whose other resource is in bucket b, by (this resource, running, slot). */
  readonly buckets: (SortedList | undefined)[] = [];

  constructor(
    readonly field: 'cpu' | 'memory',
    readonly filter: StaticFilter,
  ) {}

  key(s: Slot): number {
    return packKey(this.field === 'cpu' ? s.cpu : s.memory, s.runningTasksCount, s.index);
  }

  private bucket(s: Slot): number {
    return bucketOf(this.field === 'cpu' ? s.memory : s.cpu);
  }

  add(s: Slot): void {
    const b = this.bucket(s);
    (this.buckets[b] ??= new SortedList()).add(this.key(s));
  }

  delete(s: Slot): void {
    this.buckets[this.bucket(s)]?.delete(this.key(s));
  }
}

export class RunningIndex implements Index {
  /** By (CPU bucket, memory bucket): instances by (running tasks, slot). */
  readonly buckets = new Map<number, SortedList>();

  constructor(readonly filter: StaticFilter) {}

  key(s: Slot): number {
    return packKey(s.runningTasksCount, 0, s.index);
  }

  add(s: Slot): void {
    const b = pairOf(s);
    let list = this.buckets.get(b);
    if (!list) this.buckets.set(b, (list = new SortedList()));
    list.add(this.key(s));
  }

  delete(s: Slot): void {
    const b = pairOf(s);
    const list = this.buckets.get(b);
    if (list?.delete(this.key(s)) && list.size === 0) this.buckets.delete(b);
  }

  /** The buckets that may hold instances with at least `cpu` and `memory` left. */
  *within(cpu: number, memory: number): IterableIterator<SortedList> {
    const [c, m] = [bucketOf(cpu), bucketOf(memory)];
    for (const [b, list] of this.buckets) if (b >> 6 >= c && (b & 63) >= m) yield list;
  }
}

function pairOf(s: Slot): number {
  return (bucketOf(s.cpu) << 6) | bucketOf(s.memory);
}
