// The load balancer state tables (load balancers, target groups, targets, listeners, rules), in the same store as
// the rest of Wharf. The ELBv2 API writes them; the data plane, health checker and DNS server follow them.
import type { Action, RuleCondition, Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { StateCache, Table } from '../store/cache.js';

export type LbState = 'provisioning' | 'active' | 'failed';

export interface LoadBalancerRecord {
  arn: string;
  name: string;
  /** The 16 hex digits at the end of the ARN. */
  id: string;
  dnsName: string;
  scheme: 'internet-facing' | 'internal';
  type: 'application';
  ipAddressType: 'ipv4';
  vpcId: string;
  /** The address this load balancer's listeners bind (its own loopback address under `wharf up`). */
  address: string;
  state: LbState;
  stateReason?: string;
  subnets: { subnetId: string; zoneName: string }[];
  securityGroups: string[];
  attributes: Record<string, string>;
  tags: Tag[];
  createdAt: Date;
}

export interface HealthCheckSettings {
  enabled: boolean;
  protocol: 'HTTP';
  /** `traffic-port` or a port number as a string, as the API shows it. */
  port: string;
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** HttpCode matcher, e.g. `200`, `200-299`, `200,302`. */
  matcher: string;
}

export interface TargetGroupRecord {
  arn: string;
  name: string;
  id: string;
  protocol: 'HTTP';
  protocolVersion: 'HTTP1';
  port: number;
  vpcId: string;
  targetType: 'instance' | 'ip';
  healthCheck: HealthCheckSettings;
  attributes: Record<string, string>;
  tags: Tag[];
  createdAt: Date;
}

/** One registered (or draining) target. Id: `TGID/TARGET:PORT`. */
export interface TargetRecord {
  targetGroupArn: string;
  targetId: string;
  port: number;
  availabilityZone?: string;
  registeredAt: Date;
  state: 'registered' | 'draining';
  drainingSince?: Date;
}

export interface ListenerRecord {
  arn: string;
  id: string;
  loadBalancerArn: string;
  port: number;
  protocol: 'HTTP';
  defaultActions: Action[];
  /** The id of the listener's default rule (DescribeRules shows it with Priority `default`). */
  defaultRuleId: string;
  tags: Tag[];
}

export interface RuleRecord {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: RuleCondition[];
  actions: Action[];
  tags: Tag[];
}

export interface ElbTables {
  loadBalancers: Table<LoadBalancerRecord>;
  targetGroups: Table<TargetGroupRecord>;
  targets: Table<TargetRecord>;
  listeners: Table<ListenerRecord>;
  rules: Table<RuleRecord>;
  /** One row per address in use (id: the address), so two concurrent creates never share one. */
  addresses: Table<{ loadBalancerArn: string }>;
  /**
   * A replica's word that nothing is in flight on a draining target through its data plane (id: `TARGETKEY|REPLICA`,
   * under the replica's lease): deregistration is complete when every live replica has said so (draining.ts).
   */
  drainAcks: Table<DrainAck>;
}

export interface DrainAck {
  /** The target's key (`TGID/ID:PORT`). */
  target: string;
  replica: string;
  /** The draining this answers (the target's drainingSince), so a later deregistration of it is not taken as done. */
  since: string;
}

/** Creates the tables on the cache; call before `cache.start()`. Rows are keyed by the resource's id. */
export function createElbTables(cache: StateCache): ElbTables {
  return {
    loadBalancers: cache.table<LoadBalancerRecord>({
      prefix: 'elbv2/load-balancers/',
      indexes: { name: (r) => r.name, arn: (r) => r.arn, dns: (r) => r.dnsName.toLowerCase(), address: (r) => r.address },
    }),
    targetGroups: cache.table<TargetGroupRecord>({
      prefix: 'elbv2/target-groups/',
      indexes: { name: (r) => r.name, arn: (r) => r.arn },
    }),
    targets: cache.table<TargetRecord>({ prefix: 'elbv2/targets/', indexes: { group: (r) => r.targetGroupArn } }),
    drainAcks: cache.table<DrainAck>({ prefix: 'elbv2/drain-acks/', indexes: { target: (r) => r.target } }),
    listeners: cache.table<ListenerRecord>({
      prefix: 'elbv2/listeners/',
      indexes: { arn: (r) => r.arn, lb: (r) => r.loadBalancerArn },
    }),
    rules: cache.table<RuleRecord>({ prefix: 'elbv2/rules/', indexes: { arn: (r) => r.arn, listener: (r) => r.listenerArn } }),
    addresses: cache.table<{ loadBalancerArn: string }>({ prefix: 'elbv2/addresses/' }),
  };
}

export function targetKey(tg: { id: string }, targetId: string, port: number): string {
  return `${tg.id}/${targetId}:${port}`;
}

/** The first row of an index bucket, or undefined. */
export function first<T>(rows: Iterable<{ value: T; modRevision: number; id: string }>) {
  for (const r of rows) return r;
  return undefined;
}
