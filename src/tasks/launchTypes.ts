// The launch type of each task of a launch: the one given, or the capacity provider strategy's choice (the base
// first, then by weight; FARGATE and FARGATE_SPOT launch FARGATE, a created provider EC2 on its pool), as RunTask and
// services both decide it.
import type { CapacityProviderStrategyItem } from '@aws-sdk/client-ecs';
import { InvalidParameter } from '../domain/errors.js';
import type { Tables } from '../state/tables.js';

export type LaunchType = 'EC2' | 'FARGATE' | 'EXTERNAL';

export interface LaunchChoice {
  launchType: LaunchType;
  capacityProviderName?: string;
}

/** Capacity providers made with CreateCapacityProvider: which exist, and which the cluster has. */
export interface CreatedProviders {
  exists: (name: string) => boolean;
  associated: readonly string[];
}

const isFargate = (name: string | undefined) => name === 'FARGATE' || name === 'FARGATE_SPOT';

/**
 * Launch type per task from launchType or a capacity provider strategy (base, then weights): FARGATE for FARGATE and
 * FARGATE_SPOT, EC2 on the provider's pool for a created provider (which must be associated with the cluster).
 */
export function launchPlan(
  count: number,
  launchType: string | undefined,
  strategy: readonly CapacityProviderStrategyItem[],
  created?: CreatedProviders,
): LaunchChoice[] {
  if (launchType && strategy.length > 0) {
    throw new InvalidParameter('Specifying both a launch type and capacity provider strategy is not supported.');
  }
  if (strategy.length === 0) return Array.from({ length: count }, () => ({ launchType: (launchType ?? 'EC2') as LaunchType }));
  for (const s of strategy) {
    if (isFargate(s.capacityProvider)) continue;
    if (!created?.exists(s.capacityProvider ?? '')) throw new InvalidParameter(`The specified capacity provider ${s.capacityProvider} does not exist.`);
    if (!created.associated.includes(s.capacityProvider!)) {
      throw new InvalidParameter(
        'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
      );
    }
  }
  if (strategy.some((s) => isFargate(s.capacityProvider)) && strategy.some((s) => !isFargate(s.capacityProvider))) {
    throw new InvalidParameter('A capacity provider strategy cannot contain both Fargate capacity providers and Auto Scaling group capacity providers.');
  }
  const typeOf = (name: string): LaunchType => (isFargate(name) ? 'FARGATE' : 'EC2');
  const out: LaunchChoice[] = [];
  const withBase = strategy.find((s) => (s.base ?? 0) > 0);
  for (let i = 0; i < Math.min(count, withBase?.base ?? 0); i++) out.push({ launchType: typeOf(withBase!.capacityProvider!), capacityProviderName: withBase!.capacityProvider! });
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
    out.push({ launchType: typeOf(next.capacityProvider!), capacityProviderName: next.capacityProvider! });
    if (total === 0) break;
  }
  return out;
}

/** The created providers as the tables hold them, for `cluster`. */
export function createdProviders(tables: Tables, associated: readonly string[] | undefined): CreatedProviders {
  return {
    exists: (name) => tables.capacityProviders.get(name)?.value.capacityProvider.status === 'ACTIVE',
    associated: associated ?? [],
  };
}
