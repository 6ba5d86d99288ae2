// Namespaces: private DNS (a VPC id is accepted and kept), public DNS and HTTP; get, list with filters, update,
// delete. Creates, updates and deletes are Cloud Map's asynchronous operations: each commits with its operation.
import type {
  CreateHttpNamespaceRequest, CreatePrivateDnsNamespaceRequest, CreatePublicDnsNamespaceRequest, DeleteNamespaceRequest,
  GetNamespaceRequest, ListNamespacesRequest, Namespace, UpdateHttpNamespaceRequest, UpdatePrivateDnsNamespaceRequest,
  UpdatePublicDnsNamespaceRequest,
} from '@aws-sdk/client-servicediscovery';
import { InvalidInput, NamespaceAlreadyExists, ResourceInUse } from '../../discovery/errors.js';
import { arn, checkDnsName, hostedZoneId, namespaceId } from '../../discovery/rules.js';
import { nsNameKey, type NamespaceRecord, type NamespaceType } from '../../discovery/tables.js';
import type { RequestContext } from '../../gateway/service.js';
import { filterMatches, page, type DiscoveryContext } from './context.js';

/** The SOA TTL a DNS namespace gets when the request names none. */
export const DEFAULT_SOA_TTL = 15;

export function presentNamespace(sd: DiscoveryContext, ns: NamespaceRecord, ctx: { accountId: string }): Namespace {
  const serviceCount = sd.tables.services.countByIndex('namespace', ns.id);
  return {
    Id: ns.id,
    Arn: ns.arn,
    ResourceOwner: ctx.accountId,
    Name: ns.name,
    Type: ns.type,
    Description: ns.description,
    ServiceCount: serviceCount,
    Properties: {
      DnsProperties: ns.type === 'HTTP' ? {} : { HostedZoneId: ns.hostedZoneId, SOA: { TTL: ns.soaTtl } },
      HttpProperties: { HttpName: ns.name },
    },
    CreateDate: ns.createdAt,
    CreatorRequestId: ns.creatorRequestId,
  };
}

export function namespaceOperations(sd: DiscoveryContext) {
  const { tables } = sd;
  const create = (type: NamespaceType, input: { Name?: string; CreatorRequestId?: string; Description?: string; Tags?: NamespaceRecord['tags'] }, ctx: RequestContext, extra: Partial<NamespaceRecord>) => {
    const name = input.Name!;
    if (type !== 'HTTP') checkDnsName(name);
    return sd.withOperation('CREATE_NAMESPACE', (txn) => {
      const claim = tables.names.get(nsNameKey(name));
      if (claim) throw new NamespaceAlreadyExists(`Namespace with name ${name} already exists (${claim.value.id}).`);
      const id = namespaceId(sd.random);
      const ns: NamespaceRecord = {
        id,
        arn: arn(ctx.region, ctx.accountId, 'namespace', id),
        name: type === 'HTTP' ? name : name.replace(/\.$/, ''),
        type,
        description: input.Description,
        creatorRequestId: input.CreatorRequestId,
        tags: input.Tags ?? [],
        createdAt: sd.now(),
        ...(type === 'HTTP' ? {} : { hostedZoneId: hostedZoneId(sd.random), soaTtl: DEFAULT_SOA_TTL }),
        ...extra,
      };
      txn.put(tables.names, nsNameKey(name), { id }, 0).put(tables.namespaces, id, ns, 0);
      return { NAMESPACE: id };
    });
  };
  const update = (type: NamespaceType, input: { Id?: string; Namespace?: { Description?: string; Properties?: { DnsProperties?: { SOA?: { TTL?: number } } } } }) =>
    sd.withOperation('UPDATE_NAMESPACE', (txn) => {
      const row = sd.namespace(input.Id!);
      if (row.value.type !== type) throw new InvalidInput(`Namespace ${row.value.id} is of type ${row.value.type}, not ${type}.`);
      const change = input.Namespace ?? {};
      const ttl = change.Properties?.DnsProperties?.SOA?.TTL;
      txn.put(tables.namespaces, row.id, {
        ...row.value,
        ...(change.Description !== undefined ? { description: change.Description } : {}),
        ...(ttl !== undefined ? { soaTtl: ttl } : {}),
      }, row.modRevision);
      return { NAMESPACE: row.id };
    });

  return {
    CreatePrivateDnsNamespace(input: CreatePrivateDnsNamespaceRequest, ctx: RequestContext) {
      const ttl = input.Properties?.DnsProperties?.SOA?.TTL;
      return create('DNS_PRIVATE', input, ctx, { vpc: input.Vpc, ...(ttl !== undefined ? { soaTtl: ttl } : {}) });
    },
    CreatePublicDnsNamespace(input: CreatePublicDnsNamespaceRequest, ctx: RequestContext) {
      const ttl = input.Properties?.DnsProperties?.SOA?.TTL;
      return create('DNS_PUBLIC', input, ctx, ttl !== undefined ? { soaTtl: ttl } : {});
    },
    CreateHttpNamespace(input: CreateHttpNamespaceRequest, ctx: RequestContext) {
      return create('HTTP', input, ctx, {});
    },
    GetNamespace(input: GetNamespaceRequest, ctx: RequestContext) {
      return { Namespace: presentNamespace(sd, sd.namespace(input.Id!).value, ctx) };
    },
    ListNamespaces(input: ListNamespacesRequest, ctx: RequestContext) {
      const found = [...tables.namespaces.values()].map((r) => r.value).filter((ns) =>
        (input.Filters ?? []).every((f) => {
          if (f.Name === 'TYPE') return filterMatches(f, ns.type);
          if (f.Name === 'NAME') return filterMatches(f, ns.name, ['EQ', 'BEGINS_WITH']);
          if (f.Name === 'HTTP_NAME') return filterMatches(f, ns.name, ['EQ', 'BEGINS_WITH']);
          return filterMatches(f, ctx.accountId, ['EQ']);
        }),
      );
      found.sort((a, b) => (a.id < b.id ? -1 : 1));
      const { items, next } = page(found, (n) => n.id, input.MaxResults, input.NextToken);
      return {
        Namespaces: items.map((ns) => {
          const { CreatorRequestId: _omit, ...summary } = presentNamespace(sd, ns, ctx);
          return summary;
        }),
        NextToken: next,
      };
    },
    UpdatePrivateDnsNamespace: (input: UpdatePrivateDnsNamespaceRequest) => update('DNS_PRIVATE', input),
    UpdatePublicDnsNamespace: (input: UpdatePublicDnsNamespaceRequest) => update('DNS_PUBLIC', input),
    UpdateHttpNamespace: (input: UpdateHttpNamespaceRequest) => update('HTTP', input),
    DeleteNamespace(input: DeleteNamespaceRequest) {
      return sd.withOperation('DELETE_NAMESPACE', (txn) => {
        const row = sd.namespace(input.Id!);
        const services = [...tables.services.byIndex('namespace', row.id)];
        if (services.length > 0) throw new ResourceInUse(`Namespace ${row.id} has ${services.length} service(s): delete them first.`);
        // Guard on "still no services": a concurrent CreateService guards on the namespace row the other way.
        txn.delete(tables.namespaces, row.id, row.modRevision);
        const claim = tables.names.get(nsNameKey(row.value.name));
        if (claim?.value.id === row.id) txn.delete(tables.names, claim.id, claim.modRevision);
        return { NAMESPACE: row.id };
      });
    },
  };
}
