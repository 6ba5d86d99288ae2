// The etcd backend on a real etcd: the Store contract on one member, then the cache on two replicas of a three-member
// cluster, through the loss of a member and a compaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { StateCache, Txn } from './cache.js';
import { storeContract } from './contract.js';
import { EtcdStore } from './etcd.js';

let single: EtcdCluster;
let n = 0;
beforeAll(async () => {
  single = await startEtcd(1);
}, 30_000);
afterAll(async () => {
  await single?.stop();
});

// Each test gets its own namespace on the one member, so no test sees another's keys.
const openStore = async (namespace = `t${++n}/`) => new EtcdStore({ endpoints: single.endpoints, namespace });

storeContract('etcd', {
  open: () => openStore(),
  compact: (s, revision) => (s as EtcdStore).compact(revision),
  replica: (s) => openStore((s as EtcdStore).namespace),
  reopen: async (s) => {
    await s.close();
    return openStore((s as EtcdStore).namespace);
  },
});

describe('EtcdStore', () => {
  it('writes a key twice in one transaction as its last write', async () => {
    const s = await openStore();
    const r = await s.txn([], [
      { type: 'put', key: 'k', value: '1' },
      { type: 'put', key: 'k', value: '2' },
      { type: 'put', key: 'gone', value: 'x' },
      { type: 'delete', key: 'gone' },
    ]);
    expect(r).toMatchObject({ succeeded: true, changed: true });
    expect((await s.get('k'))?.value).toBe('2');
    expect(await s.get('gone')).toBeUndefined();
    await s.close();
  });

  it('keeps keys inside its namespace', async () => {
    const a = await openStore('ns-a/');
    const b = await openStore('ns-b/');
    await a.txn([], [{ type: 'put', key: 'x', value: 'a' }]);
    expect(await b.get('x')).toBeUndefined();
    expect((await b.range('')).kvs).toEqual([]);
    expect((await a.range('')).kvs.map((k) => k.key)).toEqual(['x']);
    await a.close();
    await b.close();
  });
});

describe('StateCache on etcd, two replicas of a three-member cluster', () => {
  let three: EtcdCluster;
  beforeAll(async () => {
    three = await startEtcd(3);
  }, 60_000);
  afterAll(async () => {
    await three?.stop();
  });

  const replica = () => {
    const cache = new StateCache(new EtcdStore({ endpoints: three.endpoints, namespace: 'wharf/' }));
    const counters = cache.table<number>({ prefix: 'n/' });
    return { cache, counters };
  };
  const increment = (r: ReturnType<typeof replica>, id: string) =>
    r.cache.update(() => {
      const cur = r.counters.get(id);
      return { txn: new Txn().put(r.counters, id, (cur?.value ?? 0) + 1, cur?.modRevision ?? 0), result: null };
    });

  it('reads its own writes at once, sees the other replica\'s by the watch, and never loses an increment', async () => {
    const a = replica();
    const b = replica();
    await a.cache.start();
    await b.cache.start();
    for (let i = 0; i < 5; i++) {
      await increment(a, 'solo');
      expect(a.counters.get('solo')?.value).toBe(i + 1);
    }
    await expect.poll(() => b.counters.get('solo')?.value).toBe(5);
    // Both replicas increment one counter at once (fewer writers than update()'s 20 tries: each round has one
    // winner): guards on mod revisions make every increment count.
    await Promise.all([...Array.from({ length: 8 }, () => increment(a, 'c')), ...Array.from({ length: 8 }, () => increment(b, 'c'))]);
    await expect.poll(() => [a.counters.get('c')?.value, b.counters.get('c')?.value]).toEqual([16, 16]);
    a.cache.stop();
    b.cache.stop();
    await a.cache.store.close();
    await b.cache.store.close();
  });

  it('goes on when a member dies, and a replica that slept through a compaction re-lists', async () => {
    const a = replica();
    await a.cache.start();
    await increment(a, 'doomed');
    // b talks to member 0 only.
    const m0 = three.members[0]!;
    const bStore = new EtcdStore({ endpoints: [m0.clientUrl], namespace: 'wharf/' });
    let resyncs = 0;
    const watch = bStore.watch.bind(bStore);
    bStore.watch = (prefix, from, listener, onResync) => watch(prefix, from, listener, () => (resyncs++, onResync()));
    const b = new StateCache(bStore);
    const counters = b.table<number>({ prefix: 'n/' });
    await b.start();
    expect(counters.get('doomed')?.value).toBeGreaterThan(0);

    await three.kill(m0);
    // a goes on with the two live members: writes, reads its writes, deletes; then etcd's history is compacted.
    for (let i = 0; i < 3; i++) await increment(a, 'while-away');
    expect(a.counters.get('while-away')?.value).toBe(3);
    await a.cache.commit(new Txn().delete(a.counters, 'doomed'));
    expect(a.counters.get('doomed')).toBeUndefined();
    const store = a.cache.store as EtcdStore;
    await store.compact(await store.currentRevision());

    // Member 0 comes back; b's watch resumes from before the compaction, is told so, and b re-lists.
    await three.restart(m0);
    await expect.poll(() => counters.get('while-away')?.value, { timeout: 30_000 }).toBe(3);
    expect(counters.get('doomed')).toBeUndefined();
    expect(resyncs).toBe(1);
    expect(b.revision).toBeGreaterThanOrEqual(a.cache.revision);
    // And follows again: a's next write reaches b through the watch.
    await increment(a, 'after');
    await expect.poll(() => counters.get('after')?.value, { timeout: 10_000 }).toBe(1);

    // Member 0 dies again; with no compaction this time, b's watch resumes where it left off: no re-list.
    await three.kill(m0);
    for (let i = 0; i < 3; i++) await increment(a, 'second-absence');
    await three.restart(m0);
    await expect.poll(() => counters.get('second-absence')?.value, { timeout: 30_000 }).toBe(3);
    expect(resyncs).toBe(1);
    b.stop();
    a.cache.stop();
    await a.cache.store.close();
    await bStore.close();
  }, 90_000);
});
