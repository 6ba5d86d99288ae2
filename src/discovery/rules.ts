// Cloud Map's rules with no I/O: ids, DNS names, which record sets a service may have, what an instance must carry
// for them, and who is healthy. The API handlers call these before they write anything.
import { isIPv4, isIPv6 } from 'node:net';
import { InvalidInput } from './errors.js';
import type { InstanceRecord, NamespaceType, RecordType, ServiceRecord } from './tables.js';

/** Randomness is injected so tests are deterministic: returns an integer in [0, n). */
export type RandomInt = (n: number) => number;

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function chars(alphabet: string, n: number, random: RandomInt): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[random(alphabet.length)];
  return s;
}

/** `ns-` / `srv-` + 16 lowercase letters and digits, as Cloud Map's ids. */
export const namespaceId = (random: RandomInt) => `ns-${chars(LOWER, 16, random)}`;
export const serviceId = (random: RandomInt) => `srv-${chars(LOWER, 16, random)}`;
/** Cloud Map's operation ids: 32 characters, a dash, 8 more. */
export const operationId = (random: RandomInt) => `${chars(LOWER, 32, random)}-${chars(LOWER, 8, random)}`;
/** The hosted zone Route 53 would have created for a DNS namespace. */
export const hostedZoneId = (random: RandomInt) => `Z${chars(UPPER, 20, random)}`;

export function arn(region: string, accountId: string, kind: 'namespace' | 'service', id: string): string {
  return `arn:aws:servicediscovery:${region}:${accountId}:${kind}/${id}`;
}

/** The id an API parameter names: an id, or the ARN of the resource (Cloud Map accepts both). */
export function idOf(idOrArn: string): string {
  const m = /^arn:[^:]+:servicediscovery:[^:]*:[^:]*:(?:namespace|service)\/(.+)$/.exec(idOrArn);
  return m ? m[1]! : idOrArn;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** A DNS namespace's name: labels of letters, digits, `-` and `_`, each 1-63 long, 253 in all; a final dot allowed. */
export function checkDnsName(name: string, what = 'Namespace name'): void {
  const bare = name.replace(/\.$/, '');
  const labels = bare.split('.');
  if (bare.length === 0 || bare.length > 253 || !labels.every((l) => LABEL.test(l))) {
    throw new InvalidInput(`${what} [${name}] is not a valid DNS name.`);
  }
}

export interface DnsConfigInput {
  RoutingPolicy?: string;
  DnsRecords?: { Type?: string; TTL?: number }[];
}

/** Checks a service's DNS records: A, AAAA, A+AAAA, SRV (alone or with A/AAAA), or CNAME alone under WEIGHTED. */
export function checkDnsConfig(cfg: DnsConfigInput, routingPolicy = cfg.RoutingPolicy ?? 'MULTIVALUE'): NonNullable<ServiceRecord['dns']> {
  const records = (cfg.DnsRecords ?? []).map((r) => ({ type: r.Type as RecordType, ttl: Number(r.TTL) }));
  if (records.length === 0) throw new InvalidInput('DnsConfig must contain at least one DnsRecord.');
  const types = new Set(records.map((r) => r.type));
  if (types.size !== records.length) throw new InvalidInput('DnsRecords must not contain the same record type twice.');
  if (types.has('CNAME') && types.size > 1) throw new InvalidInput('A CNAME record cannot be combined with other record types.');
  if (types.has('CNAME') && routingPolicy !== 'WEIGHTED') throw new InvalidInput('RoutingPolicy must be WEIGHTED for a CNAME record.');
  for (const r of records) {
    if (!Number.isInteger(r.ttl) || r.ttl < 0 || r.ttl > 2147483647) throw new InvalidInput(`TTL ${r.ttl} is out of range: it must be between 0 and 2147483647.`);
  }
  return { routingPolicy: routingPolicy as 'MULTIVALUE' | 'WEIGHTED', records };
}

/** HealthCheckConfig is for public DNS namespaces only, and never together with HealthCheckCustomConfig. */
export function checkHealthConfig(nsType: NamespaceType, hc: unknown, custom: unknown): void {
  if (hc && custom) throw new InvalidInput('HealthCheckConfig and HealthCheckCustomConfig cannot both be specified.');
  if (hc && nsType !== 'DNS_PUBLIC') throw new InvalidInput('HealthCheckConfig can be specified only for a service in a public DNS namespace.');
}

export const MAX_ATTRIBUTES = 30;

/** What RegisterInstance needs for the service's records: an address per A/AAAA, a port for SRV, a name for CNAME. */
export function checkInstance(service: ServiceRecord, instanceId: string, attrs: Record<string, string>): void {
  if (Object.keys(attrs).length > MAX_ATTRIBUTES) throw new InvalidInput(`An instance can have at most ${MAX_ATTRIBUTES} attributes.`);
  const v4 = attrs.AWS_INSTANCE_IPV4;
  const v6 = attrs.AWS_INSTANCE_IPV6;
  const port = attrs.AWS_INSTANCE_PORT;
  if (v4 !== undefined && !isIPv4(v4)) throw new InvalidInput(`AWS_INSTANCE_IPV4 [${v4}] is not a valid IPv4 address.`);
  if (v6 !== undefined && !isIPv6(v6)) throw new InvalidInput(`AWS_INSTANCE_IPV6 [${v6}] is not a valid IPv6 address.`);
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw new InvalidInput(`AWS_INSTANCE_PORT [${port}] must be a port number between 1 and 65535.`);
  }
  const init = attrs.AWS_INIT_HEALTH_STATUS;
  if (init !== undefined) {
    if (!service.customHealth) throw new InvalidInput('AWS_INIT_HEALTH_STATUS is valid only for a service with HealthCheckCustomConfig.');
    if (init !== 'HEALTHY' && init !== 'UNHEALTHY') throw new InvalidInput(`AWS_INIT_HEALTH_STATUS [${init}] must be HEALTHY or UNHEALTHY.`);
  }
  const types = new Set(service.dns?.records.map((r) => r.type) ?? []);
  if (attrs.AWS_ALIAS_DNS_NAME !== undefined) throw new InvalidInput('AWS_ALIAS_DNS_NAME (alias records to an ELB load balancer) is not supported by Wharf.');
  if (types.has('A') && v4 === undefined) throw new InvalidInput('AWS_INSTANCE_IPV4 is required: the service has an A record.');
  if (types.has('AAAA') && v6 === undefined) throw new InvalidInput('AWS_INSTANCE_IPV6 is required: the service has an AAAA record.');
  if (types.has('SRV')) {
    if (port === undefined) throw new InvalidInput('AWS_INSTANCE_PORT is required: the service has an SRV record.');
    if (v4 === undefined && v6 === undefined) throw new InvalidInput('AWS_INSTANCE_IPV4 or AWS_INSTANCE_IPV6 is required: the service has an SRV record.');
    if (!LABEL.test(instanceId)) throw new InvalidInput(`InstanceId [${instanceId}] must be a valid DNS label: the service has an SRV record.`);
  }
  if (types.has('CNAME')) {
    const cname = attrs.AWS_INSTANCE_CNAME;
    if (cname === undefined) throw new InvalidInput('AWS_INSTANCE_CNAME is required: the service has a CNAME record.');
    checkDnsName(cname, 'AWS_INSTANCE_CNAME');
  }
}

