// The embedded Store backend: one SQLite file in WAL mode. Every transaction is one SQLite transaction, so a write
// that was acknowledged is in the WAL before the caller hears of it and survives a kill -9 of the process.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Compare, KeyValue, Lease, Op, ResyncListener, Store, TxnResult, WatchEvent, WatchListener } from './types.js';

interface Row {
  key: string;
  value: string;
  create_rev: number;
  mod_rev: number;
  version: number;
}

const toKv = (r: Row): KeyValue => ({
  key: r.key,
  value: r.value,
  createRevision: r.create_rev,
  modRevision: r.mod_rev,
  version: r.version,
});

export interface SqliteStoreOptions {
  /** `FULL` also survives power loss, at the price of an fsync per transaction. */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * How many recent changes (events) are kept in memory for watches that start in the past. Older history is
   * compacted, as etcd's is; none survives a reopen. Default 1024.
   */
  historyEvents?: number;
}

interface Watcher {
  prefix: string;
  listener: WatchListener;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly watchers = new Set<Watcher>();
  private rev: number;
  private readonly stmt;
  /** Recent transactions' events, oldest first; every revision after `compacted` is here. */
  private readonly history: { revision: number; events: WatchEvent[] }[] = [];
  private historySize = 0;
  private readonly historyLimit: number;
  private compacted: number;
  /** Keys put under a lease, and the lease; the same as the lease_keys table, kept here for the write path. */
  private readonly leased = new Map<string, string>();
  private readonly leases = new Set<string>();

