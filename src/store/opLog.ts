// A replicated log of operations on data kept beside the Store rather than in it (log events, metric datapoints):
// too many and too large for every replica's cache to hold for good, but which every replica must serve and none may
// lose once acknowledged. An operation is written to the store (batched, one key per batch), and every replica
// applies every batch, in revision order, to its own copy (logs.db, the metric series) from the cache's change feed.
// Application is deterministic (everything it depends on travels in the operation), so all copies agree, and the
// replica that took an operation in answers with the outcome of its own application: an error (a missing log group)
// is the same error on every replica. Batches are deleted by the leader after a window (prune); a replica started
// later than that starts from what the window still holds. Without a cache (one process on SQLite) an operation is
// applied at once, as before.
import type { Logger } from 'pino';
import { Txn, type StateCache, type Table } from './cache.js';

/** What applying one operation gave: a value for the caller, or the error it threw. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface OpBatch<Op> {
  replica: string;
  ops: Op[];
}

/** A log's tables in the cache: registered before the cache starts (opLogTables), so its snapshot fills them. */
export interface OpLogTables<Op> {
  prefix: string;
  batches: Table<OpBatch<Op>>;
  pruned: Table<{ revision: number; before: number }>;
}

/** The tables of the log under `prefix` (e.g. `telemetry/logs/`); call before cache.start(). */
export function opLogTables<Op>(cache: StateCache, prefix: string): OpLogTables<Op> {
  return {
    prefix,
    batches: cache.table<OpBatch<Op>>({ prefix }),
    pruned: cache.table<{ revision: number; before: number }>({ prefix: PRUNED_PREFIX + prefix }),
  };
}

/** Replicated: through the store's cache and this log's tables in it. */
export interface Replication<Op> {
  cache: StateCache;
  tables: OpLogTables<Op>;
  replica: string;
}

export interface OpLogOptions<Op> {
  /** Absent: operations are applied at once, in this process only. */
  replication?: Replication<Op>;
  /** Applies one batch's operations in order (revision: the batch's store revision; 0 when not replicated). */
  apply(ops: Op[], revision: number): Outcome[];
  /** The last revision this replica's copy already holds (a copy that outlives the process skips it again). */
  appliedRevision?: () => number;
  /** How long operations wait to be batched together (default 10 ms). */
  flushMs?: number;
  /** A batch is written once its operations reach this many bytes of JSON (default 512 KiB; etcd takes 1.5 MiB). */
  maxBatchBytes?: number;
  logger?: Logger;
}

interface Waiting<Op> {
  op: Op;
  bytes: number;
  settle: (o: Outcome) => void;
}

/** The batches' key: time first, so the leader prunes the oldest by key order. */
const batchId = (ms: number, replica: string, seq: number) => `${String(ms).padStart(15, '0')}-${replica}-${seq}`;
const PRUNED_PREFIX = 'telemetry/pruned/';

