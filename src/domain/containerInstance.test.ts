import { describe, expect, it } from 'vitest';
import { registerInstance } from './containerInstance.js';

const meta = { ctx: { region: 'us-east-1', accountId: '000000000000' }, cluster: 'default', id: 'abc', now: new Date(0) };
const custom = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `team${i}`, value: 'x' }));
const capabilities = Array.from({ length: 60 }, (_, i) => ({ name: `ecs.capability.thing-${i}` }));

describe('registering a container instance', () => {
  it('takes up to 10 custom attributes beside the built-in ones and Wharf\'s own', () => {
    const ci = registerInstance({ attributes: [...custom(10), ...capabilities, { name: 'wharf.publish-address', value: '127.0.0.1' }] }, meta);
    expect(ci.attributes!.filter((a) => a.name!.startsWith('team'))).toHaveLength(10);
  });

  it('refuses an 11th custom attribute, and thousands, as ECS does', () => {
    for (const n of [11, 10_000]) {
      expect(() => registerInstance({ attributes: custom(n) }, meta)).toThrow(expect.objectContaining({ code: 'AttributeLimitExceededException' }));
    }
    // Kept custom attributes of an earlier registration count too.
    const first = registerInstance({ attributes: custom(10) }, meta);
    expect(() => registerInstance({ attributes: [{ name: 'one-more', value: 'y' }] }, { ...meta, previous: first })).toThrow(/up to 10 custom attributes/);
  });

  it('refuses unbounded built-in names and invalid names or values', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ name: `ecs.capability.x${i}` }));
    expect(() => registerInstance({ attributes: many }, meta)).toThrow(expect.objectContaining({ code: 'InvalidParameterException' }));
    expect(() => registerInstance({ attributes: [{ name: 'a'.repeat(129), value: 'v' }] }, meta)).toThrow(/name/);
    expect(() => registerInstance({ attributes: [{ name: 'ok', value: 'v'.repeat(129) }] }, meta)).toThrow(/value/);
  });
});
