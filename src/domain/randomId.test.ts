import { describe, expect, it } from 'vitest';
import { randomHexId } from './randomId.js';

describe('randomHexId', () => {
  it('gives 32 hex digits, never the same twice across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = randomHexId();
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(2000);
  });
});
