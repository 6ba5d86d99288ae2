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

  it('encodes byte for byte as the replacer it replaced did, and leaves the value it was given unchanged', () => {
    // The encoding before: a replacer that tags a Date where JSON.stringify has already called its toJSON.
    const before = (value: unknown) =>
      JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
        const raw = this[key];
        return raw instanceof Date ? { $date: raw.getTime() } : v;
      });
    const task = {
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/0f', createdAt: new Date(1_700_000_000_123), stoppedAt: undefined,
      containers: [{ name: 'app', exitCode: null, startedAt: new Date(0), networkBindings: [] }, { name: 'sidecar', ports: [1, 2] }],
      attributes: [{ name: 'ecs.capability', value: 'é "quoted" \u2028' }], overrides: {}, nested: { a: { b: { c: new Date(-5) } } },
      holes: [undefined, () => 1, new Date(3)], invalid: new Date(NaN), f: () => 1, n: NaN, big: 1e21,
      withToJson: { toJSON: () => 'custom', at: new Date(1) },
    };
    const values: unknown[] = [task, [task, task], new Date(42), 'plain', 7, null, true, { no: ['dates', 1, { at: 'x' }] }, [], {}];
    for (const v of values) expect(encodeValue(v)).toBe(before(v));
    const copy = structuredClone({ ...task, f: undefined, holes: undefined, withToJson: undefined });
    encodeValue(copy);
    expect(copy.createdAt).toBeInstanceOf(Date);
    expect(copy.nested.a.b.c).toEqual(new Date(-5));
  });
});
