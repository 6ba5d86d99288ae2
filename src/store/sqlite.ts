// The embedded Store backend: one SQLite file in WAL mode. Every transaction is one SQLite transaction, so a write
// that was acknowledged is in the WAL before the caller hears of it and survives a kill -9 of the process.
import Database from 'better-sqlite3';
import type { Compare, KeyValue, Op, Store, TxnResult, WatchEvent, WatchListener } from './types.js';

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
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly watchers = new Set<{ prefix: string; listener: WatchListener }>();
  private rev: number;
  private readonly stmt;

  constructor(path: string, opts: SqliteStoreOptions = {}) {
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
    };
    this.rev = this.stmt.rev.get()!.value;
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

  async txn(compares: Compare[], ops: Op[]): Promise<TxnResult> {
    return this.txnSync(compares, ops);
  }

  /** Synchronous core of txn: SQLite is in-process, so there is nothing to wait for. */
  txnSync(compares: Compare[], ops: Op[]): TxnResult {
    const events: WatchEvent[] = [];
    const run = this.db.transaction((): TxnResult => {
      for (const c of compares) {
        const cur = this.stmt.get.get(c.key);
        if ((cur?.mod_rev ?? 0) !== c.modRevision) return { succeeded: false, revision: this.rev };
      }
      if (ops.length === 0) return { succeeded: true, revision: this.rev };
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
        } else if (prev) {
          this.stmt.del.run(op.key);
          events.push({ type: 'delete', key: op.key, prev });
        }
      }
      this.stmt.setRev.run(rev);
      return { succeeded: true, revision: rev };
    });
    const result = run.immediate();
    if (result.succeeded && events.length > 0) {
      this.rev = result.revision;
      this.notify(events, result.revision);
    }
    return result;
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener): () => void {
    // SQLite keeps no history, so a watch can only start from now; the cache reads a snapshot and watches in the
    // same tick, which leaves no gap in-process.
    if (fromRevision < this.rev) {
      throw new Error(`sqlite store keeps no history: cannot watch from revision ${fromRevision} (now ${this.rev})`);
    }
    const w = { prefix, listener };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  private notify(events: WatchEvent[], revision: number): void {
    for (const w of this.watchers) {
      const mine = w.prefix === '' ? events : events.filter((e) => e.key.startsWith(w.prefix));
      if (mine.length > 0) w.listener(mine, revision);
    }
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
