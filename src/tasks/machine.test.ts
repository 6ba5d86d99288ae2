// The task machine one event at a time, then as properties over any event sequence: no task moves backwards,
// every STOPPED task has a stop code and a reason, and a reservation (and an address) is released exactly once.
import type { Task } from '@aws-sdk/client-ecs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statusRank, type TaskRecord } from '../domain/task.js';
import { next, type Effect, type Outcome, type TaskEvent } from './machine.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const CTX = { now: NOW, stoppedRetentionMs: 60_000 };

function task(opts: { awsvpc?: boolean; essential?: string[] } = {}): TaskRecord {
  const t: Task = {
    taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/c/t1',
    lastStatus: opts.awsvpc ? 'PROVISIONING' : 'PENDING',
    desiredStatus: 'RUNNING',
    version: 1,
    containers: [
      { name: 'main', lastStatus: 'PENDING' },
      { name: 'side', lastStatus: 'PENDING' },
    ],
    attachments: opts.awsvpc ? [{ id: 'att-1', type: 'ElasticNetworkInterface', status: 'PRECREATED' }] : [],
  };
  return {
    task: t,
    clusterName: 'c',
    instanceKey: 'c/i1',
    reservation: { instanceKey: 'c/i1', cpu: 256, memory: 512, tcpPorts: [], udpPorts: [] },
    hostPorts: {},
    privateIPv4Address: opts.awsvpc ? '127.1.0.1' : undefined,
    essentialContainers: opts.essential ?? ['main'],
  };
}

function ok(o: Outcome): { rec: TaskRecord; effects: Effect[]; changed: boolean } {
  if (!o.ok) throw new Error(`refused: ${o.refusal}`);
  return o;
}

/** Feeds events in order; returns the last record and every effect. */
function run(rec: TaskRecord, events: TaskEvent[]) {
  const effects: Effect[] = [];
  for (const e of events) {
    const o = ok(next(rec, e, CTX));
    rec = o.rec;
    effects.push(...o.effects);
  }
  return { rec, effects };
}

const running: TaskEvent = { type: 'agent-task', facts: { status: 'RUNNING', containers: [{ containerName: 'main', status: 'RUNNING' }, { containerName: 'side', status: 'RUNNING' }] } };

