// The service controller acts on what only time reaches at that moment, not at its next resync: a lifecycle hook
// that expires times out (and its timeoutAction moves the deployment on) when it expires, with a resync far longer
// than the test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadBalancer } from '@aws-sdk/client-ecs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlacementPools } from '../../placement/pools.js';
import type { HookRun, ServiceRecord } from '../../domain/service.js';
import { createTables } from '../../state/tables.js';
import { StateCache, Txn } from '../../store/cache.js';
import { SqliteStore } from '../../store/sqlite.js';
import { ServiceController } from './controller.js';
import { dep, service } from './testkit.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

const RESYNC_MS = 60_000;
const LB: LoadBalancer = {
  targetGroupArn: 'tg-blue', containerName: 'web', containerPort: 80,
  advancedConfiguration: { alternateTargetGroupArn: 'tg-green', productionListenerRule: 'rule-prod', testListenerRule: 'rule-test' },
};

describe('service controller deadlines', () => {
  it('times a paused hook out when it expires, not at the next resync', async () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'wharf-deadlines-')), 'state.db'));
    const cache = new StateCache(store);
    const tables = createTables(cache);
    await cache.start();
    const controller = new ServiceController({ cache, tables, pools: {} as PlacementPools, logger: pino({ level: 'silent' }), minuteMs: 60_000 });
    stops.push(async () => {
      controller.stop();
      cache.stop();
      await store.close();
    });

    // A blue/green deployment with no task to wait for, paused at POST_TEST_TRAFFIC_SHIFT by a hook that expires in
    // 700 ms and then CONTINUEs.
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 700);
    const run: HookRun = {
      hookId: 'ecs-pause-x', deploymentId: 'd2', index: 0, stage: 'POST_TEST_TRAFFIC_SHIFT', occurrence: 0, targetType: 'PAUSE',
      status: 'AWAITING_ACTION', startedAt: now, expiresAt, timeoutAction: 'CONTINUE', calls: 0,
    };
    const blue = dep('d1', { status: 'ACTIVE', rolloutState: 'COMPLETED' });
    const base = service(0, [dep('d2'), blue], {
      loadBalancers: [LB],
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 1, action: 'CONTINUE' } }],
      },
    });
    const rec: ServiceRecord = { ...base, lastCompleted: blue, blueGreen: { production: 'tg-blue', groups: { d1: 'tg-blue', d2: 'tg-green' }, hooks: [run] } };
    await cache.commit(new Txn().put(tables.services, 'c/web', rec, 0));
    controller.start(RESYNC_MS);

    const hook = () => tables.services.get('c/web')!.value.blueGreen!.hooks![0]!;
    // Still paused on the first pass.
    await new Promise((r) => setTimeout(r, 200));
    expect(hook().status).toBe('AWAITING_ACTION');
    const end = Date.now() + 5000;
    while (hook().status !== 'TIMED_OUT' && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    const seen = Date.now();
    expect(hook().status).toBe('TIMED_OUT');
    expect(seen).toBeGreaterThanOrEqual(expiresAt.getTime());
    // Acted on at once: production moved to green.
    expect(tables.services.get('c/web')!.value.blueGreen!.production).toBe('tg-green');
  });
});
