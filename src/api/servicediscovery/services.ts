// Services: their DNS records (A, AAAA, SRV, CNAME with TTLs, MULTIVALUE or WEIGHTED routing) and health check
// settings; get, list with filters, update (records' TTLs, description, health check), delete.
import type {
  CreateServiceRequest, DeleteServiceRequest, GetServiceRequest, ListServicesRequest, Service, UpdateServiceRequest,
} from '@aws-sdk/client-servicediscovery';
import { InvalidInput, ResourceInUse, ServiceAlreadyExists } from '../../discovery/errors.js';
import { arn, checkDnsConfig, checkHealthConfig, serviceId } from '../../discovery/rules.js';
import { srvNameKey, type ServiceRecord } from '../../discovery/tables.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import { filterMatches, page, type DiscoveryContext } from './context.js';

export function presentService(sd: DiscoveryContext, s: ServiceRecord, ctx: { accountId: string }): Service {
  return {
    Id: s.id,
    Arn: s.arn,
    ResourceOwner: ctx.accountId,
    Name: s.name,
    NamespaceId: s.namespaceId,
    Description: s.description,
    InstanceCount: sd.tables.instances.countByIndex('service', s.id),
    DnsConfig: s.dns && {
      NamespaceId: s.namespaceId,
      RoutingPolicy: s.dns.routingPolicy,
      DnsRecords: s.dns.records.map((r) => ({ Type: r.type, TTL: r.ttl })),
    },
    Type: s.type,
    HealthCheckConfig: s.healthCheck && { Type: s.healthCheck.type, ResourcePath: s.healthCheck.resourcePath, FailureThreshold: s.healthCheck.failureThreshold },
    HealthCheckCustomConfig: s.customHealth && { FailureThreshold: s.customHealth.failureThreshold },
    CreateDate: s.createdAt,
    CreatorRequestId: s.creatorRequestId,
    CreatedByAccount: ctx.accountId,
  };
}

export function serviceOperations(sd: DiscoveryContext) {
  const { tables } = sd;
  return {
    CreateService(input: CreateServiceRequest, ctx: RequestContext) {
      const nsId = input.NamespaceId ?? input.DnsConfig?.NamespaceId;
      if (!nsId) throw new InvalidInput('NamespaceId is required.');
      return sd.cache.update(() => {
        const ns = sd.namespace(nsId);
        const name = input.Name!;
        if (input.DnsConfig && ns.value.type === 'HTTP') throw new InvalidInput(`DnsConfig is not valid for a service in an HTTP namespace (${ns.id}).`);
        if (input.Type === 'HTTP' && input.DnsConfig) throw new InvalidInput('A service of type HTTP cannot have a DnsConfig.');
        checkHealthConfig(ns.value.type, input.HealthCheckConfig, input.HealthCheckCustomConfig);
        const dns = input.DnsConfig ? checkDnsConfig(input.DnsConfig) : undefined;
        const claim = tables.names.get(srvNameKey(ns.id, name));
        if (claim) throw new ServiceAlreadyExists(`Service with name ${name} already exists in namespace ${ns.id} (${claim.value.id}).`);
        const id = serviceId(sd.random);
        const hc = input.HealthCheckConfig;
        const svc: ServiceRecord = {
          id,
          arn: arn(ctx.region, ctx.accountId, 'service', id),
          name,
          namespaceId: ns.id,
          description: input.Description,
          creatorRequestId: input.CreatorRequestId,
          type: dns ? 'DNS_HTTP' : 'HTTP',
          dns,
          healthCheck: hc && { type: hc.Type!, resourcePath: hc.Type === 'TCP' ? undefined : (hc.ResourcePath ?? '/'), failureThreshold: hc.FailureThreshold ?? 1 },
          customHealth: input.HealthCheckCustomConfig && { failureThreshold: input.HealthCheckCustomConfig.FailureThreshold ?? 1 },
          instancesRevision: 0,
          tags: input.Tags ?? [],
          createdAt: sd.now(),
        };
        // Rewriting the namespace makes a concurrent DeleteNamespace's guard fail, so no service outlives its namespace.
        const txn = new Txn()
          .put(tables.names, srvNameKey(ns.id, name), { id }, 0)
          .put(tables.services, id, svc, 0)
          .put(tables.namespaces, ns.id, { ...ns.value }, ns.modRevision);
        return { txn, result: { Service: presentService(sd, svc, ctx) } };
      });
    },
    GetService(input: GetServiceRequest, ctx: RequestContext) {
      return { Service: presentService(sd, sd.service(input.Id!).value, ctx) };
    },
    ListServices(input: ListServicesRequest, ctx: RequestContext) {
      const found = [...tables.services.values()].map((r) => r.value).filter((s) =>
        (input.Filters ?? []).every((f) => (f.Name === 'NAMESPACE_ID' ? filterMatches(f, s.namespaceId) : filterMatches(f, ctx.accountId, ['EQ']))),
      );
      found.sort((a, b) => (a.id < b.id ? -1 : 1));
      const { items, next } = page(found, (s) => s.id, input.MaxResults, input.NextToken);
      return {
        Services: items.map((s) => {
          const { CreatorRequestId: _c, NamespaceId: _n, ...summary } = presentService(sd, s, ctx);
          return summary;
        }),
        NextToken: next,
      };
    },
    UpdateService(input: UpdateServiceRequest) {
      return sd.withOperation('UPDATE_SERVICE', (txn) => {
        const row = sd.service(input.Id!);
        const svc = row.value;
        const change = input.Service ?? {};
        let dns = svc.dns;
        if (change.DnsConfig) {
          if (!svc.dns) throw new InvalidInput(`Service ${svc.id} has no DnsConfig to update.`);
          const next = checkDnsConfig(change.DnsConfig, svc.dns.routingPolicy);
          const before = svc.dns.records.map((r) => r.type).sort().join(',');
          if (next.records.map((r) => r.type).sort().join(',') !== before) {
            throw new InvalidInput('The record types of a service cannot be changed: delete the service and create it again.');
          }
          dns = next;
        }
        if (change.HealthCheckConfig) checkHealthConfig(sd.namespace(svc.namespaceId).value.type, change.HealthCheckConfig, svc.customHealth);
        const hc = change.HealthCheckConfig;
        txn.put(tables.services, row.id, {
          ...svc,
          dns,
          ...(change.Description !== undefined ? { description: change.Description } : {}),
          ...(hc ? { healthCheck: { type: hc.Type!, resourcePath: hc.Type === 'TCP' ? undefined : (hc.ResourcePath ?? '/'), failureThreshold: hc.FailureThreshold ?? 1 } } : {}),
        }, row.modRevision);
        return { SERVICE: row.id };
      });
    },
    DeleteService(input: DeleteServiceRequest) {
      return sd.cache.update(() => {
        const row = sd.service(input.Id!);
        const count = tables.instances.countByIndex('service', row.id);
        if (count > 0) throw new ResourceInUse(`Service ${row.id} has ${count} registered instance(s): deregister them first.`);
        // RegisterInstance rewrites the service, so this guard also fails when an instance arrived meanwhile.
        const txn = new Txn().delete(tables.services, row.id, row.modRevision);
        const claim = tables.names.get(srvNameKey(row.value.namespaceId, row.value.name));
        if (claim?.value.id === row.id) txn.delete(tables.names, claim.id, claim.modRevision);
        return { txn, result: {} };
      });
    },
  };
}
