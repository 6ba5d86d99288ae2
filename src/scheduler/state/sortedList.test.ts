import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packKey, primaryOf, slotOf } from './keys.js';
import { SortedList } from './sortedList.js';

describe('SortedList', () => {
  it('behaves as a sorted array under any mix of adds and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 2000 }),
        fc.integer({ min: 0, max: 310 }),
        (ops, probe) => {
          const list = new SortedList();
          const model: number[] = [];
          for (const [add, x] of ops) {
            if (add) {
              list.add(x);
              model.push(x);
              model.sort((a, b) => a - b);
            } else {
              const at = model.indexOf(x);
              expect(list.delete(x)).toBe(at >= 0);
              if (at >= 0) model.splice(at, 1);
            }
          }
          expect([...list]).toEqual(model);
          expect(list.size).toBe(model.length);
          const seen: number[] = [];
          for (const c = list.seek(probe); c.valid; c.next()) seen.push(c.value);
          expect(seen).toEqual(model.filter((v) => v >= probe));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('packKey', () => {
  it('orders by primary, then running tasks, then slot, and unpacks', () => {
    expect(packKey(100, 5, 7)).toBeLessThan(packKey(100, 6, 0));
    expect(packKey(100, 1023, 2 ** 21 - 1)).toBeLessThan(packKey(101, 0, 0));
    expect(slotOf(packKey(4_000_000, 3, 123_456))).toBe(123_456);
    expect(primaryOf(packKey(4_000_000, 3, 123_456))).toBe(4_000_000);
    expect(Number.isSafeInteger(packKey(2 ** 22, 2000, 2 ** 21 - 1))).toBe(true);
  });
});
