import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateCache, Txn, ConflictError } from './cache.js';
import { storeContract } from './contract.js';
import { SqliteStore } from './sqlite.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'state.db');

storeContract('sqlite', {
  open: async () => new SqliteStore(fresh()),
  compact: async (s, revision) => (s as SqliteStore).compact(revision),
  reopen: async (s) => {
    await s.close();
    return new SqliteStore((s as SqliteStore).path);
  },
});

describe('SqliteStore', () => {
  it('keeps state and revision across reopen', async () => {
    const path = fresh();
    const a = new SqliteStore(path);
    const r = await a.txn([], [{ type: 'put', key: 'k', value: 'v' }]);
    await a.close();
    const b = new SqliteStore(path);
    expect((await b.get('k'))?.value).toBe('v');
    expect(b.revision).toBe(r.revision);
    // History does not survive the reopen: a watch from before it is told to re-list.
    let resyncs = 0;
    b.watch('', r.revision - 1, () => {}, () => resyncs++);
    await expect.poll(() => resyncs).toBe(1);
    await b.close();
  });

  it('keeps a bounded history: a watch from before it is told to re-list', async () => {
    const s = new SqliteStore(fresh(), { historyEvents: 4 });
    const revs: number[] = [];
    for (let i = 0; i < 6; i++) revs.push((await s.txn([], [{ type: 'put', key: `k/${i}`, value: String(i) }])).revision);
    const seen: string[] = [];
    let resyncs = 0;
    s.watch('k/', revs[1]!, (events) => seen.push(...events.map((e) => e.key)), () => resyncs++);
    expect(seen).toEqual(['k/2', 'k/3', 'k/4', 'k/5']);
    s.watch('k/', revs[0]!, () => seen.push('wrong'), () => resyncs++);
    await expect.poll(() => resyncs).toBe(1);
    expect(seen).toHaveLength(4);
    await s.close();
  });
});

describe('StateCache', () => {
  it('serves reads, indexes and Dates from memory after commit', async () => {
    const cache = new StateCache(new SqliteStore(fresh()));
    const things = cache.table<{ name: string; color: string; at: Date }>({
      prefix: 'things/',
      indexes: { color: (t) => t.color },
    });
    await cache.start();
    await cache.commit(new Txn().put(things, 'a', { name: 'a', color: 'red', at: new Date(5000) }, 0));
    expect(things.get('a')?.value.at).toEqual(new Date(5000));
    expect([...things.byIndex('color', 'red')].map((r) => r.id)).toEqual(['a']);
    const rev = things.get('a')!.modRevision;
    await cache.commit(new Txn().put(things, 'a', { name: 'a', color: 'blue', at: new Date(6000) }, rev));
    expect(things.countByIndex('color', 'red')).toBe(0);
    expect(things.countByIndex('color', 'blue')).toBe(1);
    await expect(cache.commit(new Txn().put(things, 'a', { name: 'a', color: 'x', at: new Date() }, rev))).rejects.toBeInstanceOf(ConflictError);
    cache.stop();
  });

  it('retries an update from fresh reads after a conflict', async () => {
    const cache = new StateCache(new SqliteStore(fresh()));
    const counters = cache.table<number>({ prefix: 'n/' });
    await cache.start();
    await Promise.all(
      Array.from({ length: 10 }, () =>
        cache.update(() => {
          const cur = counters.get('c');
          return { txn: new Txn().put(counters, 'c', (cur?.value ?? 0) + 1, cur?.modRevision ?? 0), result: null };
        }),
      ),
    );
    expect(counters.get('c')?.value).toBe(10);
    cache.stop();
  });
});
