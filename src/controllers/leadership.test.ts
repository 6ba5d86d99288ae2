// Leadership on a real etcd (and on SQLite): one leader at a time; a clean stop hands over at once; a leader that
// dies (its store closed without revoking, as after kill -9) is replaced once its lease expires; a leader cut off
// from etcd steps down before its lease can have expired elsewhere.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { EtcdStore } from '../store/etcd.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { ConflictError, StateCache, Txn } from '../store/cache.js';
import { fencedCache, LEADER_KEY, Leadership, ReplicaLease } from './leadership.js';

const logger = pino({ level: 'silent' });
let etcd: EtcdCluster;
let n = 0;
beforeAll(async () => {
  etcd = await startEtcd(1);
}, 30_000);
afterAll(async () => {
  await etcd?.stop();
});

interface Replica {
  store: Store;
  leadership: Leadership;
  lease: ReplicaLease;
  /** Leading now, as the controllers see it (onLead/onFollow). */
  running: () => boolean;
}

async function replica(store: Store, id: string, ttl = 2, checkMs = 200): Promise<Replica> {
  const lease = new ReplicaLease(store, ttl, logger);
  await lease.start();
  let running = false;
  const leadership = new Leadership({ store, lease, replica: id, url: () => `http://${id}`, logger, onLead: () => (running = true), onFollow: () => (running = false), checkMs });
  await leadership.start();
  return { store, leadership, lease, running: () => running };
}

