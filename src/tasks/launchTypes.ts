// The launch type of each task of a launch: the one given, or the capacity provider strategy's choice (FARGATE and
// FARGATE_SPOT: the base first, then by weight), as RunTask and services both decide it.
import type { CapacityProviderStrategyItem } from '@aws-sdk/client-ecs';
import { InvalidParameter } from '../domain/errors.js';

export type LaunchType = 'EC2' | 'FARGATE' | 'EXTERNAL';

export interface LaunchChoice {
  launchType: LaunchType;
  capacityProviderName?: string;
}

/** Launch type per task from launchType or a FARGATE/FARGATE_SPOT capacity provider strategy (base, then weights). */
export function launchPlan(count: number, launchType: string | undefined, strategy: readonly CapacityProviderStrategyItem[]): LaunchChoice[] {
  if (launchType && strategy.length > 0) {
    throw new InvalidParameter('Specifying both a launch type and capacity provider strategy is not supported.');
  }
  if (strategy.length === 0) return Array.from({ length: count }, () => ({ launchType: (launchType ?? 'EC2') as LaunchType }));
  for (const s of strategy) {
    if (s.capacityProvider !== 'FARGATE' && s.capacityProvider !== 'FARGATE_SPOT') {
      throw new InvalidParameter(`The specified capacity provider ${s.capacityProvider} does not exist.`);
    }
  }
  const out: LaunchChoice[] = [];
  const withBase = strategy.find((s) => (s.base ?? 0) > 0);
  for (let i = 0; i < Math.min(count, withBase?.base ?? 0); i++) out.push({ launchType: 'FARGATE', capacityProviderName: withBase!.capacityProvider! });
  // A lone provider takes every task whatever its weight; among several, those weighing 0 take none beyond a base.
  const weighted = strategy.length === 1 ? [{ ...strategy[0]!, weight: Math.max(1, strategy[0]!.weight ?? 0) }] : strategy.filter((s) => (s.weight ?? 0) > 0);
  if (weighted.length === 0) {
    throw new InvalidParameter('At least one capacity provider in a capacity provider strategy must have a weight greater than 0.');
  }
  const total = weighted.reduce((n, s) => n + s.weight!, 0);
  const given = new Map<string, number>();
  while (out.length < count) {
    // The provider furthest below its weighted share gets the next task.
    const next = weighted.reduce((best, s) =>
      (given.get(s.capacityProvider!) ?? 0) / s.weight! < (given.get(best.capacityProvider!) ?? 0) / best.weight! ? s : best,
    );
    given.set(next.capacityProvider!, (given.get(next.capacityProvider!) ?? 0) + 1);
    out.push({ launchType: 'FARGATE', capacityProviderName: next.capacityProvider! });
    if (total === 0) break;
  }
  return out;
}
