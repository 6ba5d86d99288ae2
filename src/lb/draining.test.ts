// Draining reacts to the store: a deregistration with nothing in flight completes as soon as the target turns
// draining, and one held by a request in flight as soon as that request ends, not at the drainer's next period.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateCache, Txn } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { TG_ATTRIBUTE_DEFAULTS } from './attributes.js';
import { Balancer } from './balancer.js';
import { Drainer } from './draining.js';
import { HealthBook } from './health.js';
import { createElbTables, type TargetGroupRecord } from './tables.js';
import { markDraining } from './targets.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** A period far longer than any test: whatever completes did so on an event. */
const PERIOD_MS = 60_000;

async function setup(replicated: boolean) {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'wharf-draining-')), 'state.db'));
  const cache = new StateCache(store);
  const tables = createElbTables(cache);
  await cache.start();
  const lease = await store.grantLease(30);
  const tg: TargetGroupRecord = {
    arn: 'arn:tg', name: 'tg', id: 'tg1', protocol: 'HTTP', protocolVersion: 'HTTP1', port: 80, vpcId: 'vpc-1', targetType: 'ip',
    healthCheck: { enabled: true, protocol: 'HTTP', port: 'traffic-port', path: '/', intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2, matcher: '200' },
    // ELBv2's default delay: completion must not wait for it.
    attributes: { ...TG_ATTRIBUTE_DEFAULTS, 'deregistration_delay.timeout_seconds': '300' }, tags: [], createdAt: new Date(),
  };
  const key = 'tg1/127.0.0.9:80';
  await cache.commit(
    new Txn()
      .put(tables.targetGroups, tg.id, tg, 0)
      .put(tables.targets, key, { targetGroupArn: tg.arn, targetId: '127.0.0.9', port: 80, registeredAt: new Date(), state: 'registered' }, 0),
  );
  const balancer = new Balancer(tables, new HealthBook(), () => undefined);
  const replica = replicated ? { id: 'r1', leaseId: () => lease.id, live: () => ['r1'] } : undefined;
  const drainer = new Drainer(cache, tables, balancer, undefined, replica, PERIOD_MS);
  drainer.start();
  stops.push(async () => {
    drainer.stop();
    cache.stop();
    await store.close();
  });
  const deregister = async () => {
    const t0 = Date.now();
    await markDraining(cache, tables, tg.arn, [{ Id: '127.0.0.9', Port: 80 }]);
    return { done: drainer.whenComplete(key).then(() => Date.now() - t0) };
  };
  return { balancer, key, deregister, tables };
}

describe('draining', () => {
  for (const replicated of [true, false]) {
    it(`completes a deregistration with nothing in flight at once${replicated ? ' (replica acknowledgements)' : ''}`, async () => {
      const { deregister, tables, key } = await setup(replicated);
      const { done } = await deregister();
      expect(await done).toBeLessThan(2000);
      expect(tables.targets.get(key)?.value.state).toBe('draining'); // still shown until the delay passes
      if (replicated) expect(tables.drainAcks.get(`${key}|r1`)).toBeDefined();
    });

    it(`completes it when the request in flight ends${replicated ? ' (replica acknowledgements)' : ''}`, async () => {
      const { deregister, balancer, key } = await setup(replicated);
      balancer.begin(key);
      const { done } = await deregister();
      let finished = false;
      void done.then(() => (finished = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(finished).toBe(false);
      const ended = Date.now();
      balancer.end(key);
      await done;
      expect(Date.now() - ended).toBeLessThan(2000);
    });
  }
});
