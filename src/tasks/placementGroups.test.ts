import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateCache } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Compare, Op } from '../store/types.js';
import { createTables } from '../state/tables.js';
import { TaskBatch } from './batch.js';
import { PlacementGroups } from './placementGroups.js';

/** Counts the transactions committed, and what each held. */
class CountingStore extends SqliteStore {
  readonly commits: number[] = [];
  override async txn(compares: Compare[], ops: Op[]) {
    if (ops.length) this.commits.push(ops.length);
    return super.txn(compares, ops);
  }
}

let cache: StateCache | undefined;
afterEach(() => cache?.stop());

async function setup(maxOps?: number, maxBytes?: number) {
  const store = new CountingStore(join(mkdtempSync(join(tmpdir(), 'wharf-groups-')), 'state.db'));
  cache = new StateCache(store);
  const tables = createTables(cache);
  await cache.start();
  const groups = new PlacementGroups(cache, () => new TaskBatch(tables, { now: new Date(), stoppedRetentionMs: 1000 }), maxOps, maxBytes);
  // A call that writes `n` client tokens named after it.
  const call = (name: string, n = 1, key?: string) =>
    groups.submit('c', (batch) => {
      for (let i = 0; i < n; i++) batch.txn.put(tables.clientTokens, `${name}-${i}`, { taskArns: [], expiresAt: new Date() });
      return { result: name };
    }, key);
  return { store, tables, groups, call };
}

describe('placement groups', () => {
  it('commits calls that arrive while one is being committed together, each answered with its own result', async () => {
    const { store, tables, call } = await setup();
    const names = Array.from({ length: 8 }, (_, i) => `call${i}`);
    expect(await Promise.all(names.map((n) => call(n)))).toEqual(names);
    // The first goes alone; the seven that waited for it share one transaction.
    expect(store.commits).toEqual([1, 7]);
    expect([...tables.clientTokens.values()].map((r) => r.id).sort()).toEqual(names.map((n) => `${n}-0`).sort());
  });

  it('fails a call whose attempt throws alone, and commits the others without its writes', async () => {
    const { store, tables, groups, call } = await setup();
    const first = call('first');
    const bad = groups.submit('c', (batch) => {
      batch.txn.put(tables.clientTokens, 'half-written', { taskArns: [], expiresAt: new Date() });
      throw new Error('refused');
    });
    const after = call('after');
    await expect(bad).rejects.toThrow('refused');
    expect(await Promise.all([first, after])).toEqual(['first', 'after']);
    expect(tables.clientTokens.get('half-written')).toBeUndefined();
    expect(store.commits).toEqual([1, 1]);
  });

  it('rolls back only the failing call\'s part: the calls before and after it are planned once and committed together', async () => {
    const { store, tables, groups, call } = await setup();
    const first = call('first');
    let plannedBefore = 0;
    let plannedAfter = 0;
    const before = groups.submit('c', (batch) => {
      plannedBefore++;
      batch.txn.put(tables.clientTokens, 'before', { taskArns: [], expiresAt: new Date() });
      return { result: 'before' };
    });
    const bad = groups.submit('c', (batch) => {
      batch.txn.put(tables.clientTokens, 'half-written', { taskArns: [], expiresAt: new Date() });
      batch.txn.delete(tables.clientTokens, 'before');
      throw new Error('refused');
    });
    const after = groups.submit('c', (batch) => {
      plannedAfter++;
      batch.txn.put(tables.clientTokens, 'after', { taskArns: [], expiresAt: new Date() });
      return { result: 'after' };
    });
    await expect(bad).rejects.toThrow('refused');
    expect(await Promise.all([first, before, after])).toEqual(['first', 'before', 'after']);
    expect([plannedBefore, plannedAfter]).toEqual([1, 1]);
    expect(tables.clientTokens.get('half-written')).toBeUndefined();
    expect(tables.clientTokens.get('before')).toBeDefined();
    expect(store.commits).toEqual([1, 2]);
  });

  it('splits a group that would pass the request size limit, every call committed once', async () => {
    const { store, tables, groups } = await setup(undefined, 2500);
    // Each call writes one token of about 1,050 bytes: two fit under 2,500, a third goes to the next group.
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const results = await Promise.all(
      names.map((n) =>
        groups.submit('c', (batch) => {
          batch.txn.put(tables.clientTokens, n, { taskArns: ['x'.repeat(1000)], expiresAt: new Date() });
          return { result: n };
        }),
      ),
    );
    expect(results).toEqual(names);
    expect(store.commits).toEqual([1, 2, 2, 1]);
    expect(names.every((n) => tables.clientTokens.get(n))).toBe(true);
  });

  it('never puts two calls with one key in a group, and stops a group before the operation limit', async () => {
    const { store, call } = await setup(40);
    await Promise.all([call('a'), call('b', 1, 'token'), call('c', 1, 'token'), call('d', 20), call('e', 15), call('f', 5), call('g', 1)]);
    // a alone; then b, d and e (c has b's key; f would take the group past 40 ops, so it and g after it wait); then
    // c, f and g.
    expect(store.commits).toEqual([1, 36, 7]);
  });
});