  constructor(readonly path: string, opts: SqliteStoreOptions = {}) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    // A value replaced (a secret sealed on upgrade) or deleted is zeroed in its page, not left readable in free space.
    this.db.pragma('secure_delete = FAST');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS kv (
        key TEXT PRIMARY KEY, value TEXT NOT NULL,
        create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL, version INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS lease_keys (key TEXT PRIMARY KEY, lease TEXT NOT NULL) WITHOUT ROWID;
      INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0);
    `);
    this.stmt = {
      get: this.db.prepare<[string], Row>('SELECT * FROM kv WHERE key = ?'),
      range: this.db.prepare<[string, string], Row>('SELECT * FROM kv WHERE key >= ? AND key < ? ORDER BY key'),
      all: this.db.prepare<[], Row>('SELECT * FROM kv ORDER BY key'),
      put: this.db.prepare(
        'INSERT INTO kv (key, value, create_rev, mod_rev, version) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT(key) DO UPDATE SET value = excluded.value, mod_rev = excluded.mod_rev, version = excluded.version',
      ),
      del: this.db.prepare('DELETE FROM kv WHERE key = ?'),
      rev: this.db.prepare<[], { value: number }>("SELECT value FROM meta WHERE name = 'revision'"),
      setRev: this.db.prepare("UPDATE meta SET value = ? WHERE name = 'revision'"),
      leaseKeys: this.db.prepare<[], { key: string; lease: string }>('SELECT key, lease FROM lease_keys'),
      attach: this.db.prepare('INSERT OR REPLACE INTO lease_keys (key, lease) VALUES (?, ?)'),
      detach: this.db.prepare('DELETE FROM lease_keys WHERE key = ?'),
    };
    this.rev = this.stmt.rev.get()!.value;
    this.compacted = this.rev;
    this.historyLimit = opts.historyEvents ?? 1024;
    // Leases live as long as the process that granted them: keys left under one by an earlier process go now.
    const orphans = this.stmt.leaseKeys.all();
    for (const { key } of orphans) this.leased.set(key, '');
    if (orphans.length > 0) this.txnSync([], orphans.map(({ key }) => ({ type: 'delete', key })));
  }

  get revision(): number {
    return this.rev;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const r = this.stmt.get.get(key);
    return r && toKv(r);
  }

  async range(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }> {
    const rows = prefix === '' ? this.stmt.all.all() : this.stmt.range.all(prefix, prefixEnd(prefix));
    return { kvs: rows.map(toKv), revision: this.rev };
  }

  async scan(prefix: string, visit: (kv: KeyValue) => void): Promise<number> {
    const rows = prefix === '' ? this.stmt.all.iterate() : this.stmt.range.iterate(prefix, prefixEnd(prefix));
    for (const r of rows) visit(toKv(r));
    return this.rev;
  }

  async txn(compares: Compare[], ops: Op[]): Promise<TxnResult> {
    return this.txnSync(compares, ops);
  }

  /** Synchronous core of txn: SQLite is in-process, so there is nothing to wait for. */
  txnSync(compares: Compare[], ops: Op[]): TxnResult {
    for (const op of ops) {
      if (op.type === 'put' && op.lease !== undefined && !this.leases.has(op.lease)) throw new Error(`lease ${op.lease} not found`);
    }
    const events: WatchEvent[] = [];
    const run = this.db.transaction((): TxnResult => {
      for (const c of compares) {
        const cur = this.stmt.get.get(c.key);
        if ((cur?.mod_rev ?? 0) !== c.modRevision) return { succeeded: false, revision: this.rev, changed: false };
      }
      if (ops.length === 0) return { succeeded: true, revision: this.rev, changed: false };
      const rev = this.rev + 1;
      for (const op of ops) {
        const prevRow = this.stmt.get.get(op.key);
        const prev = prevRow && toKv(prevRow);
        if (op.type === 'put') {
          const kv: KeyValue = {
            key: op.key,
            value: op.value,
            createRevision: prev?.createRevision ?? rev,
            modRevision: rev,
            version: (prev?.version ?? 0) + 1,
          };
          this.stmt.put.run(kv.key, kv.value, kv.createRevision, kv.modRevision, kv.version);
          events.push({ type: 'put', key: op.key, kv, prev });
          if (op.lease !== undefined) {
            this.stmt.attach.run(op.key, op.lease);
            this.leased.set(op.key, op.lease);
          } else if (this.leased.delete(op.key)) {
            this.stmt.detach.run(op.key);
          }
        } else if (prev) {
          this.stmt.del.run(op.key);
          events.push({ type: 'delete', key: op.key, prev });
          if (this.leased.delete(op.key)) this.stmt.detach.run(op.key);
        }
      }
      // Deletes of missing keys change nothing: no new revision, as in etcd.
      if (events.length === 0) return { succeeded: true, revision: this.rev, changed: false };
      this.stmt.setRev.run(rev);
      return { succeeded: true, revision: rev, changed: true };
    });
    const result = run.immediate();
    if (result.changed) {
      this.rev = result.revision;
      this.remember(result.revision, events);
      this.notify(events, result.revision);
    }
    return result;
  }

  /**
   * Drops the history before `revision`, as etcd's compaction: a watch from `revision - 1` or later is still whole,
   * one from before is told to re-list.
   */
  compact(revision: number): void {
    while (this.history.length > 0 && this.history[0]!.revision < revision) this.historySize -= this.history.shift()!.events.length;
    this.compacted = Math.max(this.compacted, Math.min(revision - 1, this.rev));
  }

  private remember(revision: number, events: WatchEvent[]): void {
    this.history.push({ revision, events });
    this.historySize += events.length;
    while (this.historySize > this.historyLimit && this.history.length > 1) {
      const old = this.history.shift()!;
      this.historySize -= old.events.length;
      this.compacted = old.revision;
    }
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener, onResync: ResyncListener): () => void {
    let cancelled = false;
    if (fromRevision < this.compacted) {
      queueMicrotask(() => cancelled || onResync());
      return () => (cancelled = true);
    }
    // What happened since fromRevision is replayed before the watch goes live, in this same call: no write can come
    // in between.
    for (const h of this.history) {
      if (h.revision <= fromRevision) continue;
      const mine = prefix === '' ? h.events : h.events.filter((e) => e.key.startsWith(prefix));
      if (mine.length > 0) listener(mine, h.revision);
    }
    const w = { prefix, listener };
    this.watchers.add(w);
    return () => {
      cancelled = true;
      this.watchers.delete(w);
    };
  }

  private notify(events: WatchEvent[], revision: number): void {
    for (const w of this.watchers) {
      const mine = w.prefix === '' ? events : events.filter((e) => e.key.startsWith(w.prefix));
      if (mine.length > 0) w.listener(mine, revision);
    }
  }

  async grantLease(_ttlSeconds: number): Promise<Lease> {
    const id = randomBytes(8).toString('hex');
    this.leases.add(id);
    return {
      id,
      // One process owns the file: the lease cannot be lost while the process lives.
      onLost: () => {},
      revoke: async () => {
        if (!this.leases.delete(id) || !this.db.open) return;
        const keys = [...this.leased].filter(([, l]) => l === id).map(([key]) => key);
        if (keys.length > 0) this.txnSync([], keys.map((key) => ({ type: 'delete', key })));
      },
    };
  }

  async close(): Promise<void> {
    this.watchers.clear();
    if (this.db.open) this.db.close();
  }
}

/** The smallest key greater than every key with this prefix. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
