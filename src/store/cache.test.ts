// StateCache over a store whose watch is late, as a distributed store's is: writes through the cache are read back at
// once, other writers' changes arrive in revision order, and a watch that lost its history makes the cache re-list.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateCache, Txn } from './cache.js';
import { SqliteStore } from './sqlite.js';
import type { Compare, Op, ResyncListener, Store, WatchListener } from './types.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'wharf-cache-')), 'state.db');

/**
 * A store whose watch batches arrive a few macrotasks late. While `deaf`, batches are lost; `lose()` then ends every
 * watch as a compaction would.
 */
class LateWatchStore implements Store {
  deaf = false;
  private readonly resyncs = new Set<ResyncListener>();
  constructor(readonly inner: SqliteStore) {}
  get = (key: string) => this.inner.get(key);
  range = (prefix: string) => this.inner.range(prefix);
  txn = (compares: Compare[], ops: Op[]) => this.inner.txn(compares, ops);
  close = () => this.inner.close();
  grantLease = (ttl: number) => this.inner.grantLease(ttl);

  watch(prefix: string, from: number, listener: WatchListener, onResync: ResyncListener): () => void {
    let chain = Promise.resolve();
    let live = true;
    const late: WatchListener = (events, rev) => {
      if (this.deaf) return;
      // One chain per watch keeps the order; each batch waits a random number of timer turns.
      chain = chain.then(async () => {
        for (let i = Math.floor(Math.random() * 3); i >= 0; i--) await new Promise((ok) => setTimeout(ok, 1));
        if (live) listener(events, rev);
      });
    };
    const lost = () => {
      if (!live) return;
      live = false;
      onResync();
    };
    this.resyncs.add(lost);
    const cancel = this.inner.watch(prefix, from, late, lost);
    return () => {
      live = false;
      this.resyncs.delete(lost);
      cancel();
    };
  }

  /** Ends every watch with a resync, after dropping the history they would need. */
  lose(): void {
    this.deaf = false;
    this.inner.compact(this.inner.revision + 1);
    const all = [...this.resyncs];
    this.resyncs.clear();
    for (const l of all) l();
  }
}

describe('StateCache over a late watch', () => {
  it('reads its own writes as soon as commit resolves', async () => {
    const cache = new StateCache(new LateWatchStore(new SqliteStore(fresh())));
    const things = cache.table<{ n: number }>({ prefix: 'things/', indexes: { parity: (t) => String(t.n % 2) } });
    await cache.start();
    for (let n = 0; n < 20; n++) {
      const cur = things.get('a');
      await cache.commit(new Txn().put(things, 'a', { n }, cur?.modRevision ?? 0));
      expect(things.get('a')?.value.n).toBe(n);
      expect([...things.byIndex('parity', String(n % 2))].map((r) => r.id)).toEqual(['a']);
    }
    await cache.commit(new Txn().delete(things, 'a'));
    expect(things.get('a')).toBeUndefined();
    cache.stop();
  });

  it('applies its own puts when the store acknowledges them, and the watch\'s older events for those keys never undo them', async () => {
    const inner = new SqliteStore(fresh());
    const cache = new StateCache(new LateWatchStore(inner));
    const things = cache.table<string>({ prefix: 't/' });
    await cache.start();
    const touched: string[] = [];
    cache.onChange((keys) => touched.push(...keys));
    await cache.commit(new Txn().put(things, 'd', 'first'));
    // Another writer changes 'a' and deletes 'd'; this process then writes both before its watch has brought either.
    await inner.txn([], [{ type: 'put', key: 't/a', value: '"theirs"' }]);
    await inner.txn([], [{ type: 'delete', key: 't/d' }]);
    const mine = await cache.commit(new Txn().put(things, 'a', 'mine').put(things, 'd', 'again'));
    expect(cache.revision).toBeLessThan(mine);
    expect(things.get('a')).toEqual({ id: 'a', value: 'mine', modRevision: mine });
    expect(things.get('d')?.value).toBe('again');
    expect(touched).toContain('t/a');
    await cache.waitFor(mine);
    expect(things.get('a')?.value).toBe('mine');
    expect(things.get('d')?.value).toBe('again');
    // Later changes by others are applied as usual.
    const later = (await inner.txn([], [{ type: 'put', key: 't/a', value: '"later"' }, { type: 'delete', key: 't/d' }])).revision;
    await cache.waitFor(later);
    expect(things.get('a')?.value).toBe('later');
    expect(things.get('d')).toBeUndefined();
    cache.stop();
  });

  it('applies another writer\'s changes in revision order, after they happen', async () => {
    const inner = new SqliteStore(fresh());
    const cache = new StateCache(new LateWatchStore(inner));
    const log = cache.table<number>({ prefix: 'log/' });
    await cache.start();
    const order: number[] = [];
    cache.onChange((keys) => {
      for (const k of keys) order.push(log.get(k.slice(4))?.value ?? -1);
    });
    let last = 0;
    for (let i = 0; i < 30; i++) last = (await inner.txn([], [{ type: 'put', key: `log/${i % 4}`, value: String(i) }])).revision;
    await cache.waitFor(last);
    expect(cache.revision).toBe(last);
    expect(log.get('1')?.value).toBe(29);
    // Each change was applied when its key still held that revision's value (applied batch by batch, in order).
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
    cache.stop();
  });

  it('re-lists when the watch loses its history, and follows again from there', async () => {
    const late = new LateWatchStore(new SqliteStore(fresh()));
    const cache = new StateCache(late);
    const things = cache.table<string>({ prefix: 't/' });
    await cache.start();
    await cache.commit(new Txn().put(things, 'keep', 'v1').put(things, 'gone', 'x'));
    // Changes the cache never hears of, then its watch is lost.
    late.deaf = true;
    const rev = (await late.inner.txn([], [{ type: 'delete', key: 't/gone' }, { type: 'put', key: 't/keep', value: '"v2"' }, { type: 'put', key: 't/new', value: '"n"' }])).revision;
    const touched: string[] = [];
    cache.onChange((keys) => touched.push(...keys));
    late.lose();
    await cache.waitFor(rev);
    expect([...things.values()].map((r) => [r.id, r.value]).sort()).toEqual([['keep', 'v2'], ['new', 'n']]);
    expect(touched.sort()).toEqual(['t/gone', 't/keep', 't/new']);
    // Following again: a write through the cache is read back at once.
    await cache.commit(new Txn().put(things, 'after', 'a'));
    expect(things.get('after')?.value).toBe('a');
    cache.stop();
  });
});
