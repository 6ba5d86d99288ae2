// The in-memory, indexed read side of the store. Every API read is served from here; the store's watch keeps it
// current. Cached values are shared and must never be mutated in place: writers build new objects.
import { decodeValue, encodeValue } from './codec.js';
import type { Compare, Op, Store, WatchEvent } from './types.js';

export interface Row<T> {
  id: string;
  value: T;
  modRevision: number;
}

/** A secondary index: the keys a value is found under (e.g. a task's cluster name). */
export type IndexFn<T> = (value: T) => string | readonly string[] | undefined;

export interface TableSpec<T> {
  /** Key prefix, ending in '/'. */
  prefix: string;
  indexes?: Record<string, IndexFn<T>>;
}

export class Table<T> {
  private readonly rows = new Map<string, Row<T>>();
  private readonly indexes = new Map<string, { fn: IndexFn<T>; map: Map<string, Map<string, Row<T>>> }>();

  constructor(readonly prefix: string, indexes: Record<string, IndexFn<T>> = {}) {
    for (const [name, fn] of Object.entries(indexes)) this.indexes.set(name, { fn, map: new Map() });
  }

  key(id: string): string {
    return this.prefix + id;
  }

  get(id: string): Row<T> | undefined {
    return this.rows.get(id);
  }

  get size(): number {
    return this.rows.size;
  }

  values(): IterableIterator<Row<T>> {
    return this.rows.values();
  }

  /** Rows whose index function returned `key`. */
  byIndex(index: string, key: string): Iterable<Row<T>> {
    const idx = this.indexes.get(index);
    if (!idx) throw new Error(`no index ${index} on ${this.prefix}`);
    return idx.map.get(key)?.values() ?? [];
  }

  countByIndex(index: string, key: string): number {
    return this.indexes.get(index)?.map.get(key)?.size ?? 0;
  }

  /** Applies one change from the store (called by the cache only). */
  apply(id: string, row: Row<T> | undefined): void {
    const old = this.rows.get(id);
    if (old) this.unindex(old);
    if (row) {
      this.rows.set(id, row);
      this.index(row);
    } else {
      this.rows.delete(id);
    }
  }

  private index(row: Row<T>): void {
    for (const { fn, map } of this.indexes.values()) {
      for (const k of keysOf(fn(row.value))) {
        let bucket = map.get(k);
        if (!bucket) map.set(k, (bucket = new Map()));
        bucket.set(row.id, row);
      }
    }
  }

  private unindex(row: Row<T>): void {
    for (const { fn, map } of this.indexes.values()) {
      for (const k of keysOf(fn(row.value))) {
        const bucket = map.get(k);
        bucket?.delete(row.id);
        if (bucket?.size === 0) map.delete(k);
      }
    }
  }
}

function keysOf(k: string | readonly string[] | undefined): readonly string[] {
  return k === undefined ? [] : typeof k === 'string' ? [k] : k;
}

/** A set of guarded writes across tables, committed atomically. */
export class Txn {
  readonly compares: Compare[] = [];
  readonly ops: Op[] = [];
  /** The objects written, by key: the cache takes them as they are instead of decoding what it just encoded. */
  readonly objects = new Map<string, unknown>();

  /** Writes value; `expected` is the modRevision read (0: must not exist yet), or undefined for an unguarded write. */
  put<T>(table: Table<T>, id: string, value: T, expected?: number): this {
    const key = table.key(id);
    if (expected !== undefined) this.compares.push({ key, modRevision: expected });
    this.ops.push({ type: 'put', key, value: encodeValue(value) });
    this.objects.set(key, value);
    return this;
  }

  delete<T>(table: Table<T>, id: string, expected?: number): this {
    const key = table.key(id);
    if (expected !== undefined) this.compares.push({ key, modRevision: expected });
    this.ops.push({ type: 'delete', key });
    return this;
  }

  /** Guards on a row without writing it (e.g. "the cluster is still what I read"). */
  guard<T>(table: Table<T>, id: string, expected: number): this {
    this.compares.push({ key: table.key(id), modRevision: expected });
    return this;
  }
}

export class ConflictError extends Error {
  constructor() {
    super('transaction conflict: the state changed under the writer');
  }
}

export class StateCache {
  private readonly tables: Table<unknown>[] = [];
  private rev = 0;
  private cancel: (() => void) | undefined;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private written: Map<string, unknown> | undefined;
  private readonly changeListeners = new Set<(keys: readonly string[]) => void>();

  constructor(readonly store: Store) {}

  get revision(): number {
    return this.rev;
  }

  table<T>(spec: TableSpec<T>): Table<T> {
    const t = new Table<T>(spec.prefix, spec.indexes);
    this.tables.push(t as Table<unknown>);
    return t;
  }

  /** Loads every table's snapshot and follows the store from there. */
  async start(): Promise<void> {
    const { kvs, revision } = await this.store.range('');
    for (const kv of kvs) this.applyOne({ type: 'put', key: kv.key, kv });
    this.rev = revision;
    this.cancel = this.store.watch('', revision, (events, rev) => {
      for (const e of events) this.applyOne(e);
      this.rev = rev;
      if (this.changeListeners.size > 0) {
        const keys = events.map((e) => e.key);
        for (const l of this.changeListeners) l(keys);
      }
      this.wake();
    });
  }

  /** Called after each applied batch of changes with the keys it touched (derived indexes follow the cache). */
  onChange(listener: (keys: readonly string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Commits txn; throws ConflictError when a guard failed. Resolves once the cache has seen the write. */
  async commit(txn: Txn): Promise<number> {
    // The in-process store applies its watch synchronously inside txn(): hand it the objects for that moment.
    this.written = txn.objects;
    let res;
    try {
      res = await this.store.txn(txn.compares, txn.ops);
    } finally {
      this.written = undefined;
    }
    if (!res.succeeded) throw new ConflictError();
    await this.waitFor(res.revision);
    return res.revision;
  }

  /**
   * Optimistic concurrency: runs `attempt` (which reads the cache and returns a txn and a result), commits, and
   * re-runs it from fresh reads when another writer got there first.
   */
  async update<R>(attempt: () => { txn: Txn; result: R }, tries = 20): Promise<R> {
    for (let i = 0; ; i++) {
      const { txn, result } = attempt();
      try {
        if (txn.ops.length > 0) await this.commit(txn);
        return result;
      } catch (e) {
        if (!(e instanceof ConflictError) || i >= tries) throw e;
      }
    }
  }

  waitFor(rev: number): Promise<void> {
    if (this.rev >= rev) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ rev, resolve }));
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.rev <= this.rev);
    this.waiters = this.waiters.filter((w) => w.rev > this.rev);
    for (const w of ready) w.resolve();
  }

  private applyOne(e: WatchEvent): void {
    for (const t of this.tables) {
      if (!e.key.startsWith(t.prefix)) continue;
      const id = e.key.slice(t.prefix.length);
      const value = e.kv ? (this.written?.has(e.key) ? this.written.get(e.key) : decodeValue(e.kv.value)) : undefined;
      t.apply(id, e.kv ? { id, value, modRevision: e.kv.modRevision } : undefined);
      return;
    }
  }
}