export class OpLog<Op> {
  private readonly table?: Table<OpBatch<Op>>;
  private readonly pruned?: Table<{ revision: number; before: number }>;
  private readonly cache?: StateCache;
  private readonly prefix: string;
  private readonly replica: string;
  private applied = 0;
  private seq = 0;
  private pending: Waiting<Op>[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Batches this replica wrote whose application it awaits: id -> the callers, in the batch's order. */
  private readonly mine = new Map<string, Waiting<Op>[]>();
  private unlisten?: () => void;

  constructor(private readonly opts: OpLogOptions<Op>) {
    const r = opts.replication;
    this.cache = r?.cache;
    this.table = r?.tables.batches;
    this.pruned = r?.tables.pruned;
    this.prefix = r?.tables.prefix ?? '';
    this.replica = r?.replica ?? 'local';
  }

  get replicated(): boolean {
    return this.table !== undefined;
  }

  /**
   * Applies what the store holds that this copy lacks, then follows the store. Call after the cache has started
   * (tables are registered before it starts, in the constructor).
   */
  start(): void {
    const { cache } = this;
    if (!cache || !this.table || this.unlisten) return;
    this.applied = this.opts.appliedRevision?.() ?? 0;
    const lost = [...this.pruned!.values()].reduce((m, r) => Math.max(m, r.value.revision), 0);
    if (lost > this.applied) {
      this.opts.logger?.warn({ log: this.prefix, prunedThrough: lost, applied: this.applied }, 'operations older than the store keeps were not applied to this replica\'s copy');
    }
    this.catchUp([...this.table.values()].map((r) => r.id));
    // Synchronously after the catch-up: no change can fall between the two.
    const prefix = this.prefix;
    this.unlisten = cache.onChange((keys) => {
      const ids = keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
      if (ids.length > 0) this.catchUp(ids);
    });
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  /** Takes one operation in; resolves with its outcome on this replica once it is in the store and applied here. */
  submit(op: Op): Promise<unknown> {
    if (!this.table) {
      const [o] = this.opts.apply([op], 0);
      return o!.ok ? Promise.resolve(o!.value) : Promise.reject(o!.error);
    }
    return new Promise((resolve, reject) => {
      const bytes = JSON.stringify(op).length;
      this.pending.push({ op, bytes, settle: (o) => (o.ok ? resolve(o.value) : reject(o.error)) });
      this.pendingBytes += bytes;
      if (this.pendingBytes >= (this.opts.maxBatchBytes ?? 512 * 1024)) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.flushMs ?? 10);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || !this.table) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    const id = batchId(Date.now(), this.replica, this.seq++);
    this.mine.set(id, batch);
    const value: OpBatch<Op> = { replica: this.replica, ops: batch.map((w) => w.op) };
    this.cache!.commit(new Txn().put(this.table, id, value, 0)).then(
      // Applied by now (the cache's change feed runs before a commit resolves); whatever is left was pruned first.
      () => this.settle(id, batch.map(() => ({ ok: true, value: undefined }))),
      (error: unknown) => this.settle(id, batch.map(() => ({ ok: false, error }))),
    );
  }

  private settle(id: string, outcomes: Outcome[]): void {
    const batch = this.mine.get(id);
    if (!batch) return;
    this.mine.delete(id);
    batch.forEach((w, i) => w.settle(outcomes[i] ?? { ok: true, value: undefined }));
  }

  /** Applies the named batches not applied yet, in revision order. */
  private catchUp(ids: string[]): void {
    const rows = ids.map((id) => this.table!.get(id)).filter((r) => r !== undefined && r.modRevision > this.applied);
    rows.sort((a, b) => a!.modRevision - b!.modRevision);
    for (const row of rows) {
      let outcomes: Outcome[];
      try {
        outcomes = this.opts.apply(row!.value.ops, row!.modRevision);
      } catch (error) {
        this.opts.logger?.error({ err: error, batch: row!.id }, 'could not apply a replicated batch');
        outcomes = row!.value.ops.map(() => ({ ok: false, error }));
      }
      this.applied = row!.modRevision;
      this.settle(row!.id, outcomes);
    }
  }

  /**
   * The leader's housekeeping: deletes batches written before `before` (epoch ms), at most `limit` per call, and
   * records up to which revision they went. Returns how many went.
   */
  async prune(cache: StateCache, before: number, limit = 100): Promise<number> {
    if (!this.table) return 0;
    const cut = String(before).padStart(15, '0');
    const old = [...this.table.values()].filter((r) => r.id < cut).sort((a, b) => a.modRevision - b.modRevision).slice(0, limit);
    if (old.length === 0) return 0;
    const txn = new Txn();
    for (const r of old) txn.delete(this.table, r.id);
    const through = old.at(-1)!.modRevision;
    txn.put(this.pruned!, 'last', { revision: through, before });
    await cache.commit(txn);
    return old.length;
  }
}
