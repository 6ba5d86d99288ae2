// The contract every Store backend must pass; each backend's test file runs it against fresh instances. The
// properties StateCache relies on are written here first: read-your-writes, a failed guard changes nothing, watch
// batches in revision order, a watch from a past revision replays what happened since, and a watch that lost its
// history says so (re-list) instead of skipping changes.
import { describe, expect, it } from 'vitest';
import type { Store, WatchEvent } from './types.js';

export interface ContractBackend {
  /** A fresh store that shares no keys with any other test's. */
  open(): Promise<Store>;
  /**
   * Compacts the store's change history at `revision`, as etcd does: a watch may still start from `revision - 1`
   * (it is handed `revision`'s own changes), not from before.
   */
  compact(store: Store, revision: number): Promise<void>;
  /**
   * Closes `store` without revoking its leases, as a crash would, and opens another store on the same state (SQLite:
   * the next process on the file; etcd: another replica, which sees the leases expire).
   */
  reopen(store: Store): Promise<Store>;
  /**
   * A second replica over the same state as `store`, whose writes reach `store`'s watches; undefined for a backend
   * that has no such thing (embedded SQLite: one process owns the file).
   */
  replica?: (store: Store) => Promise<Store>;
}

/** A watch that records what it is handed. */
function follow(s: Store, prefix: string, from: number) {
  const w = {
    batches: [] as { events: WatchEvent[]; revision: number }[],
    resyncs: 0,
    events: () => w.batches.flatMap((b) => b.events),
    cancel: () => {},
  };
  w.cancel = s.watch(prefix, from, (events, revision) => void w.batches.push({ events, revision }), () => void w.resyncs++);
  return w;
}

