// Lifecycle hooks, one pass at a time: a PAUSE hook holds a blue/green deployment at its stage until it is answered,
// a URL hook's answers (SUCCEEDED, FAILED, IN_PROGRESS with a delay, nonsense), a timeout's action, a failed hook
// rolling the deployment back to blue, the hooks a rollback runs (TEST_TRAFFIC_SHIFT, then PRODUCTION_TRAFFIC_SHIFT,
// once traffic is back), and the hooks of a service's first deployment.
import type { DeploymentConfiguration, LoadBalancer } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { HookRun, ServiceRecord } from '../../domain/service.js';
import { DEFAULT_BACKOFF } from './circuitBreaker.js';
import { readAnswer } from './hookCalls.js';
import { reconcile } from './reconcile.js';
import { planShift } from './trafficShift.js';
import { dep, NOW, service, task, view } from './testkit.js';

const LB: LoadBalancer = {
  targetGroupArn: 'tg-blue', containerName: 'web', containerPort: 80,
  advancedConfiguration: { alternateTargetGroupArn: 'tg-green', productionListenerRule: 'rule-prod', testListenerRule: 'rule-test' },
};
const MINUTE = 60_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const opts = { launchesAllowed: true, minuteMs: MINUTE };

function rollout(config: DeploymentConfiguration): ServiceRecord {
  const completed = dep('ecs-svc/1', { status: 'ACTIVE', rolloutState: 'COMPLETED' });
  const rec = service(2, [dep('ecs-svc/2'), completed], { loadBalancers: [LB], deploymentConfiguration: config });
  return { ...rec, lastCompleted: completed, blueGreen: { production: 'tg-blue', groups: { 'ecs-svc/1': 'tg-blue', 'ecs-svc/2': 'tg-green' } } };
}
const tasks = () => [task('ecs-svc/1', 'RUNNING'), task('ecs-svc/1', 'RUNNING'), task('ecs-svc/2', 'RUNNING'), task('ecs-svc/2', 'RUNNING')];
const answer = (rec: ServiceRecord, patch: Partial<HookRun>): ServiceRecord => ({
  ...rec,
  blueGreen: { ...rec.blueGreen!, hooks: rec.blueGreen!.hooks!.map((h) => ({ ...h, ...patch })) },
});

