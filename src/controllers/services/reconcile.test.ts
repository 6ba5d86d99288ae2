// One reconcile pass on prepared state: the starts, stops and record changes it decides.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from './circuitBreaker.js';
import { reconcile } from './reconcile.js';
import { dep, NOW, service, task, view } from './testkit.js';

const env = { backoff: DEFAULT_BACKOFF };
const stopped = (d: ReturnType<typeof reconcile>) => d.stops.map((s) => s.task.taskId);

describe('replicas', () => {
  it('starts what a new service lacks', () => {
    const d = reconcile(view(service(3, [dep('ecs-svc/1')]), []), env);
    expect(d.start).toBe(3);
    expect(d.stops).toEqual([]);
  });

  it('completes a rollout once every task is healthy, then announces the steady state once', () => {
    const tasks = [task('ecs-svc/1', 'RUNNING'), task('ecs-svc/1', 'RUNNING')];
    const d = reconcile(view(service(2, [dep('ecs-svc/1')]), tasks), env);
    expect(d.record.deployments[0]).toMatchObject({ rolloutState: 'COMPLETED', rolloutStateReason: 'ECS deployment ecs-svc/1 completed.' });
    expect(d.record.events.map((e) => e.message)).toEqual([
      '(service web) has reached a steady state.',
      '(service web) (deployment ecs-svc/1) deployment completed.',
    ]);
    const again = reconcile(view(d.record, tasks), env);
    expect(again.record).toBe(d.record);
  });

  it('rolls with minimumHealthyPercent 100 / maximumPercent 200: new tasks first, old ones once they are healthy', () => {
    const old = [task('ecs-svc/1', 'RUNNING'), task('ecs-svc/1', 'RUNNING')];
    const rec = service(2, [dep('ecs-svc/2'), dep('ecs-svc/1', { status: 'ACTIVE', rolloutState: 'COMPLETED' })]);
    let d = reconcile(view(rec, old), env);
    expect(d.start).toBe(2);
    expect(d.stops).toEqual([]);
    const pending = [task('ecs-svc/2', 'PENDING'), task('ecs-svc/2', 'PENDING')];
    d = reconcile(view(rec, [...old, ...pending]), env);
    expect(d.start).toBe(0);
    expect(d.stops).toEqual([]);
    const fresh = [task('ecs-svc/2', 'RUNNING'), task('ecs-svc/2', 'RUNNING')];
    d = reconcile(view(rec, [...old, ...fresh]), env);
    expect(stopped(d).sort()).toEqual(old.map((t) => t.taskId).sort());
    d = reconcile(view(rec, fresh), env);
    expect(d.record.deployments.map((x) => x.id)).toEqual(['ecs-svc/2']);
    expect(d.record.deployments[0]!.rolloutState).toBe('COMPLETED');
  });

  it('rolls with 50 / 100: stops half first, starts once they are gone', () => {
    const rec = service(4, [dep('ecs-svc/2'), dep('ecs-svc/1', { status: 'ACTIVE' })], {
      deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 },
    });
    const old = [1, 2, 3, 4].map(() => task('ecs-svc/1', 'RUNNING'));
    const d = reconcile(view(rec, old), env);
    expect(d.stops).toHaveLength(2);
    expect(d.start).toBe(0);
    const left = old.slice(2);
    expect(reconcile(view(rec, left), env).start).toBe(2);
  });

  it('honours a desiredCount raised during a deployment', () => {
    const rec = service(4, [dep('ecs-svc/2'), dep('ecs-svc/1', { status: 'ACTIVE' })]);
    const tasks = [task('ecs-svc/1', 'RUNNING'), task('ecs-svc/1', 'RUNNING'), task('ecs-svc/2', 'PENDING')];
    expect(reconcile(view(rec, tasks), env).start).toBe(3);
  });

  it('scales in across zones and instances, never a protected task', () => {
    const a1 = task('ecs-svc/1', 'RUNNING', { az: 'a', instanceKey: 'c/i1', protected: true });
    const a2 = task('ecs-svc/1', 'RUNNING', { az: 'a', instanceKey: 'c/i1' });
    const a3 = task('ecs-svc/1', 'RUNNING', { az: 'a', instanceKey: 'c/i2' });
    const b1 = task('ecs-svc/1', 'RUNNING', { az: 'b', instanceKey: 'c/i3' });
    const d = reconcile(view(service(2, [dep('ecs-svc/1', { rolloutState: 'COMPLETED' })]), [a1, a2, a3, b1]), env);
    expect(stopped(d).sort()).toEqual([a2.taskId, a3.taskId].sort());
    expect(d.record.events[0]?.message ?? '').toBe('');
  });

  it('replaces tasks on a draining instance, starting first within maximumPercent', () => {
    const rec = service(2, [dep('ecs-svc/1', { rolloutState: 'COMPLETED' })]);
    const draining = task('ecs-svc/1', 'RUNNING', { draining: true });
    const other = task('ecs-svc/1', 'RUNNING');
    let d = reconcile(view(rec, [draining, other]), env);
    expect(d.start).toBe(1);
    expect(d.stops).toEqual([]);
    d = reconcile(view(rec, [draining, other, task('ecs-svc/1', 'RUNNING')]), env);
    expect(stopped(d)).toEqual([draining.taskId]);
  });

  it('replaces an unhealthy task', () => {
    const sick = task('ecs-svc/1', 'RUNNING', { unhealthy: true, healthy: false });
    const d = reconcile(view(service(1, [dep('ecs-svc/1', { rolloutState: 'COMPLETED' })]), [sick]), env);
    expect(d.stops.map((s) => [s.task.taskId, s.reason])).toEqual([[sick.taskId, 'Task failed container health checks']]);
  });

  it('drains a deleted service, then makes it INACTIVE', () => {
    const rec = service(0, [dep('ecs-svc/1')], { status: 'DRAINING' });
    const t = task('ecs-svc/1', 'RUNNING');
    expect(stopped(reconcile(view(rec, [t]), env))).toEqual([t.taskId]);
    expect(reconcile(view(rec, []), env).record.service.status).toBe('INACTIVE');
  });
});

