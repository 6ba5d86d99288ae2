// The store's value encoding: JSON with dates tagged, decoded back to Date objects.
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from './codec.js';

describe('store codec', () => {
  it('brings dates back as dates wherever they are nested, and leaves everything else as it was', () => {
    const value = { at: new Date(5), list: [new Date(7), { deep: new Date(9), s: 'x' }], n: null, mixed: [1, 'two', true], empty: {} };
    const back = decodeValue<typeof value>(encodeValue(value));
    expect(back).toEqual(value);
    expect(back.at).toBeInstanceOf(Date);
    expect((back.list[1] as { deep: Date }).deep).toBeInstanceOf(Date);
    expect(decodeValue('{"a":1,"b":["c"]}')).toEqual({ a: 1, b: ['c'] });
  });
});
