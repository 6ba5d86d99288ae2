// The Cloud Map handlers on a real store and cache: concurrent creates of one name, deletes racing creates, and
// refusals that write nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscoveryTables, type DiscoveryTables } from '../../discovery/tables.js';
import type { RequestContext } from '../../gateway/service.js';
import { StateCache } from '../../store/cache.js';
import { SqliteStore } from '../../store/sqlite.js';
import { serviceDiscoveryService } from './index.js';

const ctx = { region: 'us-east-1', accountId: '000000000000' } as RequestContext;
let store: SqliteStore;
let cache: StateCache;
let tables: DiscoveryTables;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let api: Record<string, (input: any, ctx: RequestContext) => any>;

beforeEach(async () => {
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'wharf-sd-')), 'state.db'));
  cache = new StateCache(store);
  tables = createDiscoveryTables(cache);
  await cache.start();
  api = serviceDiscoveryService({ cache, tables }).operations;
});

afterEach(async () => {
  cache.stop();
  await store.close();
});

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));

describe('Cloud Map handlers', () => {
  it('let one of two concurrent creates of a name win', async () => {
    const results = await Promise.all([1, 2, 3].map(() => code(api.CreatePrivateDnsNamespace!({ Name: 'race.test', Vpc: 'vpc-1' }, ctx))));
    expect(results.sort()).toEqual(['NamespaceAlreadyExists', 'NamespaceAlreadyExists', 'ok']);
    expect(tables.namespaces.size).toBe(1);
    expect(tables.operations.size).toBe(1);
  });

  it('never leave a service without its namespace, or an instance without its service', async () => {
    await api.CreateHttpNamespace!({ Name: 'h' }, ctx);
    const nsId = [...tables.namespaces.values()][0]!.id;
    const [created, deleted] = await Promise.all([code(api.CreateService!({ Name: 's', NamespaceId: nsId }, ctx)), code(api.DeleteNamespace!({ Id: nsId }, ctx))]);
    if (deleted === 'ok') expect(tables.services.size).toBe(0);
    else expect([created, deleted]).toEqual(['ok', 'ResourceInUse']);
    if (created === 'ok') expect(tables.namespaces.size).toBe(1);

    await api.CreateHttpNamespace!({ Name: 'h2' }, ctx);
    const ns2 = [...tables.namespaces.values()].find((n) => n.value.name === 'h2')!.id;
    const svc = await api.CreateService!({ Name: 's2', NamespaceId: ns2 }, ctx);
    const [reg, del] = await Promise.all([
      code(api.RegisterInstance!({ ServiceId: svc.Service.Id, InstanceId: 'i', Attributes: { a: 'b' } }, ctx)),
      code(api.DeleteService!({ Id: svc.Service.Id }, ctx)),
    ]);
    const svcLeft = tables.services.get(svc.Service.Id);
    const instances = tables.instances.countByIndex('service', svc.Service.Id);
    expect(svcLeft || instances === 0).toBeTruthy();
    expect([reg, del]).not.toEqual(['ok', 'ok']);
  });

  it('write nothing on a refusal', async () => {
    await api.CreatePrivateDnsNamespace!({ Name: 'corp.test', Vpc: 'vpc-1' }, ctx);
    const nsId = [...tables.namespaces.values()][0]!.id;
    const svc = await api.CreateService!({ Name: 'web', NamespaceId: nsId, DnsConfig: { DnsRecords: [{ Type: 'SRV', TTL: 5 }] } }, ctx);
    const revision = cache.revision;
    expect(await code(api.RegisterInstance!({ ServiceId: svc.Service.Id, InstanceId: 'i', Attributes: { AWS_INSTANCE_IPV4: '127.0.9.1' } }, ctx))).toBe('InvalidInput');
    expect(await code(api.CreateService!({ Name: 'web', NamespaceId: nsId }, ctx))).toBe('ServiceAlreadyExists');
    expect(await code(api.UpdateService!({ Id: svc.Service.Id, Service: { DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 5 }] } } }, ctx))).toBe('InvalidInput');
    expect(await code(api.UpdateHttpNamespace!({ Id: nsId, Namespace: { Description: 'x' } }, ctx))).toBe('InvalidInput');
    expect(await code(api.DeregisterInstance!({ ServiceId: svc.Service.Id, InstanceId: 'ghost' }, ctx))).toBe('InstanceNotFound');
    expect(cache.revision).toBe(revision);
  });

  it('moves custom health and the instances revision as Cloud Map does', async () => {
    await api.CreateHttpNamespace!({ Name: 'h' }, ctx);
    const nsId = [...tables.namespaces.values()][0]!.id;
    const svc = await api.CreateService!({ Name: 's', NamespaceId: nsId, HealthCheckCustomConfig: {} }, ctx);
    await api.RegisterInstance!({ ServiceId: svc.Service.Id, InstanceId: 'a', Attributes: { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' } }, ctx);
    await api.RegisterInstance!({ ServiceId: svc.Service.Id, InstanceId: 'b', Attributes: {} }, ctx);
    expect(api.GetInstancesHealthStatus!({ ServiceId: svc.Service.Id }, ctx).Status).toEqual({ a: 'UNHEALTHY', b: 'HEALTHY' });
    await api.UpdateInstanceCustomHealthStatus!({ ServiceId: svc.Service.Id, InstanceId: 'a', Status: 'HEALTHY' }, ctx);
    const d = api.DiscoverInstances!({ NamespaceName: 'h', ServiceName: 's' }, ctx);
    expect(d.Instances.map((i: { InstanceId: string }) => i.InstanceId).sort()).toEqual(['a', 'b']);
    expect(d.InstancesRevision).toBe(2);
    await api.DeregisterInstance!({ ServiceId: svc.Service.Id, InstanceId: 'b' }, ctx);
    expect(api.DiscoverInstancesRevision!({ NamespaceName: 'h', ServiceName: 's' }, ctx).InstancesRevision).toBe(3);
  });
});
