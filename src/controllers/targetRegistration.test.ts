// Target registration follows task changes as they happen: a service task turning RUNNING is registered, and one the
// scheduler stops is deregistered and moved on to STOPPING, without waiting for the periodic pass.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../domain/task.js';
import { createTables } from '../state/tables.js';
import { StateCache, Txn } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { feedTask } from '../tasks/batch.js';
import { dep, service } from './services/testkit.js';
import { TargetRegistrationController, type TargetRef } from './targetRegistration.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** Far longer than the test: what happens did so on a change. */
const RESYNC_MS = 60_000;

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('target registration', () => {
  it('registers a task when it turns RUNNING and deregisters it when the scheduler stops it, at once', async () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'wharf-targets-')), 'state.db'));
    const cache = new StateCache(store);
    const tables = createTables(cache);
    await cache.start();
    const calls: { op: string; group: string; target: TargetRef }[] = [];
    const controller = new TargetRegistrationController({
      cache,
      tables,
      logger: pino({ level: 'silent' }),
      stoppedRetentionMs: 60_000,
      registry: {
        registerTargets: async (group, [target]) => void calls.push({ op: 'register', group, target: target! }),
        deregisterTargets: async (group, [target]) => void calls.push({ op: 'deregister', group, target: target! }),
        targetState: () => 'healthy',
      },
    });
    controller.start(RESYNC_MS);
    stops.push(async () => {
      controller.stop();
      cache.stop();
      await store.close();
    });

    const svc = service(1, [dep('d1')], { loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'web', containerPort: 80 }] });
    const rec = (lastStatus: string): TaskRecord => ({
      task: { taskArn: 'arn:task/c/t1', group: 'service:web', startedBy: 'd1', lastStatus, desiredStatus: 'RUNNING', version: 1 },
      clusterName: 'c',
      hostPorts: { web: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }] },
      privateIPv4Address: '127.0.0.9',
    });
    await cache.commit(new Txn().put(tables.services, 'c/web', svc, 0).put(tables.tasks, 'c/t1', rec('PENDING'), 0));
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toEqual([]);

    const row = tables.tasks.get('c/t1')!;
    await cache.commit(new Txn().put(tables.tasks, 'c/t1', rec('RUNNING'), row.modRevision));
    await until(() => calls.length === 1);
    expect(calls[0]).toEqual({ op: 'register', group: 'arn:tg', target: { Id: '127.0.0.9', Port: 80 } });

    const ctx = () => ({ now: new Date(), stoppedRetentionMs: 60_000 });
    await feedTask(cache, tables, 'c/t1', { type: 'scheduler-stop', reason: 'replaced', deregisterFirst: true }, ctx);
    expect(tables.tasks.get('c/t1')!.value.task.lastStatus).toBe('DEACTIVATING');
    await until(() => tables.tasks.get('c/t1')!.value.task.lastStatus === 'STOPPING');
    expect(calls[1]).toEqual({ op: 'deregister', group: 'arn:tg', target: { Id: '127.0.0.9', Port: 80 } });
  });
});