/** Health as Cloud Map reports it: custom health when the service has it; HEALTHY otherwise (no check runs). */
export function healthOf(service: ServiceRecord, inst: InstanceRecord): 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' {
  if (service.customHealth) return inst.health ?? 'HEALTHY';
  return service.healthCheck ? 'HEALTHY' : 'UNKNOWN';
}

/** Whether DNS answers include the instance. */
export function answered(service: ServiceRecord, inst: InstanceRecord): boolean {
  return healthOf(service, inst) !== 'UNHEALTHY';
}

export interface DiscoverQuery {
  query?: Record<string, string>;
  optional?: Record<string, string>;
  health?: 'HEALTHY' | 'UNHEALTHY' | 'ALL' | 'HEALTHY_OR_ELSE_ALL';
  max?: number;
}

const matches = (inst: InstanceRecord, want: Record<string, string>) => Object.entries(want).every(([k, v]) => inst.attributes[k] === v);

/**
 * DiscoverInstances: QueryParameters must all match; OptionalParameters narrow further only when some instance
 * matches them too; the health filter (ignored for services with no health check); a shuffled page of `max`.
 */
export function discover(service: ServiceRecord, all: readonly InstanceRecord[], q: DiscoverQuery, random: RandomInt): InstanceRecord[] {
  let found = all.filter((i) => matches(i, q.query ?? {}));
  if (q.optional && Object.keys(q.optional).length > 0) {
    const narrowed = found.filter((i) => matches(i, q.optional!));
    if (narrowed.length > 0) found = narrowed;
  }
  const checked = Boolean(service.customHealth || service.healthCheck);
  const health = q.health ?? 'HEALTHY';
  if (checked && health !== 'ALL') {
    const healthy = found.filter((i) => healthOf(service, i) === 'HEALTHY');
    if (health === 'HEALTHY') found = healthy;
    else if (health === 'UNHEALTHY') found = found.filter((i) => healthOf(service, i) === 'UNHEALTHY');
    else if (healthy.length > 0) found = healthy;
  }
  return shuffle(found, random).slice(0, q.max ?? 100);
}

/** Fisher-Yates on a copy. */
export function shuffle<T>(items: readonly T[], random: RandomInt): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
