// The replicated operation log on two caches over one store (two replicas): an operation taken in by either is
// applied by both, in one order, and its taker gets its own application's outcome; a copy that outlives its process
// skips what it applied; the leader's prune deletes old batches; without replication operations apply at once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateCache } from './cache.js';
import { OpLog, opLogTables, type Outcome } from './opLog.js';
import { SqliteStore } from './sqlite.js';

type Op = { add: string };

/** A replica's copy: a list that refuses duplicates (so an outcome can be an error). */
function replica(store: SqliteStore, name: string, applied = 0) {
  const cache = new StateCache(store);
  const tables = opLogTables<Op>(cache, 'telemetry/test/');
  const copy: string[] = [];
  let last = applied;
  const log = new OpLog<Op>({
    replication: { cache, tables, replica: name },
    apply: (ops, revision): Outcome[] => {
      last = revision;
      return ops.map((op) => {
        if (copy.includes(op.add)) return { ok: false, error: new Error(`${op.add} exists`) };
        copy.push(op.add);
        return { ok: true, value: copy.length };
      });
    },
    appliedRevision: () => applied,
  });
  return { cache, log, copy, applied: () => last };
}

describe('OpLog', () => {
  it('applies every operation on every replica in one order; the taker gets its outcome', async () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'wharf-oplog-')), 'state.db'));
    const a = replica(store, 'a');
    const b = replica(store, 'b');
    await Promise.all([a.cache.start(), b.cache.start()]);
    a.log.start();
    b.log.start();
    const got = await Promise.all([a.log.submit({ add: 'x' }), b.log.submit({ add: 'y' }), a.log.submit({ add: 'z' })]);
    // Each outcome is the copy's length after that operation: one order, three places.
    expect([...got].sort()).toEqual([1, 2, 3]);
    await b.cache.waitFor(a.cache.revision);
    await a.cache.waitFor(b.cache.revision);
    expect(a.copy).toEqual(b.copy);
    expect(a.copy.sort()).toEqual(['x', 'y', 'z']);
    // The same change taken in by the other replica fails there as it would here.
    await expect(b.log.submit({ add: 'x' })).rejects.toThrow('x exists');
    await a.cache.waitFor(b.cache.revision);
    expect(a.copy).toHaveLength(3);

    // A replica started later catches up from the store; one whose copy already holds a revision skips up to it.
    const c = replica(store, 'c');
    await c.cache.start();
    c.log.start();
    expect(c.copy.sort()).toEqual(['x', 'y', 'z']);
    const d = replica(store, 'd', a.applied());
    await d.cache.start();
    d.log.start();
    expect(d.copy).toEqual([]);

    // The leader prunes what is older than the window.
    expect(await a.log.prune(a.cache, Date.now() + 1000)).toBeGreaterThan(0);
    await c.cache.waitFor(a.cache.revision);
    const e = replica(store, 'e');
    await e.cache.start();
    e.log.start();
    expect(e.copy).toEqual([]);
    for (const r of [a, b, c, d, e]) {
      r.log.stop();
      r.cache.stop();
    }
    await store.close();
  });

  it('applies at once without replication', async () => {
    const seen: Op[] = [];
    const log = new OpLog<Op>({ apply: (ops) => ops.map((op) => (seen.push(op), { ok: true, value: seen.length })) });
    const p = log.submit({ add: 'now' });
    expect(seen).toEqual([{ add: 'now' }]);
    expect(await p).toBe(1);
  });
});
