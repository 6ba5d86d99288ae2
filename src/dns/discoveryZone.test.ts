import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryTables, instanceKey, type DiscoveryTables, type InstanceRecord, type ServiceRecord } from '../discovery/tables.js';
import { StateCache, Txn } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { discoveryZone } from './discoveryZone.js';

let store: SqliteStore;
let cache: StateCache;
let tables: DiscoveryTables;

const service = (id: string, name: string, records: ServiceRecord['dns'], extra: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id, arn: id, name, namespaceId: 'ns-1', type: 'DNS_HTTP', dns: records, instancesRevision: 0, tags: [], createdAt: new Date(0), ...extra,
});
const instance = (serviceId: string, instanceId: string, attributes: Record<string, string>, health?: InstanceRecord['health']): InstanceRecord => ({
  serviceId, instanceId, attributes, health, createdAt: new Date(0),
});

beforeAll(async () => {
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'wharf-dz-')), 'state.db'));
  cache = new StateCache(store);
  tables = createDiscoveryTables(cache);
  await cache.start();
  const txn = new Txn().put(tables.namespaces, 'ns-1', { id: 'ns-1', arn: 'a', name: 'corp.test', type: 'DNS_PRIVATE', soaTtl: 20, tags: [], createdAt: new Date(0) });
  txn.put(tables.services, 'srv-web', service('srv-web', 'web', { routingPolicy: 'MULTIVALUE', records: [{ type: 'A', ttl: 30 }, { type: 'SRV', ttl: 40 }] }, { customHealth: {} }));
  txn.put(tables.services, 'srv-one', service('srv-one', 'one', { routingPolicy: 'WEIGHTED', records: [{ type: 'A', ttl: 30 }] }));
  txn.put(tables.services, 'srv-alias', service('srv-alias', 'alias', { routingPolicy: 'WEIGHTED', records: [{ type: 'CNAME', ttl: 50 }] }));
  txn.put(tables.services, 'srv-empty', service('srv-empty', 'empty', { routingPolicy: 'MULTIVALUE', records: [{ type: 'A', ttl: 30 }] }));
  for (let i = 1; i <= 10; i++) {
    txn.put(tables.instances, instanceKey('srv-web', `i${i}`), instance('srv-web', `i${i}`, { AWS_INSTANCE_IPV4: `127.0.9.${i}`, AWS_INSTANCE_PORT: '80' }, i === 10 ? 'UNHEALTHY' : 'HEALTHY'));
    txn.put(tables.instances, instanceKey('srv-one', `i${i}`), instance('srv-one', `i${i}`, { AWS_INSTANCE_IPV4: `127.0.8.${i}` }));
  }
  txn.put(tables.instances, instanceKey('srv-alias', 'c'), instance('srv-alias', 'c', { AWS_INSTANCE_CNAME: 'elsewhere.example' }));
  await cache.commit(txn);
});

afterAll(async () => {
  cache.stop();
  await store.close();
});

describe('discoveryZone', () => {
  const zone = () => discoveryZone(tables);

  it('answers up to eight healthy instances, shuffled, under MULTIVALUE', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 50; n++) {
      const a = zone().answer('web.corp.test', 'A', 'web.corp.test')!;
      expect(a.rcode).toBe('NOERROR');
      expect(a.answers).toHaveLength(8);
      for (const r of a.answers) {
        expect(r).toMatchObject({ type: 'A', ttl: 30 });
        seen.add((r as { data: string }).data);
      }
    }
    expect(seen.has('127.0.9.10')).toBe(false);
    expect(seen.size).toBe(9);
  });

  it('answers one instance under WEIGHTED, and a CNAME', () => {
    expect(zone().answer('one.corp.test', 'A', 'one.corp.test')!.answers).toHaveLength(1);
    expect(zone().answer('alias.corp.test', 'A', 'alias.corp.test')!.answers).toEqual([{ name: 'alias.corp.test', type: 'CNAME', class: 'IN', ttl: 50, data: 'elsewhere.example' }]);
  });

  it('answers SRV with the targets Cloud Map creates, and those targets', () => {
    const a = zone().answer('web.corp.test', 'SRV', 'web.corp.test')!;
    expect(a.answers).toHaveLength(8);
    const srv = a.answers[0] as { ttl: number; data: { port: number; target: string; priority: number; weight: number } };
    expect(srv.ttl).toBe(40);
    expect(srv.data).toMatchObject({ priority: 1, weight: 1, port: 80 });
    expect(srv.data.target).toMatch(/^i\d\.web\.corp\.test$/);
    expect(a.additionals).toHaveLength(8);
    expect(zone().answer('i3.web.corp.test', 'A', 'i3.web.corp.test')!.answers).toMatchObject([{ type: 'A', data: '127.0.9.3' }]);
    expect(zone().answer('i10.web.corp.test', 'A', 'i10.web.corp.test')!.answers).toEqual([]);
  });

  it('answers NXDOMAIN with the SOA for unknown names and services without instances; nothing outside', () => {
    for (const name of ['nope.corp.test', 'empty.corp.test', 'x.nope.corp.test']) {
      const a = zone().answer(name, 'A', name)!;
      expect(a.rcode).toBe('NXDOMAIN');
      expect(a.authorities).toMatchObject([{ type: 'SOA', name: 'corp.test', ttl: 20 }]);
    }
    expect(zone().answer('corp.test', 'SOA', 'corp.test')!.answers).toMatchObject([{ type: 'SOA' }]);
    expect(zone().answer('web.corp.test', 'MX', 'web.corp.test')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(zone().answer('example.org', 'A', 'example.org')).toBeUndefined();
    expect(zone().answer('test', 'A', 'test')).toBeUndefined();
  });
});
