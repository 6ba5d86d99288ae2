// An ordered multiset of numbers with O(log n) search and O(sqrt n) insert/delete: sorted chunks of a few
// hundred entries, like Python's sortedcontainers. The scheduler's indexes need "first entry >= x, then walk
// up" and a cheap update when one instance's remaining resources change; a balanced tree would do the same
// with far more allocation.

const CHUNK = 256;

export class SortedList {
  private chunks: number[][] = [];
  /** Last (largest) value of each chunk, for choosing a chunk by binary search. */
  private maxes: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(x: number): void {
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push([x]);
      this.maxes.push(x);
      return;
    }
    let ci = lowerBound(this.maxes, x);
    if (ci === this.chunks.length) ci--;
    const c = this.chunks[ci]!;
    c.splice(upperBound(c, x), 0, x);
    this.maxes[ci] = c[c.length - 1]!;
    if (c.length > 2 * CHUNK) {
      const tail = c.splice(CHUNK);
      this.chunks.splice(ci + 1, 0, tail);
      this.maxes.splice(ci, 1, c[c.length - 1]!, tail[tail.length - 1]!);
    }
  }

  /** Removes one occurrence of `x`; false if absent. */
  delete(x: number): boolean {
    const ci = lowerBound(this.maxes, x);
    if (ci === this.chunks.length) return false;
    const c = this.chunks[ci]!;
    const pos = lowerBound(c, x);
    if (c[pos] !== x) return false;
    c.splice(pos, 1);
    this.count--;
    if (c.length === 0) {
      this.chunks.splice(ci, 1);
      this.maxes.splice(ci, 1);
    } else {
      this.maxes[ci] = c[c.length - 1]!;
    }
    return true;
  }

  /** A cursor on the first value >= x (invalid if there is none). */
  seek(x: number, cur: Cursor = new Cursor()): Cursor {
    cur.list = this;
    cur.ci = lowerBound(this.maxes, x);
    cur.pos = cur.ci < this.chunks.length ? lowerBound(this.chunks[cur.ci]!, x) : 0;
    return cur;
  }

  /** @internal for Cursor */
  chunk(i: number): number[] | undefined {
    return this.chunks[i];
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (const c of this.chunks) yield* c;
  }
}

/** A position in a SortedList; walks upward. Invalidated by any change to the list. */
export class Cursor {
  list: SortedList | undefined;
  ci = 0;
  pos = 0;

  get valid(): boolean {
    return this.list?.chunk(this.ci) !== undefined;
  }

  get value(): number {
    return this.list!.chunk(this.ci)![this.pos]!;
  }

  next(): void {
    const c = this.list!.chunk(this.ci)!;
    if (++this.pos >= c.length) {
      this.ci++;
      this.pos = 0;
    }
  }
}

/** First index whose value is >= x. */
export function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x. */
export function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
