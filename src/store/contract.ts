// The contract every Store backend must pass; each backend's test file runs it against a fresh instance.
import { describe, expect, it } from 'vitest';
import type { Store, WatchEvent } from './types.js';

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    it('puts, gets and versions a key', async () => {
      const s = await open();
      const r1 = await s.txn([], [{ type: 'put', key: 'a/1', value: 'x' }]);
      const r2 = await s.txn([], [{ type: 'put', key: 'a/1', value: 'y' }]);
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
      await s.close();
    });

    it('applies nothing when a compare fails', async () => {
      const s = await open();
      const r = await s.txn([{ key: 'k', modRevision: 0 }], [{ type: 'put', key: 'k', value: '1' }]);
      expect(r.succeeded).toBe(true);
      const again = await s.txn([{ key: 'k', modRevision: 0 }], [
        { type: 'put', key: 'k', value: '2' },
        { type: 'put', key: 'other', value: '2' },
      ]);
      expect(again.succeeded).toBe(false);
      expect((await s.get('k'))?.value).toBe('1');
      expect(await s.get('other')).toBeUndefined();
      const guarded = await s.txn([{ key: 'k', modRevision: r.revision }], [{ type: 'delete', key: 'k' }]);
      expect(guarded.succeeded).toBe(true);
      expect(await s.get('k')).toBeUndefined();
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
      const seen: WatchEvent[] = [];
      const cancel = s.watch('w/', revision, (events) => seen.push(...events));
      await s.txn([], [{ type: 'put', key: 'w/1', value: 'a' }, { type: 'put', key: 'x/1', value: 'no' }]);
      await s.txn([], [{ type: 'delete', key: 'w/1' }]);
      await expect.poll(() => seen.length).toBe(2);
      expect(seen.map((e) => [e.type, e.key])).toEqual([['put', 'w/1'], ['delete', 'w/1']]);
      expect(seen[1]?.prev?.value).toBe('a');
      cancel();
      await s.close();
    });
  });
}