describe('agent reports', () => {
  it('PENDING and ACTIVATING move a provisioning task on and attach its interface', () => {
    const { rec } = run(task({ awsvpc: true }), [{ type: 'agent-task', facts: { status: 'PENDING', containers: [] } }]);
    expect(rec.task.lastStatus).toBe('PENDING');
    expect(rec.task.attachments![0]!.status).toBe('ATTACHED');
    expect(ok(next(rec, { type: 'agent-task', facts: { status: 'ACTIVATING', containers: [] } }, CTX)).rec.task.lastStatus).toBe('ACTIVATING');
  });

  it('RUNNING starts the task and moves it from the pending to the running count', () => {
    const o = ok(next(task(), running, CTX));
    expect(o.rec.task).toMatchObject({ lastStatus: 'RUNNING', startedAt: NOW, connectivity: 'CONNECTED', version: 2 });
    expect(o.effects).toEqual([{ type: 'promote', instanceKey: 'c/i1' }]);
  });

  it('refuses an agent going back, but takes the facts of a report the control plane has moved past', () => {
    const { rec } = run(task(), [running]);
    expect(next(rec, { type: 'agent-task', facts: { status: 'PENDING', containers: [] } }, CTX)).toMatchObject({ ok: false });
    const stopping = run(rec, [{ type: 'stop-requested', deregisterFirst: false }]).rec;
    const late = ok(next(stopping, { type: 'agent-task', facts: { status: 'RUNNING', containers: [{ containerName: 'main', status: 'RUNNING', runtimeId: 'abc' }] } }, CTX));
    expect(late.rec.task.lastStatus).toBe('STOPPING');
    expect(late.rec.task.containers![0]!.runtimeId).toBe('abc');
  });

  it('an essential container that exits at once: EssentialContainerExited, its exit code, ECS reason', () => {
    const o = ok(
      next(
        task(),
        {
          type: 'agent-task',
          facts: { status: 'STOPPED', reason: 'Essential container in task exited', containers: [{ containerName: 'main', status: 'STOPPED', exitCode: 3 }, { containerName: 'side', status: 'STOPPED', exitCode: 137 }] },
        },
        CTX,
      ),
    );
    expect(o.rec.task).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });
    expect(o.rec.task.containers![0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 3 });
    expect(o.effects).toEqual([{ type: 'release-reservation', reservation: task().reservation, wasPending: true }]);
    expect(o.rec.reservation).toBeUndefined();
    expect(o.rec.expiresAt).toEqual(new Date(NOW.getTime() + 60_000));
  });

  it('the reason defaults to ECS text when the agent gives none', () => {
    const { rec } = run(task(), [{ type: 'agent-container', facts: { containerName: 'main', status: 'STOPPED', exitCode: 0 } }, { type: 'agent-task', facts: { status: 'STOPPED', containers: [] } }]);
    expect(rec.task).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });
  });

  it('an image that cannot be pulled: TaskFailedToStart with the container reason', () => {
    const reason = 'CannotPullContainerError: pull access denied for nope';
    const { rec } = run(task(), [{ type: 'agent-task', facts: { status: 'STOPPED', containers: [{ containerName: 'main', status: 'STOPPED', reason }] } }]);
    expect(rec.task).toMatchObject({ stopCode: 'TaskFailedToStart', stoppedReason: reason });
  });

  it('a dependency that cannot be met fails the start even when another container exited with a code', () => {
    const reason = 'CannotStartContainerError: dependency init exited with code 2';
    const { rec } = run(task({ essential: ['main'] }), [
      { type: 'agent-container', facts: { containerName: 'side', status: 'STOPPED', exitCode: 2 } },
      { type: 'agent-task', facts: { status: 'STOPPED', reason, containers: [{ containerName: 'main', status: 'STOPPED', reason }] } },
    ]);
    expect(rec.task).toMatchObject({ stopCode: 'TaskFailedToStart', stoppedReason: reason });
  });

  it('a task that ran and stops without container facts: EssentialContainerExited (its pause container)', () => {
    const { rec } = run(task(), [running, { type: 'agent-task', facts: { status: 'STOPPED', reason: 'Task network namespace (pause container) exited', containers: [] } }]);
    expect(rec.task).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Task network namespace (pause container) exited' });
  });

  it('a container report changes containers and health only', () => {
    const o = ok(next(task(), { type: 'agent-container', facts: { containerName: 'main', status: 'RUNNING' } }, CTX));
    expect(o.rec.task.lastStatus).toBe('PENDING');
    expect(o.rec.task.containers![0]!.lastStatus).toBe('RUNNING');
    expect(next(task(), { type: 'agent-container', facts: { containerName: 'nope', status: 'RUNNING' } }, CTX)).toMatchObject({ ok: false });
  });

  it('health from the channel writes only a change', () => {
    const o = ok(next(task(), { type: 'agent-health', health: { main: 'HEALTHY', side: 'HEALTHY' } }, CTX));
    expect(o.rec.task.healthStatus).toBe('HEALTHY');
    expect(ok(next(o.rec, { type: 'agent-health', health: { main: 'HEALTHY' } }, CTX)).changed).toBe(false);
  });

  it('attachment statuses by id', () => {
    const o = ok(next(task({ awsvpc: true }), { type: 'agent-attachments', statuses: { 'att-1': 'ATTACHED' } }, CTX));
    expect(o.rec.task.attachments![0]!.status).toBe('ATTACHED');
    expect(ok(next(task(), { type: 'agent-attachments', statuses: { other: 'ATTACHED' } }, CTX)).changed).toBe(false);
  });
});

