// Placement strategies as ECS accepts them, checked and turned into ranks the selector understands, plus ECS's
// defaults when a request names none.
//
// Defaults (ECS documentation):
// - RunTask ("standalone"): random ("allow the default task placement strategy to distribute tasks randomly").
// - Services: balance across Availability Zones, then favour the instances running the fewest tasks of the
//   service; that is spread(attribute:ecs.availability-zone) then spread(instanceId).

import type { PlacementStrategy } from '@aws-sdk/client-ecs';
import type { RequestOrigin } from '../types.js';

export type Rank =
  | { readonly kind: 'binpack'; readonly field: 'cpu' | 'memory' }
  | { readonly kind: 'spreadInstance' }
  | { readonly kind: 'spreadAttribute'; readonly attribute: string }
  | { readonly kind: 'random' };

export class StrategyError extends Error {
  override readonly name = 'StrategyError';
}

/** ECS allows at most five strategies on a task or service. */
export const MAX_STRATEGIES = 5;

export function defaultStrategy(origin: RequestOrigin): PlacementStrategy[] {
  return origin === 'service'
    ? [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'spread', field: 'instanceId' }]
    : [{ type: 'random' }];
}

/** Validates and compiles a strategy chain; empty or absent means the default for `origin`. */
export function compileStrategies(
  strategies: readonly PlacementStrategy[] | undefined,
  origin: RequestOrigin,
): Rank[] {
  const list = strategies && strategies.length > 0 ? strategies : defaultStrategy(origin);
  if (list.length > MAX_STRATEGIES) {
    throw new StrategyError(`at most ${MAX_STRATEGIES} placement strategies are allowed, got ${list.length}`);
  }
  const ranks = list.map(compileOne);
  // Random leaves no ties for later strategies to break.
  const r = ranks.findIndex((x) => x.kind === 'random');
  return r >= 0 ? ranks.slice(0, r + 1) : ranks;
}

function compileOne(s: PlacementStrategy): Rank {
  const field = s.field?.trim();
  switch (s.type) {
    case 'random':
      return { kind: 'random' };
    case 'binpack': {
      const f = field?.toLowerCase();
      if (f === 'cpu' || f === 'memory') return { kind: 'binpack', field: f };
      throw new StrategyError(`binpack needs field cpu or memory, got ${field === undefined ? 'none' : `"${field}"`}`);
    }
    case 'spread': {
      const f = field?.toLowerCase();
      if (f === 'instanceid' || f === 'host') return { kind: 'spreadInstance' };
      if (field?.startsWith('attribute:') && field.length > 'attribute:'.length) {
        return { kind: 'spreadAttribute', attribute: field.slice('attribute:'.length) };
      }
      throw new StrategyError(
        `spread needs field instanceId, host or attribute:NAME, got ${field === undefined ? 'none' : `"${field}"`}`,
      );
    }
    default:
      throw new StrategyError(`unknown placement strategy type "${String(s.type)}" (binpack, random or spread)`);
  }
}