describe('Leadership on etcd', () => {
  it('has one leader, which every replica names; a clean stop hands over at once', async () => {
    const ns = `lead${++n}/`;
    const open = () => new EtcdStore({ endpoints: etcd.endpoints, namespace: ns });
    const rs = [await replica(open(), 'a'), await replica(open(), 'b'), await replica(open(), 'c')];
    await expect.poll(() => rs.filter((r) => r.running()).length).toBe(1);
    const first = rs.find((r) => r.running())!;
    expect(first.leadership.isLeader).toBe(true);
    // Every follower names it.
    await expect.poll(() => rs.every((r) => r.leadership.leader?.replica === first.leadership.leader?.replica)).toBe(true);

    // A clean stop: the key is given up, a follower leads well before the lease (2 s) would have run out.
    const t0 = Date.now();
    await first.leadership.stop();
    await first.lease.release();
    await first.store.close();
    expect(first.running()).toBe(false);
    const rest = rs.filter((r) => r !== first);
    await expect.poll(() => rest.filter((r) => r.running()).length, { timeout: 5000, interval: 50 }).toBe(1);
    expect(Date.now() - t0).toBeLessThan(1500);

    for (const r of rest) await r.leadership.stop();
    await Promise.all(rest.map((r) => r.store.close()));
  }, 30_000);

  it('replaces a leader that died without a word after its lease expires, never before', async () => {
    const ns = `lead${++n}/`;
    const open = () => new EtcdStore({ endpoints: etcd.endpoints, namespace: ns });
    const a = await replica(open(), 'a', 3);
    await expect.poll(() => a.running()).toBe(true);
    const b = await replica(open(), 'b', 3);
    // Kill -9 of a: its store goes away without revoking the lease or deleting the key.
    await a.store.close();
    const killedAt = Date.now();
    await expect.poll(() => b.running(), { timeout: 10_000, interval: 50 }).toBe(true);
    const took = Date.now() - killedAt;
    // Not before the lease could have expired (its last renewal was at most a third of 3 s before), within it plus checks.
    expect(took).toBeGreaterThan(1500);
    expect(took).toBeLessThan(6000);
    await b.leadership.stop();
    await b.store.close();
  }, 30_000);

  it('steps a leader cut off from etcd down before another can lead', async () => {
    const ns = `lead${++n}/`;
    // A leader whose store stops answering: every read fails from now on.
    const real = new EtcdStore({ endpoints: etcd.endpoints, namespace: ns });
    let cut = false;
    const flaky: Store = new Proxy(real, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => (cut && prop !== 'close' ? Promise.reject(new Error('unreachable')) : (v as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    const a = await replica(flaky, 'a', 4);
    await expect.poll(() => a.running()).toBe(true);
    const b = await replica(new EtcdStore({ endpoints: etcd.endpoints, namespace: ns }), 'b', 4);
    cut = true;
    const cutAt = Date.now();
    // a steps down after half its lease time without a confirmed read...
    await expect.poll(() => a.running(), { timeout: 10_000, interval: 50 }).toBe(false);
    const steppedDown = Date.now();
    expect(steppedDown - cutAt).toBeLessThan(4000);
    // ...while its lease (still renewed by the client underneath) keeps b from leading: never both.
    expect(b.running()).toBe(false);
    await a.leadership.stop();
    await real.close();
    // Once a's lease has expired, b leads.
    await expect.poll(() => b.running(), { timeout: 15_000, interval: 100 }).toBe(true);
    await b.leadership.stop();
    await b.store.close();
  }, 40_000);
});

describe('Leadership fencing', () => {
  it('refuses the writes of a deposed leader that still believes it leads; the new leader\'s go through', async () => {
    const ns = `lead${++n}/`;
    const open = () => new EtcdStore({ endpoints: etcd.endpoints, namespace: ns });
    // a checks only once a minute: it will not notice being deposed during the test.
    const a = await replica(open(), 'a', 10, 60_000);
    expect(a.running()).toBe(true);
    const b = await replica(open(), 'b', 10);
    const cacheA = new StateCache(a.store);
    const cacheB = new StateCache(b.store);
    const table = (c: StateCache) => c.table<{ by: string }>({ prefix: 'work/' });
    const [ta, tb] = [table(cacheA), table(cacheB)];
    await Promise.all([cacheA.start(), cacheB.start()]);
    const leaderA = fencedCache(cacheA, () => a.leadership.fence());
    const leaderB = fencedCache(cacheB, () => b.leadership.fence());
    await leaderA.commit(new Txn().put(ta, 'x', { by: 'a' }));

    // a is deposed behind its back (its key gone, as when its lease expired during a pause); b takes over.
    const admin = open();
    await admin.txn([], [{ type: 'delete', key: LEADER_KEY }]);
    await expect.poll(() => b.running(), { timeout: 5000 }).toBe(true);
    expect(a.leadership.isLeader).toBe(true);

    await expect(leaderA.commit(new Txn().put(ta, 'x', { by: 'a, deposed' }))).rejects.toBeInstanceOf(ConflictError);
    await expect(leaderA.update(() => ({ txn: new Txn().put(ta, 'y', { by: 'a, deposed' }), result: null }), 2)).rejects.toBeInstanceOf(ConflictError);
    await leaderB.commit(new Txn().put(tb, 'x', { by: 'b' }));
    expect((await admin.get('work/x'))?.value).toContain('"b"');
    expect(await admin.get('work/y')).toBeUndefined();
    // Reads through the fenced cache are the cache's.
    await cacheA.waitFor((await admin.range('work/')).revision, 5000);
    expect(leaderA.revision).toBe(cacheA.revision);
    cacheA.stop();
    cacheB.stop();
    await a.leadership.stop();
    await b.leadership.stop();
    await Promise.all([a.store.close(), b.store.close(), admin.close()]);
  }, 30_000);
});

describe('Leadership on SQLite', () => {
  it('leads from the first check, also after a process that died leading', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wharf-lead-')), 'state.db');
    const store = new SqliteStore(path);
    const r = await replica(store, 'first');
    expect(r.running()).toBe(true);
    // Gone without stepping down (as kill -9): the key stays in the file, under a lease that ended with the process.
    await store.close();
    const again = new SqliteStore(path);
    const next = await replica(again, 'second');
    expect(next.running()).toBe(true);
    expect(next.leadership.leader?.replica).toBe('second');
    await next.leadership.stop();
    await again.close();
  });
});
