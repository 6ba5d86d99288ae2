// Cloud Map's state: namespaces, services, instances and operations, in the same store as the rest of Wharf. The
// servicediscovery API writes them; the DNS server reads them on every query through the cache's indexes.
import type { Tag } from '@aws-sdk/client-servicediscovery';
import type { StateCache, Table } from '../store/cache.js';

export type NamespaceType = 'DNS_PUBLIC' | 'DNS_PRIVATE' | 'HTTP';

export interface NamespaceRecord {
  id: string;
  arn: string;
  name: string;
  type: NamespaceType;
  description?: string;
  creatorRequestId?: string;
  /** DNS namespaces: the VPC (private) and the SOA's TTL; the hosted zone id Route 53 would have made. */
  vpc?: string;
  soaTtl?: number;
  hostedZoneId?: string;
  tags: Tag[];
  createdAt: Date;
}

export type RecordType = 'A' | 'AAAA' | 'SRV' | 'CNAME';

export interface ServiceRecord {
  id: string;
  arn: string;
  name: string;
  namespaceId: string;
  description?: string;
  creatorRequestId?: string;
  type: 'HTTP' | 'DNS_HTTP' | 'DNS';
  dns?: { routingPolicy: 'MULTIVALUE' | 'WEIGHTED'; records: { type: RecordType; ttl: number }[] };
  healthCheck?: { type: 'HTTP' | 'HTTPS' | 'TCP'; resourcePath?: string; failureThreshold?: number };
  customHealth?: { failureThreshold?: number };
  /** Bumped when an instance is registered or deregistered (DiscoverInstancesRevision); health changes leave it. */
  instancesRevision: number;
  tags: Tag[];
  createdAt: Date;
}

export interface InstanceRecord {
  serviceId: string;
  instanceId: string;
  creatorRequestId?: string;
  attributes: Record<string, string>;
  /** Custom health (services with HealthCheckCustomConfig); instances of other services are always answered. */
  health?: 'HEALTHY' | 'UNHEALTHY';
  createdAt: Date;
}

export type OperationType = 'CREATE_NAMESPACE' | 'DELETE_NAMESPACE' | 'UPDATE_NAMESPACE' | 'UPDATE_SERVICE' | 'REGISTER_INSTANCE' | 'DEREGISTER_INSTANCE';

export interface OperationRecord {
  id: string;
  type: OperationType;
  status: 'SUBMITTED' | 'PENDING' | 'SUCCESS' | 'FAIL';
  errorCode?: string;
  errorMessage?: string;
  targets: Partial<Record<'NAMESPACE' | 'SERVICE' | 'INSTANCE', string>>;
  createdAt: Date;
  updatedAt: Date;
}

export interface DiscoveryTables {
  namespaces: Table<NamespaceRecord>;
  services: Table<ServiceRecord>;
  /** Id: `SERVICEID/INSTANCEID`. */
  instances: Table<InstanceRecord>;
  operations: Table<OperationRecord>;
  /**
   * Name claims, so two concurrent creates never both win: `ns/NAME` (lowercase) for namespaces, `srv/NSID/NAME`
   * (lowercase) for services. The value is the id that holds the name.
   */
  names: Table<{ id: string }>;
}

/** Creates the tables on the cache; call before `cache.start()`. */
export function createDiscoveryTables(cache: StateCache): DiscoveryTables {
  return {
    namespaces: cache.table<NamespaceRecord>({
      prefix: 'servicediscovery/namespaces/',
      indexes: { arn: (r) => r.arn, dnsName: (r) => (r.type === 'HTTP' ? undefined : dnsName(r.name)) },
    }),
    services: cache.table<ServiceRecord>({
      prefix: 'servicediscovery/services/',
      indexes: { arn: (r) => r.arn, namespace: (r) => r.namespaceId, dnsName: (r) => `${r.namespaceId}/${r.name.toLowerCase()}` },
    }),
    instances: cache.table<InstanceRecord>({ prefix: 'servicediscovery/instances/', indexes: { service: (r) => r.serviceId } }),
    operations: cache.table<OperationRecord>({ prefix: 'servicediscovery/operations/' }),
    names: cache.table<{ id: string }>({ prefix: 'servicediscovery/names/' }),
  };
}

/** A DNS name as the tables index it: lowercase, no trailing dot. */
export function dnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

export function instanceKey(serviceId: string, instanceId: string): string {
  return `${serviceId}/${instanceId}`;
}

export function nsNameKey(name: string): string {
  return `ns/${dnsName(name)}`;
}

export function srvNameKey(namespaceId: string, name: string): string {
  return `srv/${namespaceId}/${name.toLowerCase()}`;
}

/** The first row of an index bucket, or undefined. */
export function first<T>(rows: Iterable<T>): T | undefined {
  for (const r of rows) return r;
  return undefined;
}

/** The service `name` in the namespace with ARN (or id) `namespace`, through the name claims. */
export function serviceNamed(tables: DiscoveryTables, namespace: string, name: string): ServiceRecord | undefined {
  const ns = first(tables.namespaces.byIndex('arn', namespace))?.value ?? tables.namespaces.get(namespace)?.value;
  if (!ns) return undefined;
  const claim = tables.names.get(srvNameKey(ns.id, name));
  return claim ? tables.services.get(claim.value.id)?.value : undefined;
}
