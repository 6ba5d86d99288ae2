import { describe, expect, it } from 'vitest';
import { Sealer } from '../sealing/index.js';
import { OpenedValues } from './opened.js';

describe('opened values', () => {
  it('open each sealed value once per context, still refuse another context, and stay bounded', () => {
    const sealer = new Sealer(Buffer.alloc(32, 5));
    let opens = 0;
    const counting = { open: (s: string, c: string) => (opens++, sealer.open(s, c)) } as unknown as Sealer;
    const values = new OpenedValues(counting, 2);
    const a = sealer.seal('alpha', 'row/a');
    expect(values.open(a, 'row/a').toString()).toBe('alpha');
    expect(values.open(a, 'row/a').toString()).toBe('alpha');
    expect(opens).toBe(1);
    expect(() => values.open(a, 'row/b')).toThrow();
    values.open(sealer.seal('b', 'row/b'), 'row/b');
    values.open(sealer.seal('c', 'row/c'), 'row/c');
    values.open(a, 'row/a'); // evicted: opened again
    expect(opens).toBe(5);
  });
});
