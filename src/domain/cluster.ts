// ECS clusters: the stored record, the rules for names and settings, and the shape DescribeClusters shows.
import type {
  CapacityProviderStrategyItem,
  Cluster,
  ClusterConfiguration,
  ClusterField,
  ClusterServiceConnectDefaults,
  ClusterSetting,
  Tag,
} from '@aws-sdk/client-ecs';
import { InvalidParameter } from './errors.js';

export interface ClusterRecord {
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE' | 'INACTIVE';
  settings: ClusterSetting[];
  configuration?: ClusterConfiguration;
  serviceConnectDefaults?: ClusterServiceConnectDefaults;
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
  tags: Tag[];
  createdAt: Date;
}

/** What DescribeClusters counts from other resources (tasks, services, instances) at the time of the call. */
export interface ClusterUsage {
  registeredContainerInstancesCount: number;
  runningTasksCount: number;
  pendingTasksCount: number;
  activeServicesCount: number;
  /** ECS's STATISTICS entries, e.g. runningFargateTasksCount. */
  statistics: Record<string, number>;
}

export const EMPTY_USAGE: ClusterUsage = {
  registeredContainerInstancesCount: 0,
  runningTasksCount: 0,
  pendingTasksCount: 0,
  activeServicesCount: 0,
  statistics: {},
};

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;

export function validateClusterName(name: string): void {
  if (!NAME.test(name)) {
    throw new InvalidParameter(
      'Cluster name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores and hyphens.',
    );
  }
}

const INSIGHTS_VALUES = ['enabled', 'disabled', 'enhanced'];

export function validateSettings(settings: readonly ClusterSetting[]): void {
  for (const s of settings) {
    if (s.name !== 'containerInsights') throw new InvalidParameter(`Unknown cluster setting name: ${s.name}.`);
    if (!INSIGHTS_VALUES.includes(s.value ?? '')) {
      throw new InvalidParameter(`containerInsights value must be one of: ${INSIGHTS_VALUES.join(', ')}.`);
    }
  }
}

/** Settings given replace the ones of the same name; the rest stay. */
export function mergeSettings(current: readonly ClusterSetting[], given: readonly ClusterSetting[]): ClusterSetting[] {
  const byName = new Map(current.map((s) => [s.name, s]));
  for (const s of given) byName.set(s.name, { name: s.name, value: s.value });
  return [...byName.values()];
}

/** Capacity providers Wharf manages itself; custom ones (Auto Scaling groups) do not exist here. */
export const BUILTIN_CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];

export function validateCapacityProviders(
  providers: readonly string[],
  strategy: readonly CapacityProviderStrategyItem[],
  /** The ACTIVE capacity providers made with CreateCapacityProvider. */
  created: readonly string[] = [],
): void {
  for (const p of providers) {
    if (!BUILTIN_CAPACITY_PROVIDERS.includes(p) && !created.includes(p)) {
      throw new InvalidParameter(`The specified capacity provider ${p} is not in an ACTIVE state. Specify a valid capacity provider and try again.`);
    }
  }
  if (new Set(providers).size !== providers.length) {
    throw new InvalidParameter('The capacity providers list contains duplicates.');
  }
  validateStrategy(strategy, providers);
}

/** A strategy as ECS stores and shows it: every item with its weight and base (0 when not given). */
export const normalizeStrategy = (strategy: readonly CapacityProviderStrategyItem[]): CapacityProviderStrategyItem[] =>
  strategy.map((i) => ({ capacityProvider: i.capacityProvider, weight: i.weight ?? 0, base: i.base ?? 0 }));

export function validateStrategy(strategy: readonly CapacityProviderStrategyItem[], allowed: readonly string[]): void {
  const seen = new Set<string>();
  let withBase = 0;
  for (const item of strategy) {
    const name = item.capacityProvider ?? '';
    if (!allowed.includes(name)) {
      throw new InvalidParameter(`The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.`);
    }
    if (seen.has(name)) throw new InvalidParameter(`The capacity provider strategy contains ${name} more than once.`);
    seen.add(name);
    const weight = item.weight ?? 0;
    const base = item.base ?? 0;
    if (!Number.isInteger(weight) || weight < 0 || weight > 1000) throw new InvalidParameter('Capacity provider strategy weight must be between 0 and 1000.');
    if (!Number.isInteger(base) || base < 0 || base > 100000) throw new InvalidParameter('Capacity provider strategy base must be between 0 and 100000.');
    if (base > 0) withBase++;
  }
  if (withBase > 1) throw new InvalidParameter('Only one capacity provider in a strategy can have a base defined.');
  const fargate = strategy.filter((i) => BUILTIN_CAPACITY_PROVIDERS.includes(i.capacityProvider ?? '')).length;
  if (fargate > 0 && fargate < strategy.length) {
    throw new InvalidParameter('A capacity provider strategy cannot contain both Fargate capacity providers and Auto Scaling group capacity providers.');
  }
  if (strategy.length > 0 && strategy.every((i) => (i.weight ?? 0) === 0)) {
    throw new InvalidParameter('At least one capacity provider in a strategy must have a weight greater than 0.');
  }
}

/** The Cluster object as the API returns it, with the optional parts asked for in `include`. */
export function presentCluster(
  rec: ClusterRecord,
  usage: ClusterUsage,
  include: readonly ClusterField[] | 'all',
): Cluster {
  const has = (f: ClusterField) => include === 'all' || include.includes(f);
  const out: Cluster = {
    clusterArn: rec.clusterArn,
    clusterName: rec.clusterName,
    status: rec.status,
    registeredContainerInstancesCount: usage.registeredContainerInstancesCount,
    runningTasksCount: usage.runningTasksCount,
    pendingTasksCount: usage.pendingTasksCount,
    activeServicesCount: usage.activeServicesCount,
    statistics: has('STATISTICS')
      ? Object.entries(usage.statistics).map(([name, value]) => ({ name, value: String(value) }))
      : [],
    tags: has('TAGS') ? rec.tags : [],
    capacityProviders: rec.capacityProviders,
    defaultCapacityProviderStrategy: rec.defaultCapacityProviderStrategy,
  };
  if (has('SETTINGS')) out.settings = rec.settings;
  if (has('CONFIGURATIONS') && rec.configuration) out.configuration = rec.configuration;
  if (has('ATTACHMENTS')) out.attachments = [];
  if (rec.serviceConnectDefaults) out.serviceConnectDefaults = rec.serviceConnectDefaults;
  return out;
}
