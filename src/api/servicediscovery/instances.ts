// Instances: register (create or replace), deregister, get, list, discover (attribute filters, health filter,
// shuffled), the instances' revision, health status, and custom health updates.
import type {
  DeregisterInstanceRequest, DiscoverInstancesRequest, DiscoverInstancesRevisionRequest, GetInstanceRequest,
  GetInstancesHealthStatusRequest, ListInstancesRequest, RegisterInstanceRequest, UpdateInstanceCustomHealthStatusRequest,
} from '@aws-sdk/client-servicediscovery';
import { CustomHealthNotFound, InstanceNotFound, NamespaceNotFound, ServiceNotFound } from '../../discovery/errors.js';
import { checkInstance, discover, healthOf } from '../../discovery/rules.js';
import { first, instanceKey, nsNameKey, type InstanceRecord, type ServiceRecord } from '../../discovery/tables.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import { page, type DiscoveryContext } from './context.js';

export function instanceOperations(sd: DiscoveryContext) {
  const { tables } = sd;
  const instance = (svc: ServiceRecord, id: string) => {
    const row = tables.instances.get(instanceKey(svc.id, id));
    if (!row) throw new InstanceNotFound(`Instance not found: ${id} in service ${svc.id}`);
    return row;
  };
  const instancesOf = (svcId: string) => [...tables.instances.byIndex('service', svcId)].map((r) => r.value).sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
  /** DiscoverInstances names the namespace by its HttpName and the service by its name. */
  const byNames = (nsName: string, svcName: string) => {
    const nsId = tables.names.get(nsNameKey(nsName))?.value.id;
    if (!nsId || !tables.namespaces.get(nsId)) throw new NamespaceNotFound(`Namespace not found: ${nsName}`);
    const svc = first(tables.services.byIndex('dnsName', `${nsId}/${svcName.toLowerCase()}`));
    if (!svc) throw new ServiceNotFound(`Service not found: ${svcName} in namespace ${nsName}`);
    return { ns: tables.namespaces.get(nsId)!.value, svc: svc.value };
  };

  return {
    RegisterInstance(input: RegisterInstanceRequest) {
      return sd.withOperation('REGISTER_INSTANCE', (txn) => {
        const svcRow = sd.service(input.ServiceId!);
        const svc = svcRow.value;
        const attrs = { ...(input.Attributes ?? {}) };
        checkInstance(svc, input.InstanceId!, attrs);
        const key = instanceKey(svc.id, input.InstanceId!);
        const old = tables.instances.get(key);
        const init = attrs.AWS_INIT_HEALTH_STATUS as InstanceRecord['health'];
        const rec: InstanceRecord = {
          serviceId: svc.id,
          instanceId: input.InstanceId!,
          creatorRequestId: input.CreatorRequestId,
          attributes: attrs,
          health: svc.customHealth ? (init ?? old?.value.health ?? 'HEALTHY') : undefined,
          createdAt: old?.value.createdAt ?? sd.now(),
        };
        txn.put(tables.instances, key, rec, old?.modRevision ?? 0);
        txn.put(tables.services, svc.id, { ...svc, instancesRevision: svc.instancesRevision + 1 }, svcRow.modRevision);
        return { INSTANCE: input.InstanceId!, SERVICE: svc.id };
      });
    },
    DeregisterInstance(input: DeregisterInstanceRequest) {
      return sd.withOperation('DEREGISTER_INSTANCE', (txn) => {
        const svcRow = sd.service(input.ServiceId!);
        const row = instance(svcRow.value, input.InstanceId!);
        txn.delete(tables.instances, row.id, row.modRevision);
        txn.put(tables.services, svcRow.id, { ...svcRow.value, instancesRevision: svcRow.value.instancesRevision + 1 }, svcRow.modRevision);
        return { INSTANCE: input.InstanceId!, SERVICE: svcRow.id };
      });
    },
    GetInstance(input: GetInstanceRequest, ctx: RequestContext) {
      const inst = instance(sd.service(input.ServiceId!).value, input.InstanceId!).value;
      return {
        ResourceOwner: ctx.accountId,
        Instance: { Id: inst.instanceId, CreatorRequestId: inst.creatorRequestId, Attributes: inst.attributes, CreatedByAccount: ctx.accountId },
      };
    },
    ListInstances(input: ListInstancesRequest, ctx: RequestContext) {
      const svc = sd.service(input.ServiceId!).value;
      const { items, next } = page(instancesOf(svc.id), (i) => i.instanceId, input.MaxResults, input.NextToken);
      return {
        ResourceOwner: ctx.accountId,
        Instances: items.map((i) => ({ Id: i.instanceId, Attributes: i.attributes, CreatedByAccount: ctx.accountId })),
        NextToken: next,
      };
    },
    DiscoverInstances(input: DiscoverInstancesRequest) {
      const { ns, svc } = byNames(input.NamespaceName!, input.ServiceName!);
      const found = discover(svc, instancesOf(svc.id), {
        query: input.QueryParameters,
        optional: input.OptionalParameters,
        health: input.HealthStatus,
        max: input.MaxResults,
      }, sd.random);
      return {
        Instances: found.map((i) => ({
          InstanceId: i.instanceId,
          NamespaceName: ns.name,
          ServiceName: svc.name,
          HealthStatus: healthOf(svc, i),
          Attributes: i.attributes,
        })),
        InstancesRevision: svc.instancesRevision,
      };
    },
    DiscoverInstancesRevision(input: DiscoverInstancesRevisionRequest) {
      return { InstancesRevision: byNames(input.NamespaceName!, input.ServiceName!).svc.instancesRevision };
    },
    GetInstancesHealthStatus(input: GetInstancesHealthStatusRequest) {
      const svc = sd.service(input.ServiceId!).value;
      const wanted = input.Instances ? input.Instances.map((id) => instance(svc, id).value) : instancesOf(svc.id);
      const { items, next } = page(wanted, (i) => i.instanceId, input.MaxResults, input.NextToken);
      return { Status: Object.fromEntries(items.map((i) => [i.instanceId, healthOf(svc, i)])), NextToken: next };
    },
    UpdateInstanceCustomHealthStatus(input: UpdateInstanceCustomHealthStatusRequest) {
      return sd.cache.update(() => {
        const svc = sd.service(input.ServiceId!).value;
        if (!svc.customHealth) throw new CustomHealthNotFound(`Service ${svc.id} has no HealthCheckCustomConfig.`);
        const row = instance(svc, input.InstanceId!);
        const txn = new Txn();
        if (row.value.health !== input.Status) txn.put(tables.instances, row.id, { ...row.value, health: input.Status as InstanceRecord['health'] }, row.modRevision);
        return { txn, result: {} };
      });
    },
  };
}