describe('lifecycle hooks', () => {
  it('a PAUSE hook holds production until it is continued', () => {
    const rec = rollout({ strategy: 'BLUE_GREEN', lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }] });
    const paused = planShift(view(rec, tasks()), LB, opts);
    expect(paused.stage).toBe('POST_TEST_TRAFFIC_SHIFT');
    expect(paused.state.production).toBe('tg-blue');
    expect(paused.state.hooks).toEqual([
      expect.objectContaining({ deploymentId: 'ecs-svc/2', stage: 'POST_TEST_TRAFFIC_SHIFT', targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK', expiresAt: at(1440 * MINUTE) }),
    ]);
    expect(paused.state.hooks![0]!.hookId).toMatch(/^ecs-pause-[A-Za-z0-9_-]{43}$/);
    const again = planShift(view({ ...rec, blueGreen: paused.state }, tasks(), at(MINUTE)), LB, opts);
    expect(again.state.production).toBe('tg-blue');
    expect(again.state.hooks).toHaveLength(1);
    const continued = answer({ ...rec, blueGreen: paused.state }, { status: 'SUCCEEDED' });
    const shifted = planShift(view(continued, tasks(), at(MINUTE)), LB, opts);
    expect(shifted.state.production).toBe('tg-green');
  });

  it('a PRE_SCALE_UP hook starts no green task before it succeeds', () => {
    const rec = rollout({ strategy: 'BLUE_GREEN', lifecycleHooks: [{ hookTargetArn: 'http://127.0.0.1:1/hook', lifecycleStages: ['PRE_SCALE_UP'] }] });
    const blueOnly = [task('ecs-svc/1', 'RUNNING'), task('ecs-svc/1', 'RUNNING')];
    const held = planShift(view(rec, blueOnly), LB, opts);
    expect(held).toMatchObject({ start: 0, stage: 'PRE_SCALE_UP' });
    expect(held.state.hooks![0]).toMatchObject({ targetType: 'AWS_LAMBDA', targetArn: 'http://127.0.0.1:1/hook', status: 'IN_PROGRESS', nextCallAt: NOW });
    expect(planShift(view(answer({ ...rec, blueGreen: held.state }, { status: 'SUCCEEDED' }), blueOnly), LB, opts).start).toBe(2);
  });

  it('a failed hook rolls the deployment back to blue, and a timeout takes its action', () => {
    const cfg: DeploymentConfiguration = {
      strategy: 'BLUE_GREEN',
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 5, action: 'CONTINUE' } }],
    };
    const rec = rollout(cfg);
    const env = { backoff: DEFAULT_BACKOFF, minuteMs: MINUTE };
    const paused = reconcile(view(rec, tasks()), env).record;
    expect(paused.events.map((e) => e.message)).toContainEqual(expect.stringMatching(/paused at lifecycle stage POST_TEST_TRAFFIC_SHIFT: lifecycle hook ecs-pause-/));
    const failed = reconcile(view(answer(paused, { status: 'FAILED' }), tasks(), at(MINUTE)), env).record;
    expect(failed.deployments[0]).toMatchObject({ id: 'ecs-svc/1', status: 'PRIMARY', rolloutStateReason: 'ECS deployment lifecycle hook: rolling back to deploymentId ecs-svc/1.' });
    expect(failed.deployments[1]).toMatchObject({ id: 'ecs-svc/2', rolloutState: 'FAILED' });
    expect(failed.events.map((e) => e.message)).toContainEqual(expect.stringMatching(/deployment failed: lifecycle hook ecs-pause-\S+ failed at lifecycle stage POST_TEST_TRAFFIC_SHIFT\.$/));
    // Timed out with CONTINUE: production moves.
    const late = reconcile(view(paused, tasks(), at(5 * MINUTE)), env).record;
    expect(late.blueGreen).toMatchObject({ production: 'tg-green' });
    expect(late.blueGreen!.hooks![0]!.status).toBe('TIMED_OUT');
  });

  it('a LINEAR deployment runs PRODUCTION_TRAFFIC_SHIFT hooks at every step', () => {
    const rec = rollout({
      strategy: 'LINEAR', linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 },
      lifecycleHooks: [{ hookTargetArn: 'http://127.0.0.1:1/hook', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }],
    });
    const first = planShift(view(rec, tasks()), LB, opts);
    expect(first.state).toMatchObject({ shift: 50, step: 1 });
    const held = planShift(view({ ...rec, blueGreen: first.state }, tasks(), at(2 * MINUTE)), LB, opts);
    expect(held.stage).toBe('PRODUCTION_TRAFFIC_SHIFT');
    expect(held.state).toMatchObject({ shift: 50, step: 1 });
    const next = planShift(view(answer({ ...rec, blueGreen: held.state }, { status: 'SUCCEEDED' }), tasks(), at(2 * MINUTE)), LB, opts);
    expect(next.state).toMatchObject({ production: 'tg-green', step: 2, postShift: true });
    expect(next.state.hooks!.filter((h) => h.occurrence === 2)).toHaveLength(1);
  });

  it('launches a task definition hook once and takes its exit code as the answer', () => {
    const td = 'arn:aws:ecs:us-east-1:000000000000:task-definition/check:1';
    const rec = rollout({ strategy: 'BLUE_GREEN', lifecycleHooks: [{ hookTargetArn: td, lifecycleStages: ['POST_SCALE_UP'] }] });
    const env = { backoff: DEFAULT_BACKOFF, minuteMs: MINUTE };
    const first = reconcile(view(rec, tasks()), env);
    expect(first.hookTasks).toEqual([expect.objectContaining({ targetArn: td, stage: 'POST_SCALE_UP', calls: 1 })]);
    const hookId = first.hookTasks![0]!.hookId;
    const hookTask = (exitCode: number | undefined, lastStatus = 'STOPPED') => ({
      clusterName: 'c', hostPorts: {},
      task: { startedBy: hookId, lastStatus, desiredStatus: 'STOPPED', containers: [{ name: 'check', exitCode }] },
    });
    const running = reconcile({ ...view(first.record, tasks()), hookTasks: [hookTask(undefined, 'RUNNING')] }, env);
    expect(running.hookTasks).toEqual([]);
    expect(running.record.blueGreen!.production).toBe('tg-blue');
    const ok = reconcile({ ...view(first.record, tasks()), hookTasks: [hookTask(0)] }, env);
    expect(ok.record.blueGreen!.hooks![0]!.status).toBe('SUCCEEDED');
    const bad = reconcile({ ...view(first.record, tasks()), hookTasks: [hookTask(3)] }, env);
    expect(bad.record.blueGreen!.hooks![0]).toMatchObject({ status: 'FAILED', reason: "the hook task's container check exited with code 3" });
  });

  it('reads the answers a hook URL gives', () => {
    expect(readAnswer(200, { hookStatus: 'SUCCEEDED' })).toEqual({ status: 'SUCCEEDED' });
    expect(readAnswer(200, { hookStatus: 'FAILED' })).toMatchObject({ status: 'FAILED' });
    expect(readAnswer(200, { hookStatus: 'IN_PROGRESS', callBackDelay: 2, hookDetails: { n: 1 } })).toEqual({ status: 'IN_PROGRESS', delaySeconds: 2, hookDetails: { n: 1 } });
    expect(readAnswer(200, { hookStatus: 'IN_PROGRESS' })).toMatchObject({ delaySeconds: 30 });
    expect(readAnswer(200, { status: 'ok' })).toMatchObject({ status: 'FAILED', reason: 'the hook returned no valid hookStatus' });
    expect(readAnswer(500, { hookStatus: 'SUCCEEDED' })).toMatchObject({ status: 'FAILED', reason: 'the hook answered HTTP 500' });
  });

  it('a rollback during the bake moves production back at once, then runs the TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT hooks', () => {
    const url = 'http://127.0.0.1:1/hook';
    const cfg: DeploymentConfiguration = {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 10,
      lifecycleHooks: [{ hookTargetArn: url, lifecycleStages: ['PRE_SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'] }],
    };
    // Green (ecs-svc/2) took production and is baking; its forward runs all passed. Blue is PRIMARY again, rolling back.
    const forward = rollout(cfg);
    const baked: ServiceRecord = {
      ...forward,
      blueGreen: { ...forward.blueGreen!, production: 'tg-green', step: 1, bakeUntil: at(10 * MINUTE) },
    };
    // Blue's own deployment ran the hooks once and they passed: a rollback to it runs them afresh.
    const passedRuns: HookRun[] = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'].map((stage, i) => ({
      hookId: `ecs-hook-old${i}`, deploymentId: 'ecs-svc/1', index: 0, stage, occurrence: stage === 'PRODUCTION_TRAFFIC_SHIFT' ? 1 : 0,
      targetType: 'AWS_LAMBDA', targetArn: url, status: 'SUCCEEDED', startedAt: NOW, expiresAt: at(MINUTE), timeoutAction: 'ROLLBACK', calls: 1,
    }));
    const rec: ServiceRecord = {
      ...baked,
      deployments: [dep('ecs-svc/1', { rolloutStateReason: 'ECS deployment rolling back to service revision rev-1.' }), dep('ecs-svc/2', { status: 'ACTIVE' })],
      blueGreen: { ...baked.blueGreen!, hooks: passedRuns },
    };
    const moved = planShift(view(rec, tasks(), at(MINUTE)), LB, opts);
    expect(moved.state.production).toBe('tg-blue');
    expect(moved.stops).toEqual([]);
    expect(moved.state.hooks!.filter((h) => h.rollback)).toEqual([]);

    // Traffic is back: TEST_TRAFFIC_SHIFT's hook is called first, on behalf of the deployment rolled back to, and holds
    // the clean-up while IN_PROGRESS.
    const r1 = { ...rec, blueGreen: moved.state };
    const test = planShift(view(r1, tasks(), at(MINUTE)), LB, opts);
    expect(test).toMatchObject({ stage: 'TEST_TRAFFIC_SHIFT', holding: true, stops: [] });
    const rb = () => test.state.hooks!.filter((h) => h.rollback);
    expect(rb()).toEqual([expect.objectContaining({ deploymentId: 'ecs-svc/1', stage: 'TEST_TRAFFIC_SHIFT', status: 'IN_PROGRESS', targetArn: url, nextCallAt: at(MINUTE) })]);
    const answerRollback = (r: ServiceRecord, status: HookRun['status']): ServiceRecord => ({
      ...r,
      blueGreen: { ...r.blueGreen!, hooks: r.blueGreen!.hooks!.map((h) => (h.rollback && h.status === 'IN_PROGRESS' ? { ...h, status } : h)) },
    });
    const stillTest = planShift(view({ ...r1, blueGreen: test.state }, tasks(), at(2 * MINUTE)), LB, opts);
    expect(stillTest).toMatchObject({ stage: 'TEST_TRAFFIC_SHIFT', stops: [] });

    // Then PRODUCTION_TRAFFIC_SHIFT's; a FAILED answer does not hold a rollback, which has nothing older to go to.
    const r2 = answerRollback({ ...r1, blueGreen: test.state }, 'SUCCEEDED');
    const prod = planShift(view(r2, tasks(), at(2 * MINUTE)), LB, opts);
    expect(prod).toMatchObject({ stage: 'PRODUCTION_TRAFFIC_SHIFT', holding: true, stops: [] });
    expect(prod.state.hooks!.filter((h) => h.rollback).map((h) => [h.stage, h.status])).toEqual([
      ['TEST_TRAFFIC_SHIFT', 'SUCCEEDED'],
      ['PRODUCTION_TRAFFIC_SHIFT', 'IN_PROGRESS'],
    ]);
    const r3 = answerRollback({ ...r2, blueGreen: prod.state }, 'FAILED');
    const clean = planShift(view(r3, tasks(), at(2 * MINUTE)), LB, opts);
    expect(clean).toMatchObject({ stage: 'CLEAN_UP', holding: false });
    expect(clean.stops.map((s) => s.task.deploymentId)).toEqual(['ecs-svc/2', 'ecs-svc/2']);
    // No other stage's hook ran on the rollback.
    expect(clean.state.hooks!.filter((h) => h.rollback)).toHaveLength(2);
  });

  it("a service's first deployment runs its hooks at their stages, RECONCILE_SERVICE aside, and completes after them", () => {
    const cfg: DeploymentConfiguration = {
      strategy: 'BLUE_GREEN',
      lifecycleHooks: [{ hookTargetArn: 'http://127.0.0.1:1/hook', lifecycleStages: ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP', 'POST_PRODUCTION_TRAFFIC_SHIFT'] }],
    };
    const rec = service(2, [dep('ecs-svc/1')], { loadBalancers: [LB], deploymentConfiguration: cfg });
    const env = { backoff: DEFAULT_BACKOFF, minuteMs: MINUTE };
    const stages = (r: ServiceRecord) => r.blueGreen!.hooks!.map((h) => h.stage);
    const pre = reconcile(view(rec, []), env);
    expect(pre.start).toBe(0);
    expect(stages(pre.record)).toEqual(['PRE_SCALE_UP']);
    expect(pre.record.blueGreen).toMatchObject({ production: 'tg-blue', initial: 'ecs-svc/1' });
    const started = reconcile(view(answer(pre.record, { status: 'SUCCEEDED' }), []), env);
    expect(started.start).toBe(2);
    const mine = [task('ecs-svc/1', 'RUNNING'), task('ecs-svc/1', 'RUNNING')];
    const post = reconcile(view(started.record, mine), env);
    expect(stages(post.record)).toEqual(['PRE_SCALE_UP', 'POST_SCALE_UP']);
    // Held at POST_SCALE_UP: all tasks run and are healthy, yet the deployment is not complete.
    expect(post.record.deployments[0]!.rolloutState).toBe('IN_PROGRESS');
    const last = reconcile(view(answer(post.record, { status: 'SUCCEEDED' }), mine), env);
    expect(stages(last.record)).toEqual(['PRE_SCALE_UP', 'POST_SCALE_UP', 'POST_PRODUCTION_TRAFFIC_SHIFT']);
    expect(last.record.deployments[0]!.rolloutState).toBe('IN_PROGRESS');
    const done = reconcile(view(answer(last.record, { status: 'SUCCEEDED' }), mine), env);
    expect(done.record.deployments[0]!.rolloutState).toBe('COMPLETED');
    expect(stages(done.record)).not.toContain('RECONCILE_SERVICE');
  });
});