describe('stops decided by the control plane', () => {
  it('StopTask on a running bridge task: STOPPING, UserInitiated, ECS default reason', () => {
    const { rec } = run(task(), [running, { type: 'stop-requested', deregisterFirst: false }]);
    expect(rec.task).toMatchObject({ lastStatus: 'STOPPING', desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user', stoppingAt: NOW });
    expect(ok(next(rec, { type: 'stop-requested', reason: 'again', deregisterFirst: false }, CTX)).changed).toBe(false);
  });

  it('a FARGATE_SPOT interruption: SpotInterruption and ECS\'s reason, once', () => {
    const { rec } = run(task(), [running, { type: 'spot-interrupted', deregisterFirst: false }]);
    expect(rec.task).toMatchObject({ lastStatus: 'STOPPING', desiredStatus: 'STOPPED', stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' });
    expect(ok(next(rec, { type: 'spot-interrupted', deregisterFirst: false }, CTX)).changed).toBe(false);
  });

  it('a running awsvpc task deactivates, then the lifecycle moves it on', () => {
    const { rec } = run(task({ awsvpc: true }), [running, { type: 'scheduler-stop', reason: 'scale in', deregisterFirst: false }]);
    expect(rec.task).toMatchObject({ lastStatus: 'DEACTIVATING', stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'scale in' });
    expect(ok(next(rec, { type: 'deactivated' }, CTX)).rec.task.lastStatus).toBe('STOPPING');
  });

  it('behind a load balancer only target-deregistered ends DEACTIVATING', () => {
    const { rec } = run(task(), [running, { type: 'scheduler-stop', reason: 'replaced', deregisterFirst: true }]);
    expect(rec).toMatchObject({ awaitsDeregistration: true, task: { lastStatus: 'DEACTIVATING' } });
    expect(ok(next(rec, { type: 'deactivated' }, CTX)).changed).toBe(false);
    const after = ok(next(rec, { type: 'target-deregistered' }, CTX)).rec;
    expect(after.task.lastStatus).toBe('STOPPING');
    expect(after.awaitsDeregistration).toBeUndefined();
  });

  it('a stop code decided first stays when the agent reports the stop', () => {
    const { rec } = run(task(), [running, { type: 'stop-requested', reason: 'done', deregisterFirst: false }, { type: 'agent-task', facts: { status: 'STOPPED', reason: 'Essential container in task exited', containers: [{ containerName: 'main', status: 'STOPPED', exitCode: 143 }] } }]);
    expect(rec.task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'done' });
  });

  it('awsvpc: the agent stop deprovisions (reservation back), deprovisioned stops (address back)', () => {
    const a = ok(next(run(task({ awsvpc: true }), [running]).rec, { type: 'agent-task', facts: { status: 'STOPPED', containers: [{ containerName: 'main', status: 'STOPPED', exitCode: 1 }] } }, CTX));
    expect(a.rec.task.lastStatus).toBe('DEPROVISIONING');
    expect(a.effects.map((e) => e.type)).toEqual(['release-reservation']);
    const b = ok(next(a.rec, { type: 'deprovisioned' }, CTX));
    expect(b.rec.task).toMatchObject({ lastStatus: 'STOPPED', stoppedAt: NOW });
    expect(b.rec.task.attachments![0]!.status).toBe('DELETED');
    expect(b.effects).toEqual([{ type: 'release-address', address: '127.1.0.1' }]);
  });

  it('host lost: STOPPED at once, TaskFailedToStart, everything released', () => {
    const o = ok(next(task({ awsvpc: true }), { type: 'host-lost' }, CTX));
    expect(o.rec.task).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
    expect(o.rec.task.stoppedReason).toContain('host lost');
    expect(o.effects.map((e) => e.type)).toEqual(['release-reservation', 'release-address']);
    expect(ok(next(o.rec, { type: 'host-lost' }, CTX)).changed).toBe(false);
  });

  it('a launch the control plane cannot honour fails with its reason', () => {
    const o = ok(next(task(), { type: 'launch-failed', reason: 'ResourceInitializationError: no group' }, CTX));
    expect(o.rec.task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'ResourceInitializationError: no group' });
  });

  it('expired: deleted only once STOPPED past its retention', () => {
    expect(ok(next(task(), { type: 'expired' }, CTX)).changed).toBe(false);
    const stopped = ok(next(task(), { type: 'host-lost' }, CTX)).rec;
    expect(ok(next(stopped, { type: 'expired' }, CTX)).changed).toBe(false);
    const later = { now: new Date(NOW.getTime() + 60_000), stoppedRetentionMs: 60_000 };
    expect(ok(next(stopped, { type: 'expired' }, later)).effects).toEqual([{ type: 'delete' }]);
  });
});

describe('properties', () => {
  const name = fc.constantFrom('main', 'side');
  const containerFacts = fc.record(
    {
      containerName: name,
      status: fc.constantFrom('PENDING', 'PULLED', 'CREATED', 'RUNNING', 'STOPPED'),
      exitCode: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
      reason: fc.option(fc.constantFrom('CannotPullContainerError: nope', 'OutOfMemoryError: killed'), { nil: undefined }),
    },
    { requiredKeys: ['containerName'] },
  );
  const event: fc.Arbitrary<TaskEvent> = fc.oneof(
    fc.record({
      type: fc.constant('agent-task' as const),
      facts: fc.record(
        {
          status: fc.constantFrom('PENDING', 'ACTIVATING', 'RUNNING', 'STOPPED') as fc.Arbitrary<'PENDING' | 'ACTIVATING' | 'RUNNING' | 'STOPPED'>,
          reason: fc.option(fc.constantFrom('Essential container in task exited', 'something'), { nil: undefined }),
          containers: fc.array(containerFacts, { maxLength: 2 }),
        },
        { requiredKeys: ['status', 'containers'] },
      ),
    }),
    fc.record({ type: fc.constant('agent-container' as const), facts: containerFacts }),
    fc.record({ type: fc.constant('agent-health' as const), health: fc.dictionary(name, fc.constantFrom('HEALTHY', 'UNHEALTHY', 'UNKNOWN') as fc.Arbitrary<'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN'>) }),
    fc.record({ type: fc.constant('agent-attachments' as const), statuses: fc.constant({ 'att-1': 'ATTACHED' }) }),
    fc.record({ type: fc.constant('stop-requested' as const), reason: fc.option(fc.constant('bye'), { nil: undefined }), deregisterFirst: fc.boolean() }),
    fc.record({ type: fc.constant('scheduler-stop' as const), reason: fc.constant('scale in'), deregisterFirst: fc.boolean() }),
    fc.record({ type: fc.constant('spot-interrupted' as const), deregisterFirst: fc.boolean() }),
    fc.constantFrom<TaskEvent>(
      { type: 'host-lost' },
      { type: 'launch-failed', reason: 'no log group' },
      { type: 'target-deregistered' },
      { type: 'deactivated' },
      { type: 'deprovisioned' },
      { type: 'expired' },
    ),
  );
  const start = fc.record({ awsvpc: fc.boolean() }).map((o) => task(o));

  /** Feeds every event (refusals leave the task as it was), checking each step; returns what happened. */
  function walk(rec: TaskRecord, events: TaskEvent[], check: (before: TaskRecord, after: TaskRecord) => void) {
    const effects: Effect[] = [];
    let deleted = false;
    for (const e of events) {
      if (deleted) break;
      const o = next(rec, e, { now: NOW, stoppedRetentionMs: 0 });
      if (!o.ok) continue;
      check(rec, o.rec);
      effects.push(...o.effects);
      deleted = o.effects.some((x) => x.type === 'delete');
      rec = o.rec;
    }
    return { rec, effects };
  }

  it('no event sequence moves a task backwards, and desiredStatus STOPPED stays', () => {
    fc.assert(
      fc.property(start, fc.array(event, { maxLength: 25 }), (rec, events) => {
        walk(rec, events, (before, after) => {
          expect(statusRank(after.task.lastStatus)).toBeGreaterThanOrEqual(statusRank(before.task.lastStatus));
          if (before.task.desiredStatus === 'STOPPED') expect(after.task.desiredStatus).toBe('STOPPED');
        });
      }),
      { numRuns: 500 },
    );
  });

  it('every STOPPED task has a stop code and a reason', () => {
    fc.assert(
      fc.property(start, fc.array(event, { maxLength: 25 }), (rec, events) => {
        walk(rec, events, (_before, after) => {
          if (after.task.lastStatus === 'STOPPED') {
            expect(after.task.stopCode).toBeDefined();
            expect(after.task.stoppedReason).toBeTruthy();
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('a reservation and an address are released exactly once, once the task is past running', () => {
    fc.assert(
      fc.property(start, fc.array(event, { maxLength: 25 }), (rec, events) => {
        const awsvpc = rec.privateIPv4Address !== undefined;
        const { rec: last, effects } = walk(rec, events, () => undefined);
        const releases = effects.filter((e) => e.type === 'release-reservation').length;
        const addresses = effects.filter((e) => e.type === 'release-address').length;
        const promotions = effects.filter((e) => e.type === 'promote').length;
        const freed = statusRank(last.task.lastStatus) >= statusRank('DEPROVISIONING');
        expect(releases).toBe(freed ? 1 : 0);
        expect(last.reservation === undefined).toBe(freed);
        expect(addresses).toBe(awsvpc && last.task.lastStatus === 'STOPPED' ? 1 : 0);
        expect(promotions).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