describe('failures', () => {
  const failed = (id: string, at: Date) => task(id, 'STOPPED', {}, { stopCode: 'TaskFailedToStart', stoppedAt: at });

  it('trips the circuit breaker at the threshold and rolls back to the last completed deployment', () => {
    const good = dep('ecs-svc/1', { status: 'ACTIVE', rolloutState: 'COMPLETED', taskDefinition: 'td:1' });
    const rec = { ...service(2, [dep('ecs-svc/2', { taskDefinition: 'td:2' }), good]), lastCompleted: good };
    const old = [task('ecs-svc/1', 'RUNNING'), task('ecs-svc/1', 'RUNNING')];
    const early = new Date(NOW.getTime() - 60_000);
    const d = reconcile(view(rec, [...old, failed('ecs-svc/2', early), failed('ecs-svc/2', early), failed('ecs-svc/2', early)]), env);
    // The failed deployment has no task left, so it leaves deployments[] at once.
    const [back, prior] = d.record.deployments;
    expect(prior).toMatchObject({ id: 'ecs-svc/1', status: 'ACTIVE' });
    expect(back).toMatchObject({ status: 'PRIMARY', taskDefinition: 'td:1', rolloutState: 'IN_PROGRESS' });
    expect(back!.rolloutStateReason).toBe('ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.');
    expect(d.record.service.taskDefinition).toBe('td:1');
    expect(d.record.events.map((e) => e.message)).toContain('(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.');
  });

  it('backs off launches after repeated failures to start', () => {
    const rec = service(2, [dep('ecs-svc/1')], { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 } });
    const d = reconcile(view(rec, [failed('ecs-svc/1', NOW), failed('ecs-svc/1', NOW), failed('ecs-svc/1', NOW)]), env);
    expect(d.start).toBe(0);
    expect(d.record.events[0]!.message).toMatch(/^\(service web\) is unable to consistently start tasks successfully\./);
    const later = new Date(NOW.getTime() + DEFAULT_BACKOFF.baseMs);
    expect(reconcile(view(rec, [failed('ecs-svc/1', NOW), failed('ecs-svc/1', NOW), failed('ecs-svc/1', NOW)], later), env).start).toBe(2);
  });
});
