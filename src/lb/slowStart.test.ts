// Slow start as ELBv2 has it: who enters it (HealthBook) and the share a warming target gets (Balancer).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Table, type StateCache } from '../store/cache.js';
import { applyAttributes, TG_ATTRIBUTE_DEFAULTS } from './attributes.js';
import { Balancer } from './balancer.js';
import { HealthBook } from './health.js';
import { createElbTables, type TargetGroupRecord } from './tables.js';

const cacheStub = { table: (spec: { prefix: string; indexes?: Record<string, never> }) => new Table(spec.prefix, spec.indexes) };

function group(slowStartSeconds: number) {
  const tables = createElbTables(cacheStub as unknown as StateCache);
  const tg: TargetGroupRecord = {
    arn: 'arn:tg', name: 'tg', id: 'tg1', protocol: 'HTTP', protocolVersion: 'HTTP1', port: 80, vpcId: 'vpc-1', targetType: 'ip',
    healthCheck: { enabled: true, protocol: 'HTTP', port: 'traffic-port', path: '/', intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 1, unhealthyThreshold: 1, matcher: '200' },
    attributes: { ...TG_ATTRIBUTE_DEFAULTS, 'slow_start.duration_seconds': String(slowStartSeconds) }, tags: [], createdAt: new Date(),
  };
  tables.targetGroups.apply(tg.id, { id: tg.id, value: tg, modRevision: 1 });
  const register = (ip: string) =>
    tables.targets.apply(`tg1/${ip}:80`, { id: `tg1/${ip}:80`, value: { targetGroupArn: tg.arn, targetId: ip, port: 80, registeredAt: new Date(), state: 'registered' }, modRevision: 1 });
  return { tables, tg, register };
}

afterEach(() => vi.useRealTimers());

describe('slow start', () => {
  it('follows ELBv2: a new target warms up only beside a healthy target that is not warming up itself', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { tg } = group(60);
    const book = new HealthBook();
    book.record('tg1/127.0.0.1:80', tg, undefined);
    expect(book.warmingSince('tg1/127.0.0.1:80')).toBeUndefined();
    book.record('tg1/127.0.0.2:80', tg, undefined);
    expect(book.warmingSince('tg1/127.0.0.2:80')).toBe(1_000_000);
    // A third one beside a warm one and a warming one: the warm one is enough.
    book.record('tg1/127.0.0.3:80', tg, undefined);
    expect(book.warmingSince('tg1/127.0.0.3:80')).toBe(1_000_000);
    // Unhealthy leaves slow start; healthy again enters it anew.
    vi.setSystemTime(1_010_000);
    book.record('tg1/127.0.0.2:80', tg, ['Target.Timeout', 'Request timed out']);
    expect(book.warmingSince('tg1/127.0.0.2:80')).toBeUndefined();
    book.record('tg1/127.0.0.2:80', tg, undefined);
    expect(book.warmingSince('tg1/127.0.0.2:80')).toBe(1_010_000);
    // Off: nobody warms up.
    const off = group(0);
    const book2 = new HealthBook();
    book2.record('tg1/127.0.0.1:80', off.tg, undefined);
    book2.record('tg1/127.0.0.2:80', off.tg, undefined);
    expect(book2.warmingSince('tg1/127.0.0.2:80')).toBeUndefined();
  });

  it('gives a warming target a share that grows linearly to its full share', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { tables, tg, register } = group(100);
    register('127.0.0.1');
    register('127.0.0.2');
    const book = new HealthBook();
    book.record('tg1/127.0.0.1:80', tg, undefined);
    book.record('tg1/127.0.0.2:80', tg, undefined);
    const balancer = new Balancer(tables, book, () => undefined);
    const share = () => {
      let n = 0;
      for (let i = 0; i < 4000; i++) if (balancer.pick(tg.arn)!.host === '127.0.0.2') n++;
      return n / 4000;
    };
    expect(share()).toBe(0); // weight 0 at the start
    vi.setSystemTime(1_000_000 + 50_000); // half way: weight 0.5 against 1 → a third of the requests
    expect(share()).toBeGreaterThan(0.28);
    expect(share()).toBeLessThan(0.39);
    vi.setSystemTime(1_000_000 + 100_000); // warmed up: round robin again, exactly half
    expect(share()).toBe(0.5);
  });

  it('cannot be enabled with the least outstanding requests or weighted random algorithms', () => {
    const on = { Key: 'slow_start.duration_seconds', Value: '30' };
    expect(() => applyAttributes('target group', TG_ATTRIBUTE_DEFAULTS, [on, { Key: 'load_balancing.algorithm.type', Value: 'least_outstanding_requests' }]))
      .toThrow('You cannot enable both slow start mode and least outstanding requests algorithm on a target group');
    expect(() => applyAttributes('target group', { ...TG_ATTRIBUTE_DEFAULTS, 'load_balancing.algorithm.type': 'weighted_random' }, [on]))
      .toThrow('You cannot enable both slow start and weighted random algorithm on a target group');
    expect(applyAttributes('target group', TG_ATTRIBUTE_DEFAULTS, [on])['slow_start.duration_seconds']).toBe('30');
  });
});
