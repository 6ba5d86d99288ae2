import { describe, expect, it } from 'vitest';
import { normalizeOverrides, overriddenContainer } from './overrides.js';

describe('overrides', () => {
  it('echo every container, with an empty override when none was given', () => {
    expect(normalizeOverrides({ containerOverrides: [{ name: 'b', command: ['x'] }] }, ['a', 'b'])).toEqual({
      containerOverrides: [{ name: 'a' }, { name: 'b', command: ['x'] }],
      inferenceAcceleratorOverrides: [],
    });
  });

  it('leave a definition as it is for an empty override, and apply command, environment, cpu and memory', () => {
    const def = { name: 'a', command: ['sleep', '1'], environment: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], cpu: 10, memory: 64 };
    expect(overriddenContainer(def, { name: 'a' })).toBe(def);
    expect(overriddenContainer(def, undefined)).toBe(def);
    expect(overriddenContainer(def, { name: 'a', command: ['true'], environment: [{ name: 'B', value: '3' }], memory: 128 })).toMatchObject({
      command: ['true'],
      environment: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }],
      cpu: 10,
      memory: 128,
    });
  });
});
