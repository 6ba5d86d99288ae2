// The launch path against a real store: a plan becomes tasks, reservations and address claims in one
// transaction; a claimed address is never handed out twice, even by two writers racing; stopping gives it back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { taskDemand, type Plan } from '../scheduler/index.js';
import { StateCache, Txn } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { createTables, type ContainerInstanceRecord, type Tables } from '../state/tables.js';
import { TaskBatch } from './batch.js';
import { launch, type LaunchSpec } from './launch.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const NOW = new Date('2026-01-01T00:00:00Z');
const ARN = 'arn:aws:ecs:us-east-1:000000000000:container-instance/c/i1';
const TD: TaskDefinition = {
  family: 'web',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
  networkMode: 'awsvpc',
  containerDefinitions: [
    { name: 'app', image: 'busybox', memory: 128, cpu: 128, essential: true },
    { name: 'log', image: 'busybox', memory: 64, essential: false },
  ],
};

async function setup(extra: { name: string; value: string }[] = []): Promise<{ cache: StateCache; tables: Tables }> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-launch-'));
  dirs.push(dir);
  const cache = new StateCache(new SqliteStore(join(dir, 'state.db')));
  const tables = createTables(cache);
  await cache.start();
  const ci: ContainerInstanceRecord = {
    clusterName: 'c',
    containerInstanceArn: ARN,
    status: 'ACTIVE',
    remainingResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
    ],
    pendingTasksCount: 0,
    runningTasksCount: 0,
    attributes: [{ name: 'ecs.availability-zone', value: 'us-east-1b' }, ...extra],
  };
  await cache.commit(new Txn().put(tables.containerInstances, 'c/i1', ci, 0));
  return { cache, tables };
}

function spec(count: number): LaunchSpec {
  return {
    ctx: { region: 'us-east-1', accountId: '000000000000' },
    clusterName: 'c',
    clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/c',
    taskDefinition: TD,
    launches: Array.from({ length: count }, () => ({ launchType: 'EC2' as const })),
    group: 'family:web',
    tags: [],
    demand: taskDemand(TD),
  };
}

const plan = (count: number): Plan => ({
  group: 'family:web',
  demand: taskDemand(TD),
  placements: Array.from({ length: count }, () => ({ instanceArn: ARN, hostPorts: [] })),
  unplaced: 0,
  rejections: [],
});

const ctx = { now: NOW, stoppedRetentionMs: 1000 };

describe('launch', () => {
  it('writes the tasks, one reservation per instance and an address claim per task', async () => {
    const { cache, tables } = await setup();
    const records = await cache.update(() => {
      const batch = new TaskBatch(tables, ctx);
      const recs = launch(batch, spec(3), plan(3));
      return { txn: batch.done(), result: recs };
    });
    expect(records.map((r) => r.privateIPv4Address)).toEqual(['127.1.0.1', '127.1.0.2', '127.1.0.3']);
    expect(records[0]).toMatchObject({ instanceKey: 'c/i1', essentialContainers: ['app'], task: { lastStatus: 'PROVISIONING', availabilityZone: 'us-east-1b' } });
    const ci = tables.containerInstances.get('c/i1')!.value;
    expect(ci.remainingResources!.find((r) => r.name === 'MEMORY')!.integerValue).toBe(2048 - 3 * 192);
    expect(ci.pendingTasksCount).toBe(3);
    expect([...tables.taskAddresses.values()].map((r) => r.id).sort()).toEqual(['127.1.0.1', '127.1.0.2', '127.1.0.3']);
  });

  it("takes addresses from the instance's own pool (wharf.task-address-pool), skipping .0 and .255", async () => {
    const { cache, tables } = await setup([{ name: 'wharf.task-address-pool', value: '127.1.42.0/24' }]);
    const records = await cache.update(() => {
      const batch = new TaskBatch(tables, ctx);
      const recs = launch(batch, spec(2), plan(2));
      return { txn: batch.done(), result: recs };
    });
    expect(records.map((r) => r.privateIPv4Address)).toEqual(['127.1.42.1', '127.1.42.2']);
  });

  it('two writers on one view never share an address: the loser is re-made on fresh reads', async () => {
    const { cache, tables } = await setup();
    let attempts = 0;
    const run = () =>
      cache.update(() => {
        attempts++;
        const batch = new TaskBatch(tables, ctx);
        const recs = launch(batch, spec(1), plan(1));
        return { txn: batch.done(), result: recs[0]!.privateIPv4Address };
      });
    const got = await Promise.all([run(), run()]);
    expect(new Set(got).size).toBe(2);
    expect(tables.taskAddresses.get(got[0]!)!.value.task).not.toBe(tables.taskAddresses.get(got[1]!)!.value.task);
    expect(attempts).toBeGreaterThanOrEqual(2);
  });

  it('a stopped task gives its reservation and its address back, and the address is handed out again', async () => {
    const { cache, tables } = await setup();
    const [rec] = await cache.update(() => {
      const batch = new TaskBatch(tables, ctx);
      const result = launch(batch, spec(1), plan(1));
      return { txn: batch.done(), result };
    });
    const id = `c/${rec!.task.taskArn!.split('/').pop()}`;
    await cache.update(() => {
      const batch = new TaskBatch(tables, ctx);
      batch.apply(tables.tasks.get(id)!, { type: 'host-lost' });
      return { txn: batch.done(), result: null };
    });
    const ci = tables.containerInstances.get('c/i1')!.value;
    expect(ci.remainingResources!.find((r) => r.name === 'MEMORY')!.integerValue).toBe(2048);
    expect(ci.pendingTasksCount).toBe(0);
    expect(tables.taskAddresses.get('127.1.0.1')).toBeUndefined();
    const again = await cache.update(() => {
      const batch = new TaskBatch(tables, ctx);
      const result = launch(batch, spec(1), plan(1));
      return { txn: batch.done(), result };
    });
    expect(again[0]!.privateIPv4Address).toBe('127.1.0.1');
  });

  it('two tasks of one instance stopped in one batch both give their reservation back', async () => {
    const { cache, tables } = await setup();
    const recs = await cache.update(() => {
      const batch = new TaskBatch(tables, ctx);
      const result = launch(batch, spec(2), plan(2));
      return { txn: batch.done(), result };
    });
    await cache.update(() => {
      const batch = new TaskBatch(tables, ctx);
      for (const r of recs) batch.apply(tables.tasks.get(`c/${r.task.taskArn!.split('/').pop()}`)!, { type: 'launch-failed', reason: 'no log group' });
      return { txn: batch.done(), result: null };
    });
    const ci = tables.containerInstances.get('c/i1')!.value;
    expect(ci.remainingResources!.find((r) => r.name === 'MEMORY')!.integerValue).toBe(2048);
    expect(ci.remainingResources!.find((r) => r.name === 'CPU')!.integerValue).toBe(1024);
    expect(ci.pendingTasksCount).toBe(0);
    expect([...tables.taskAddresses.values()]).toEqual([]);
  });
});
