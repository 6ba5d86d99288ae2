// What every ELBv2 handler shares: the tables, the health view, ARN and id minting, and lookups that throw ELBv2's
// own not-found codes.
import { randomBytes, randomInt } from 'node:crypto';
import type { Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DuplicateTagKeys, ElbTooManyTags, ListenerNotFound, LoadBalancerNotFound, RuleNotFound, TargetGroupNotFound,
} from '../../domain/errors.js';
import type { HealthView } from '../../lb/health.js';
import { first, type ElbTables, type ListenerRecord, type LoadBalancerRecord, type RuleRecord, type TargetGroupRecord } from '../../lb/tables.js';
import type { Row, StateCache } from '../../store/cache.js';

export interface ElbDeps {
  cache: StateCache;
  tables: ElbTables;
  /** Target health as the health checker sees it (the data plane's), for DescribeTargetHealth. */
  health: HealthView;
  /** The CIDR load balancer addresses are taken from (default 127.2.0.0/16), or one fixed address for all. */
  addressPool?: string;
  fixedAddress?: string;
}

export const MAX_TAGS = 50;

export class ElbContext {
  readonly cache: StateCache;
  readonly tables: ElbTables;
  constructor(readonly deps: ElbDeps) {
    this.cache = deps.cache;
    this.tables = deps.tables;
  }

  arn(region: string, accountId: string, resource: string): string {
    return `arn:aws:elasticloadbalancing:${region}:${accountId}:${resource}`;
  }

  loadBalancer(arn: string | undefined): Row<LoadBalancerRecord> {
    const row = arn ? first(this.tables.loadBalancers.byIndex('arn', arn)) : undefined;
    if (!row) throw new LoadBalancerNotFound(`Load balancer '${arn ?? ''}' not found`);
    return row;
  }

  targetGroup(arn: string | undefined): Row<TargetGroupRecord> {
    const row = arn ? first(this.tables.targetGroups.byIndex('arn', arn)) : undefined;
    if (!row) throw new TargetGroupNotFound(`Target groups '${arn ?? ''}' not found`);
    return row;
  }

  listener(arn: string | undefined): Row<ListenerRecord> {
    const row = arn ? first(this.tables.listeners.byIndex('arn', arn)) : undefined;
    if (!row) throw new ListenerNotFound(`Listener '${arn ?? ''}' not found`);
    return row;
  }

  rule(arn: string | undefined): Row<RuleRecord> {
    const row = arn ? first(this.tables.rules.byIndex('arn', arn)) : undefined;
    if (!row) throw new RuleNotFound(`One or more rules not found`);
    return row;
  }

  /** Whether any listener or rule forwards to the target group. */
  usedBy(tgArn: string): boolean {
    for (const l of this.tables.listeners.values()) if (actionsUse(l.value.defaultActions, tgArn)) return true;
    for (const r of this.tables.rules.values()) if (actionsUse(r.value.actions, tgArn)) return true;
    return false;
  }

  /** The load balancers whose listeners or rules forward to the target group. */
  loadBalancersOf(tgArn: string): string[] {
    const out = new Set<string>();
    for (const l of this.tables.listeners.values()) {
      if (actionsUse(l.value.defaultActions, tgArn)) out.add(l.value.loadBalancerArn);
    }
    for (const r of this.tables.rules.values()) {
      if (!actionsUse(r.value.actions, tgArn)) continue;
      const l = first(this.tables.listeners.byIndex('arn', r.value.listenerArn));
      if (l) out.add(l.value.loadBalancerArn);
    }
    return [...out].sort();
  }
}

export function actionsUse(actions: readonly { TargetGroupArn?: string; ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string }[] } }[], tgArn: string): boolean {
  return actions.some((a) => a.TargetGroupArn === tgArn || (a.ForwardConfig?.TargetGroups ?? []).some((t) => t.TargetGroupArn === tgArn));
}

/** 16 hex digits, the id at the end of every ELBv2 ARN. */
export function newId(): string {
  return randomBytes(8).toString('hex');
}

export function dnsName(name: string, scheme: string, region: string): string {
  const digits = String(randomInt(1_000_000_000, 2_000_000_000));
  return `${scheme === 'internal' ? 'internal-' : ''}${name}-${digits}.${region}.elb.amazonaws.com`.toLowerCase();
}

/** Tags as given (Key/Value), refusing duplicate keys in one request and more than 50 on a resource. */
export function checkNewTags(tags: readonly Tag[] | undefined): Tag[] {
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    if (seen.has(t.Key!)) throw new DuplicateTagKeys(`Tag key '${t.Key}' specified more than once`);
    seen.add(t.Key!);
  }
  if (seen.size > MAX_TAGS) throw new ElbTooManyTags(`You have reached the limit on the number of tags (${MAX_TAGS})`);
  return (tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' }));
}

/** ELBv2 paging: PageSize (1-400) and an opaque Marker. */
export function page<T>(items: T[], marker: string | undefined, pageSize: number | undefined): { items: T[]; next?: string } {
  const start = marker ? Number(Buffer.from(marker, 'base64url').toString()) || 0 : 0;
  const size = pageSize ?? 400;
  const slice = items.slice(start, start + size);
  const more = start + size < items.length;
  return more ? { items: slice, next: Buffer.from(String(start + size)).toString('base64url') } : { items: slice };
}