export function storeContract(name: string, backend: ContractBackend): void {
  const { open } = backend;
  describe(`Store contract: ${name}`, () => {
    it('puts, gets and versions a key', async () => {
      const s = await open();
      const r1 = await s.txn([], [{ type: 'put', key: 'a/1', value: 'x' }]);
      const r2 = await s.txn([], [{ type: 'put', key: 'a/1', value: 'y' }]);
      expect(r1).toMatchObject({ succeeded: true, changed: true });
      expect(r2.revision).toBe(r1.revision + 1);
      const kv = await s.get('a/1');
      expect(kv).toMatchObject({ value: 'y', createRevision: r1.revision, modRevision: r2.revision, version: 2 });
      await s.close();
    });

    it('ranges by prefix in key order', async () => {
      const s = await open();
      await s.txn([], [
        { type: 'put', key: 'b/2', value: '2' },
        { type: 'put', key: 'b/1', value: '1' },
        { type: 'put', key: 'bb/1', value: 'no' },
        { type: 'put', key: 'c/1', value: 'no' },
      ]);
      const { kvs } = await s.range('b/');
      expect(kvs.map((k) => k.key)).toEqual(['b/1', 'b/2']);
      expect((await s.range('')).kvs.map((k) => k.key)).toEqual(['b/1', 'b/2', 'bb/1', 'c/1']);
      await s.close();
    });

    it('sees its own writes as soon as they are acknowledged', async () => {
      const s = await open();
      for (let i = 0; i < 20; i++) {
        const r = await s.txn([], [{ type: 'put', key: `ryw/${i}`, value: String(i) }, { type: 'delete', key: `ryw/${i - 1}` }]);
        expect((await s.get(`ryw/${i}`))?.modRevision).toBe(r.revision);
        expect(await s.get(`ryw/${i - 1}`)).toBeUndefined();
        const { kvs, revision } = await s.range('ryw/');
        expect(kvs.map((k) => k.value)).toEqual([String(i)]);
        expect(revision).toBeGreaterThanOrEqual(r.revision);
      }
      await s.close();
    });

    it('applies nothing when a compare fails', async () => {
      const s = await open();
      const r = await s.txn([{ key: 'k', modRevision: 0 }], [{ type: 'put', key: 'k', value: '1' }]);
      expect(r.succeeded).toBe(true);
      const w = follow(s, '', r.revision);
      const again = await s.txn([{ key: 'k', modRevision: 0 }], [
        { type: 'put', key: 'k', value: '2' },
        { type: 'put', key: 'other', value: '2' },
      ]);
      expect(again).toMatchObject({ succeeded: false, changed: false });
      expect((await s.get('k'))?.value).toBe('1');
      expect((await s.get('k'))?.modRevision).toBe(r.revision);
      expect(await s.get('other')).toBeUndefined();
      // A stale guard on one key of several fails the whole transaction too.
      const stale = await s.txn([{ key: 'k', modRevision: r.revision }, { key: 'other', modRevision: r.revision }], [{ type: 'delete', key: 'k' }]);
      expect(stale.succeeded).toBe(false);
      expect((await s.get('k'))?.value).toBe('1');
      const guarded = await s.txn([{ key: 'k', modRevision: r.revision }, { key: 'other', modRevision: 0 }], [{ type: 'delete', key: 'k' }]);
      expect(guarded).toMatchObject({ succeeded: true, changed: true, revision: r.revision + 1 });
      expect(await s.get('k')).toBeUndefined();
      // The watch saw the delete and nothing of the failed attempts.
      await expect.poll(() => w.events().length).toBe(1);
      expect(w.events().map((e) => [e.type, e.key])).toEqual([['delete', 'k']]);
      w.cancel();
      await s.close();
    });

    it('changes nothing, not even the revision, for a delete of a missing key', async () => {
      const s = await open();
      const r = await s.txn([], [{ type: 'put', key: 'here', value: '1' }]);
      const none = await s.txn([], [{ type: 'delete', key: 'not-here' }]);
      expect(none).toMatchObject({ succeeded: true, changed: false });
      expect(none.revision).toBeGreaterThanOrEqual(r.revision);
      const next = await s.txn([], [{ type: 'put', key: 'here', value: '2' }]);
      expect(next.revision).toBe(r.revision + 1);
      await s.close();
    });

    it('lets exactly one of many racing creators win', async () => {
      const s = await open();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.txn([{ key: 'race', modRevision: 0 }], [{ type: 'put', key: 'race', value: String(i) }])),
      );
      expect(results.filter((r) => r.succeeded)).toHaveLength(1);
      await s.close();
    });

    it('watches changes under a prefix in revision order', async () => {
      const s = await open();
      const { revision } = await s.range('');
      const w = follow(s, 'w/', revision);
      await s.txn([], [{ type: 'put', key: 'w/1', value: 'a' }, { type: 'put', key: 'x/1', value: 'no' }]);
      await s.txn([], [{ type: 'delete', key: 'w/1' }]);
      const writes = [];
      for (let i = 0; i < 30; i++) writes.push(s.txn([], [{ type: 'put', key: `w/n${i % 3}`, value: String(i) }]));
      const last = (await Promise.all(writes)).reduce((m, r) => Math.max(m, r.revision), 0);
      await expect.poll(() => w.batches.at(-1)?.revision ?? 0).toBe(last);
      const seen = w.events();
      expect(seen.slice(0, 2).map((e) => [e.type, e.key])).toEqual([['put', 'w/1'], ['delete', 'w/1']]);
      expect(seen[1]?.prev?.value).toBe('a');
      expect(seen).toHaveLength(32);
      // Puts carry their revision: strictly increasing here (one key per transaction), never beyond their batch's.
      const putRevs = seen.filter((e) => e.kv).map((e) => e.kv!.modRevision);
      expect(putRevs).toEqual([...putRevs].sort((a, b) => a - b));
      expect(new Set(putRevs).size).toBe(putRevs.length);
      let before = revision;
      for (const b of w.batches) {
        expect(b.revision).toBeGreaterThan(before);
        for (const e of b.events) if (e.kv) expect(e.kv.modRevision).toBeLessThanOrEqual(b.revision);
        before = b.revision;
      }
      expect(w.resyncs).toBe(0);
      w.cancel();
      await s.close();
    });

    it('replays, to a watch from a past revision, what happened since and nothing before', async () => {
      const s = await open();
      const r1 = await s.txn([], [{ type: 'put', key: 'p/1', value: 'one' }]);
      const r2 = await s.txn([], [{ type: 'put', key: 'p/2', value: 'two' }]);
      await s.txn([], [{ type: 'put', key: 'p/1', value: 'uno' }, { type: 'delete', key: 'p/2' }]);
      const w = follow(s, 'p/', r1.revision);
      await expect.poll(() => w.events().length).toBe(3);
      expect(w.events().map((e) => [e.type, e.key, e.kv?.value])).toEqual([
        ['put', 'p/2', 'two'],
        ['put', 'p/1', 'uno'],
        ['delete', 'p/2', undefined],
      ]);
      expect(w.events()[0]!.kv).toMatchObject({ createRevision: r2.revision, modRevision: r2.revision, version: 1 });
      // ... and goes on live from there.
      const r4 = await s.txn([], [{ type: 'put', key: 'p/3', value: 'three' }]);
      await expect.poll(() => w.batches.at(-1)?.revision).toBe(r4.revision);
      expect(w.resyncs).toBe(0);
      w.cancel();
      await s.close();
    });

    it('tells a watch from a compacted revision to re-list, once, and delivers nothing else', async () => {
      const s = await open();
      const r1 = await s.txn([], [{ type: 'put', key: 'c/1', value: '1' }]);
      const r2 = await s.txn([], [{ type: 'put', key: 'c/1', value: '2' }]);
      const r3 = await s.txn([], [{ type: 'put', key: 'c/1', value: '3' }]);
      await backend.compact(s, r3.revision);
      const w = follow(s, 'c/', r1.revision);
      await expect.poll(() => w.resyncs).toBe(1);
      // A watch from just before the compaction point is whole. Once it has seen a later write, the lost one has had
      // every chance to (wrongly) deliver it too.
      const whole = follow(s, 'c/', r2.revision);
      await s.txn([], [{ type: 'put', key: 'c/1', value: '4' }]);
      await expect.poll(() => whole.events().map((e) => e.kv?.value)).toEqual(['3', '4']);
      expect(whole.resyncs).toBe(0);
      expect(w.resyncs).toBe(1);
      expect(w.batches).toEqual([]);
      w.cancel();
      whole.cancel();
      await s.close();
    });

    it('deletes the keys under a lease when it is revoked, except those put again without it', async () => {
      const s = await open();
      const lease = await s.grantLease(5);
      let lost = 0;
      lease.onLost(() => lost++);
      await s.txn([], [
        { type: 'put', key: 'l/a', value: 'a', lease: lease.id },
        { type: 'put', key: 'l/b', value: 'b', lease: lease.id },
        { type: 'put', key: 'l/c', value: 'c' },
      ]);
      await s.txn([], [{ type: 'put', key: 'l/b', value: 'b2' }]);
      const { revision } = await s.range('');
      const w = follow(s, 'l/', revision);
      await lease.revoke();
      expect((await s.range('l/')).kvs.map((k) => k.key)).toEqual(['l/b', 'l/c']);
      await expect.poll(() => w.events().map((e) => [e.type, e.key])).toEqual([['delete', 'l/a']]);
      expect(lost).toBe(0);
      await expect(s.txn([], [{ type: 'put', key: 'l/d', value: 'd', lease: lease.id }])).rejects.toThrow(/lease/);
      expect(await s.get('l/d')).toBeUndefined();
      w.cancel();
      await s.close();
    });

    it('deletes the keys under a lease whose holder died, and only those', async () => {
      const s = await open();
      const lease = await s.grantLease(2);
      // The leader pattern: create the key under the lease only if nobody holds it.
      const won = await s.txn([{ key: 'leader', modRevision: 0 }], [{ type: 'put', key: 'leader', value: 'me', lease: lease.id }]);
      expect(won.succeeded).toBe(true);
      await s.txn([], [{ type: 'put', key: 'plain', value: 'stays' }]);
      const next = await backend.reopen(s);
      await expect.poll(async () => (await next.get('leader'))?.value, { timeout: 15_000 }).toBeUndefined();
      expect((await next.get('plain'))?.value).toBe('stays');
      const mine = await next.grantLease(2);
      expect((await next.txn([{ key: 'leader', modRevision: 0 }], [{ type: 'put', key: 'leader', value: 'next', lease: mine.id }])).succeeded).toBe(true);
      await mine.revoke();
      await next.close();
    }, 30_000);

    it.skipIf(!backend.replica)('shows one replica\'s writes to another: reads at once, watches in revision order', async () => {
      const a = await open();
      const b = await backend.replica!(a);
      const { revision } = await b.range('');
      const w = follow(b, 'r/', revision);
      let last = 0;
      for (let i = 0; i < 10; i++) {
        const r = await a.txn([], [{ type: 'put', key: `r/${i % 2}`, value: String(i) }]);
        expect((await b.get(`r/${i % 2}`))?.value).toBe(String(i));
        last = r.revision;
      }
      const bw = await b.txn([{ key: 'r/0', modRevision: last - 1 }], [{ type: 'put', key: 'r/0', value: 'from b' }]);
      expect(bw.succeeded).toBe(true);
      expect((await a.get('r/0'))?.value).toBe('from b');
      await expect.poll(() => w.events().length).toBe(11);
      expect(w.events().map((e) => e.kv!.value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'from b']);
      w.cancel();
      await b.close();
      await a.close();
    });
  });
}
