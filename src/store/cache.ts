// The in-memory, indexed read side of the store. Every API read is served from here; the store's watch keeps it
// current, in revision order, whether it delivers synchronously (SQLite, in-process) or later (etcd, other replicas).
// A write of puts only through the cache is applied to it as soon as the store acknowledges it (the watch brings it
// back later, and is skipped for those keys up to that revision), so this process reads its own writes without a
// watch round trip; any other write resolves once the watch has brought the cache to its revision. Between the two the
// cache may hold this process's newest writes ahead of others' older ones. Cached values are shared and must never be
// mutated in place: writers build new objects.
import { decodeValue, encodeValue } from './codec.js';
import type { Compare, KeyValue, Op, Store, WatchEvent } from './types.js';

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
  /** The objects written, by key, with their encoding: the cache takes them instead of decoding what it encoded. */
  readonly objects = new Map<string, { value: unknown; encoded: string }>();
  /** Each op's object (undefined for a delete), so a rollback can restore `objects`. */
  private readonly values: unknown[] = [];
  private encodedBytes = 0;

  /** About how many bytes the transaction sends (keys and values). */
  get bytes(): number {
    return this.encodedBytes;
  }

  /** A point to roll back to: what was added after it can be undone, what was there before stays. */
  savepoint(): TxnSavepoint {
    return { ops: this.ops.length, compares: this.compares.length, bytes: this.encodedBytes };
  }

  /** Undoes every put, delete and guard added after `sp`. */
  rollback(sp: TxnSavepoint): void {
    const undone = new Set(this.ops.slice(sp.ops).map((op) => op.key));
    this.ops.length = sp.ops;
    this.values.length = sp.ops;
    this.compares.length = sp.compares;
    this.encodedBytes = sp.bytes;
    for (const key of undone) {
      this.objects.delete(key);
      for (let i = this.ops.length - 1; i >= 0; i--) {
        const op = this.ops[i]!;
        if (op.key !== key) continue;
        if (op.type === 'put') this.objects.set(key, { value: this.values[i], encoded: op.value });
        break;
      }
    }
  }

  /**
   * Writes value; `expected` is the modRevision read (0: must not exist yet), or undefined for an unguarded write.
   * With `lease` (a Lease id) the row is deleted when that lease ends.
   */
  put<T>(table: Table<T>, id: string, value: T, expected?: number, lease?: string): this {
    const key = table.key(id);
    if (expected !== undefined) this.compares.push({ key, modRevision: expected });
    const encoded = encodeValue(value);
    this.ops.push(lease === undefined ? { type: 'put', key, value: encoded } : { type: 'put', key, value: encoded, lease });
    this.values.push(value);
    this.encodedBytes += key.length + encoded.length;
    this.objects.set(key, { value, encoded });
    return this;
  }

  delete<T>(table: Table<T>, id: string, expected?: number): this {
    const key = table.key(id);
    if (expected !== undefined) this.compares.push({ key, modRevision: expected });
    this.ops.push({ type: 'delete', key });
    this.values.push(undefined);
    this.encodedBytes += key.length;
    this.objects.delete(key);
    return this;
  }

  /** Guards on a row without writing it (e.g. "the cluster is still what I read"). */
  guard<T>(table: Table<T>, id: string, expected: number): this {
    this.compares.push({ key: table.key(id), modRevision: expected });
    return this;
  }
}

export interface TxnSavepoint {
  readonly ops: number;
  readonly compares: number;
  readonly bytes: number;
}

export class ConflictError extends Error {
  /** A store revision at which the change that beat this transaction is visible (0: unknown). */
  constructor(readonly revision = 0) {
    super('transaction conflict: the state changed under the writer');
  }
}

/**
 * How long a retry after a conflict waits for the cache to hold the change that caused it. With a store of its own
 * that is a watch delivery away (milliseconds); it only runs out when others write to the same etcd outside Wharf's
 * namespace, and the retry then goes on from the cache as it is.
 */
