import { describe, expect, it } from 'vitest';
import { InvalidInput } from './errors.js';
import { checkDnsConfig, checkDnsName, checkHealthConfig, checkInstance, discover, idOf, namespaceId, operationId, serviceId } from './rules.js';
import type { InstanceRecord, ServiceRecord } from './tables.js';

let seq = 0;
const random = (n: number) => seq++ % n;
const svc = (over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id: 'srv-1', arn: 'arn', name: 'api', namespaceId: 'ns-1', type: 'DNS_HTTP', instancesRevision: 0, tags: [], createdAt: new Date(0),
  dns: { routingPolicy: 'MULTIVALUE', records: [{ type: 'A', ttl: 10 }] }, ...over,
});
const inst = (id: string, attributes: Record<string, string>, health?: 'HEALTHY' | 'UNHEALTHY'): InstanceRecord => ({ serviceId: 'srv-1', instanceId: id, attributes, health, createdAt: new Date(0) });

describe('ids', () => {
  it('have the shapes of Cloud Map ids', () => {
    expect(namespaceId(random)).toMatch(/^ns-[a-z0-9]{16}$/);
    expect(serviceId(random)).toMatch(/^srv-[a-z0-9]{16}$/);
    expect(operationId(random)).toMatch(/^[a-z0-9]{32}-[a-z0-9]{8}$/);
    expect(idOf('arn:aws:servicediscovery:us-east-1:000000000000:service/srv-abc')).toBe('srv-abc');
    expect(idOf('srv-abc')).toBe('srv-abc');
  });
});

describe('DNS names and records', () => {
  it('takes DNS names and refuses what is not one', () => {
    expect(() => checkDnsName('corp.example.')).not.toThrow();
    for (const bad of ['bad..name', '-a.b', 'a b.c', 'x'.repeat(64) + '.com', '']) expect(() => checkDnsName(bad)).toThrow(InvalidInput);
  });

  it('allows A, AAAA, SRV with addresses and CNAME alone under WEIGHTED', () => {
    expect(checkDnsConfig({ DnsRecords: [{ Type: 'A', TTL: 60 }, { Type: 'SRV', TTL: 60 }] }).routingPolicy).toBe('MULTIVALUE');
    expect(checkDnsConfig({ RoutingPolicy: 'WEIGHTED', DnsRecords: [{ Type: 'CNAME', TTL: 0 }] }).records).toEqual([{ type: 'CNAME', ttl: 0 }]);
    expect(() => checkDnsConfig({ DnsRecords: [{ Type: 'CNAME', TTL: 60 }] })).toThrow(/WEIGHTED/);
    expect(() => checkDnsConfig({ RoutingPolicy: 'WEIGHTED', DnsRecords: [{ Type: 'CNAME', TTL: 60 }, { Type: 'A', TTL: 60 }] })).toThrow(InvalidInput);
    expect(() => checkDnsConfig({ DnsRecords: [{ Type: 'A', TTL: 60 }, { Type: 'A', TTL: 30 }] })).toThrow(InvalidInput);
    expect(() => checkDnsConfig({ DnsRecords: [] })).toThrow(InvalidInput);
    expect(() => checkDnsConfig({ DnsRecords: [{ Type: 'A', TTL: 2147483648 }] })).toThrow(/TTL/);
  });

  it('keeps HealthCheckConfig to public namespaces and apart from custom health', () => {
    expect(() => checkHealthConfig('DNS_PUBLIC', { Type: 'HTTP' }, undefined)).not.toThrow();
    expect(() => checkHealthConfig('DNS_PRIVATE', { Type: 'HTTP' }, undefined)).toThrow(InvalidInput);
    expect(() => checkHealthConfig('DNS_PUBLIC', { Type: 'HTTP' }, {})).toThrow(InvalidInput);
  });
});

describe('instances', () => {
  it('need what their records need', () => {
    const srv = svc({ dns: { routingPolicy: 'MULTIVALUE', records: [{ type: 'SRV', ttl: 10 }] } });
    expect(() => checkInstance(srv, 'i1', { AWS_INSTANCE_IPV4: '127.0.9.1' })).toThrow(/AWS_INSTANCE_PORT/);
    expect(() => checkInstance(srv, 'i1', { AWS_INSTANCE_PORT: '80' })).toThrow(/AWS_INSTANCE_IPV4 or/);
    expect(() => checkInstance(srv, 'not a label', { AWS_INSTANCE_IPV4: '127.0.9.1', AWS_INSTANCE_PORT: '80' })).toThrow(/DNS label/);
    expect(() => checkInstance(srv, 'i1', { AWS_INSTANCE_IPV4: '127.0.9.1', AWS_INSTANCE_PORT: '70000' })).toThrow(/port/);
    expect(() => checkInstance(svc(), 'i1', { AWS_INSTANCE_IPV4: '127.0.9.300' })).toThrow(/IPv4/);
    expect(() => checkInstance(svc(), 'i1', { AWS_INSTANCE_IPV4: '127.0.9.1', AWS_INIT_HEALTH_STATUS: 'HEALTHY' })).toThrow(/HealthCheckCustomConfig/);
    expect(() => checkInstance(svc({ customHealth: {} }), 'i1', { AWS_INSTANCE_IPV4: '127.0.9.1', AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' })).not.toThrow();
  });

  it('are discovered by attributes, optional attributes, health and page size', () => {
    const s = svc({ customHealth: {} });
    const all = [inst('a', { zone: '1', v: '2' }, 'HEALTHY'), inst('b', { zone: '1' }, 'UNHEALTHY'), inst('c', { zone: '2' }, 'HEALTHY')];
    const ids = (list: InstanceRecord[]) => list.map((i) => i.instanceId).sort();
    expect(ids(discover(s, all, { query: { zone: '1' }, health: 'ALL' }, random))).toEqual(['a', 'b']);
    expect(ids(discover(s, all, { query: { zone: '1' }, optional: { v: '2' }, health: 'ALL' }, random))).toEqual(['a']);
    expect(ids(discover(s, all, { query: { zone: '1' }, optional: { v: '9' }, health: 'ALL' }, random))).toEqual(['a', 'b']);
    expect(ids(discover(s, all, {}, random))).toEqual(['a', 'c']);
    expect(ids(discover(s, all, { health: 'UNHEALTHY' }, random))).toEqual(['b']);
    expect(ids(discover(s, [all[1]!], { health: 'HEALTHY_OR_ELSE_ALL' }, random))).toEqual(['b']);
    expect(discover(s, all, { health: 'ALL', max: 2 }, random)).toHaveLength(2);
    // No health check: the filter is ignored.
    expect(ids(discover(svc(), all, { health: 'HEALTHY' }, random))).toEqual(['a', 'b', 'c']);
  });
});
