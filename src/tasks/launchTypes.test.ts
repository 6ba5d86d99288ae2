import { describe, expect, it } from 'vitest';
import { launchPlan } from './launchTypes.js';

describe('launchPlan', () => {
  it('puts the base first, then shares the rest by weight', () => {
    const plan = launchPlan(5, undefined, [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }]);
    expect(plan[0]!.capacityProviderName).toBe('FARGATE');
    const rest = plan.slice(1).map((p) => p.capacityProviderName);
    expect(rest.filter((n) => n === 'FARGATE')).toHaveLength(1);
    expect(rest.filter((n) => n === 'FARGATE_SPOT')).toHaveLength(3);
  });

  it('gives every task to a lone provider, even one of weight 0', () => {
    expect(launchPlan(3, undefined, [{ capacityProvider: 'FARGATE_SPOT' }]).map((p) => p.capacityProviderName)).toEqual(['FARGATE_SPOT', 'FARGATE_SPOT', 'FARGATE_SPOT']);
  });

  it('refuses several providers that all weigh 0, as ECS does', () => {
    expect(() => launchPlan(2, undefined, [{ capacityProvider: 'FARGATE', base: 1 }, { capacityProvider: 'FARGATE_SPOT' }]))
      .toThrow('At least one capacity provider in a capacity provider strategy must have a weight greater than 0.');
  });

  it('refuses a launch type and a strategy together', () => {
    expect(() => launchPlan(1, 'FARGATE', [{ capacityProvider: 'FARGATE', weight: 1 }])).toThrow('Specifying both a launch type and capacity provider strategy is not supported.');
  });
});