const CATCH_UP_MS = 2000;

export class StateCache {
  private readonly tables: Table<unknown>[] = [];
  private rev = 0;
  private cancel: (() => void) | undefined;
  private stopped = false;
  private waiters: { rev: number; resolve: () => void }[] = [];
  /** Transactions committed through this cache whose changes the watch has not delivered yet. */
  private readonly inflight = new Set<Txn>();
  private readonly changeListeners = new Set<(keys: readonly string[]) => void>();
  /** Transactions with writes this process committed, and those the store refused (a guard failed). */
  readonly commits = { committed: 0, refused: 0 };
  /** Keys this process wrote and applied ahead of the watch, with the revision of that write. */
  private readonly applied = new Map<string, number>();

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
    if (this.store.scan) {
      this.rev = await this.store.scan('', (kv) => this.applyOne({ type: 'put', key: kv.key, kv }));
    } else {
      const { kvs, revision } = await this.store.range('');
      for (const kv of kvs) this.applyOne({ type: 'put', key: kv.key, kv });
      this.rev = revision;
    }
    this.follow();
  }

  private follow(): void {
    if (this.stopped) return;
    this.cancel = this.store.watch(
      '',
      this.rev,
      (events, rev) => {
        if (rev <= this.rev) return;
        for (const e of events) if (!this.appliedAhead(e, rev)) this.applyOne(e);
        this.rev = rev;
        this.forgetApplied();
        this.changed(events.map((e) => e.key));
      },
      () => void this.resync(),
    );
  }

  /**
   * The watch lost its history (compaction, or the store cancelled it): read the whole state again, apply the
   * difference as one change at the read's revision, and follow from there. Retries until the store answers.
   */
  private async resync(): Promise<void> {
    this.cancel = undefined;
    let snapshot: { kvs: KeyValue[]; revision: number } | undefined;
    for (let delay = 100; !snapshot; delay = Math.min(delay * 2, 5000)) {
      if (this.stopped) return;
      try {
        snapshot = await this.store.range('');
      } catch {
        await new Promise((ok) => setTimeout(ok, delay).unref());
      }
    }
    if (this.stopped) return;
    const keys: string[] = [];
    const present = new Set<string>();
    for (const kv of snapshot.kvs) {
      present.add(kv.key);
      const t = this.tableOf(kv.key);
      if ((this.applied.get(kv.key) ?? 0) > snapshot.revision) continue;
      if (t && t.get(kv.key.slice(t.prefix.length))?.modRevision !== kv.modRevision) {
        this.applyOne({ type: 'put', key: kv.key, kv });
        keys.push(kv.key);
      }
    }
    for (const t of this.tables) {
      for (const row of [...t.values()]) {
        const key = t.key(row.id);
        if (present.has(key) || (this.applied.get(key) ?? 0) > snapshot.revision) continue;
        t.apply(row.id, undefined);
        keys.push(key);
      }
    }
    this.rev = Math.max(this.rev, snapshot.revision);
    this.forgetApplied();
    this.changed(keys);
    this.follow();
  }

  private changed(keys: string[]): void {
    if (this.changeListeners.size > 0 && keys.length > 0) for (const l of this.changeListeners) l(keys);
    this.wake();
  }

  /** Called after each applied batch of changes with the keys it touched (derived indexes follow the cache). */
  onChange(listener: (keys: readonly string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  /**
   * Commits txn; throws ConflictError when a guard failed. Resolves once the cache holds the write (and everything
   * before it), so the caller's next read sees it.
   */
  async commit(txn: Txn): Promise<number> {
    this.inflight.add(txn);
    try {
      const res = await this.store.txn(txn.compares, txn.ops);
      if (!res.succeeded) {
        this.commits.refused++;
        throw new ConflictError(res.revision);
      }
      this.commits.committed++;
      if (!res.changed || this.rev >= res.revision) return res.revision;
      // Puts alone are applied now (a delete's revision is not in its watch event, so a later-arriving older event
      // could not be told apart from it: a transaction with one waits for the watch, which keeps it atomic here too).
      if (txn.ops.every((op) => op.type === 'put')) this.applyOwn(txn, res.revision);
      else await this.waitFor(res.revision);
      return res.revision;
    } finally {
      this.inflight.delete(txn);
    }
  }

  /**
   * Optimistic concurrency: runs `attempt` (which reads the cache and returns a txn and a result), commits, and
   * re-runs it from fresh reads when another writer got there first (once the cache holds that writer's change:
   * another replica's write reaches this cache through the watch, later than the conflict).
   */
  async update<R>(attempt: () => { txn: Txn; result: R }, tries = 20): Promise<R> {
    for (let i = 0; ; i++) {
      const { txn, result } = attempt();
      try {
        if (txn.ops.length > 0) await this.commit(txn);
        return result;
      } catch (e) {
        if (!(e instanceof ConflictError) || i >= tries) throw e;
        if (e.revision > this.rev) await this.waitFor(e.revision, CATCH_UP_MS);
      }
    }
  }

  /** Applies this process's committed puts at their revision, ahead of the watch. */
  private applyOwn(txn: Txn, rev: number): void {
    const last = new Map<string, string>();
    for (const op of txn.ops) if (op.type === 'put') last.set(op.key, op.value);
    const keys: string[] = [];
    for (const [key, encoded] of last) {
      const t = this.tableOf(key);
      if (!t) continue;
      if ((this.applied.get(key) ?? 0) < rev) this.applied.set(key, rev);
      const id = key.slice(t.prefix.length);
      // A later write of this process to the key may have been acknowledged (and applied) first.
      if ((t.get(id)?.modRevision ?? 0) >= rev) continue;
      const w = txn.objects.get(key);
      t.apply(id, { id, value: w && w.encoded === encoded ? w.value : decodeValue(encoded), modRevision: rev });
      keys.push(key);
    }
    this.changed(keys);
  }

  /**
   * Whether the cache holds this process's write of the event's key at or after the event already (its own write
   * coming back, or an older one). A delete of unknown revision is older only when the write is past the whole batch.
   */
  private appliedAhead(e: WatchEvent, batchRev: number): boolean {
    const mine = this.applied.get(e.key);
    if (mine === undefined) return false;
    const at = e.kv?.modRevision ?? e.revision;
    return at !== undefined ? at <= mine : mine > batchRev;
  }

  /** Writes applied ahead of the watch that the watch has caught up with. */
  private forgetApplied(): void {
    if (this.applied.size === 0) return;
    for (const [key, rev] of this.applied) if (rev <= this.rev) this.applied.delete(key);
  }

  /** Resolves once the cache has applied the store's changes up to `rev` (or, given a timeout, when it runs out). */
  waitFor(rev: number, timeoutMs?: number): Promise<void> {
    if (this.rev >= rev) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { rev, resolve };
      this.waiters.push(waiter);
      if (timeoutMs === undefined) return;
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs).unref();
    });
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.rev <= this.rev);
    this.waiters = this.waiters.filter((w) => w.rev > this.rev);
    for (const w of ready) w.resolve();
  }

  private tableOf(key: string): Table<unknown> | undefined {
    for (const t of this.tables) if (key.startsWith(t.prefix)) return t;
    return undefined;
  }

  private applyOne(e: WatchEvent): void {
    const t = this.tableOf(e.key);
    if (!t) return;
    const id = e.key.slice(t.prefix.length);
    t.apply(id, e.kv ? { id, value: this.valueOf(e.kv), modRevision: e.kv.modRevision } : undefined);
  }

  /** The object a transaction of this process wrote, when this is its write (same encoding); else the decoded value. */
  private valueOf(kv: KeyValue): unknown {
    for (const txn of this.inflight) {
      const w = txn.objects.get(kv.key);
      if (w && w.encoded === kv.value) return w.value;
    }
    return decodeValue(kv.value);
  }
}
