import { describe, expect, it } from 'vitest';
import { compileStrategies, defaultStrategy, StrategyError } from './strategies.js';

describe('compileStrategies', () => {
  it('compiles ECS documented strategies', () => {
    expect(compileStrategies([{ type: 'binpack', field: 'memory' }], 'standalone')).toEqual([
      { kind: 'binpack', field: 'memory' },
    ]);
    expect(compileStrategies([{ type: 'spread', field: 'host' }], 'standalone')).toEqual([{ kind: 'spreadInstance' }]);
    expect(
      compileStrategies(
        [
          { type: 'spread', field: 'attribute:ecs.availability-zone' },
          { type: 'spread', field: 'instanceId' },
        ],
        'standalone',
      ),
    ).toEqual([{ kind: 'spreadAttribute', attribute: 'ecs.availability-zone' }, { kind: 'spreadInstance' }]);
  });

  it('fills in ECS defaults: random for RunTask, AZ then instance spread for services', () => {
    expect(compileStrategies(undefined, 'standalone')).toEqual([{ kind: 'random' }]);
    expect(compileStrategies([], 'service')).toEqual([
      { kind: 'spreadAttribute', attribute: 'ecs.availability-zone' },
      { kind: 'spreadInstance' },
    ]);
    expect(defaultStrategy('standalone')).toEqual([{ type: 'random' }]);
  });

  it('drops what follows random: it leaves no ties', () => {
    expect(compileStrategies([{ type: 'random' }, { type: 'binpack', field: 'cpu' }], 'standalone')).toEqual([
      { kind: 'random' },
    ]);
  });

  it.each([
    [[{ type: 'binpack' }], /binpack needs field cpu or memory, got none/],
    [[{ type: 'binpack', field: 'disk' }], /got "disk"/],
    [[{ type: 'spread', field: 'zone' }], /spread needs field instanceId, host or attribute:NAME/],
    [[{ type: 'spread', field: 'attribute:' }], /spread needs field/],
    [[{ type: 'scatter' }], /unknown placement strategy type "scatter"/],
    [Array.from({ length: 6 }, () => ({ type: 'random' })), /at most 5 placement strategies/],
  ])('rejects %j', (list, message) => {
    expect(() => compileStrategies(list as never, 'standalone')).toThrow(StrategyError);
    expect(() => compileStrategies(list as never, 'standalone')).toThrow(message);
  });
});
