// One pass at a time of a traffic-shifting deployment: which group green gets, when the production rule moves (at
// once, by canary, by linear steps), the bake, the clean-up, and a rollback moving production back without a bake.
import type { DeploymentConfiguration, LoadBalancer } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { ServiceRecord } from '../../domain/service.js';
import { DEFAULT_BACKOFF } from './circuitBreaker.js';
import { reconcile } from './reconcile.js';
import { planShift, rulesFor } from './trafficShift.js';
import { dep, NOW, service, task, view } from './testkit.js';

const LB: LoadBalancer = {
  targetGroupArn: 'tg-blue', containerName: 'web', containerPort: 80,
  advancedConfiguration: { alternateTargetGroupArn: 'tg-green', productionListenerRule: 'rule-prod', testListenerRule: 'rule-test' },
};
const MINUTE = 60_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

function rollout(config: DeploymentConfiguration): ServiceRecord {
  const rec = service(2, [dep('ecs-svc/2'), dep('ecs-svc/1', { status: 'ACTIVE', rolloutState: 'COMPLETED' })], {
    loadBalancers: [LB],
    deploymentConfiguration: config,
  });
  return { ...rec, blueGreen: { production: 'tg-blue', groups: { 'ecs-svc/1': 'tg-blue' } } };
}
const blue = () => [task('ecs-svc/1', 'RUNNING'), task('ecs-svc/1', 'RUNNING')];
const green = (healthy: boolean) => [task('ecs-svc/2', 'RUNNING', { healthy }), task('ecs-svc/2', 'RUNNING', { healthy })];
const opts = { launchesAllowed: true, minuteMs: MINUTE };
const prod = (rec: ServiceRecord) => rulesFor(rec, LB).find((r) => r.ruleArn === 'rule-prod')!.groups;
const test = (rec: ServiceRecord) => rulesFor(rec, LB).find((r) => r.ruleArn === 'rule-test')!.groups;

describe('blue/green', () => {
  it('starts green in the alternate group, tested at once, production at weight 0 until green is healthy', () => {
    const rec = rollout({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 });
    const p = planShift(view(rec, blue()), LB, opts);
    expect(p.start).toBe(2);
    expect(p.stops).toEqual([]);
    const next = { ...rec, blueGreen: p.state };
    expect(p.state.groups['ecs-svc/2']).toBe('tg-green');
    expect(test(next)).toEqual([{ targetGroupArn: 'tg-green', weight: 1 }]);
    expect(prod(next)).toEqual([{ targetGroupArn: 'tg-blue', weight: 999 }, { targetGroupArn: 'tg-green', weight: 0 }]);
    const notYet = planShift(view(next, [...blue(), ...green(false)]), LB, opts);
    expect(notYet.state.production).toBe('tg-blue');
    expect(notYet.stage).toBe('TEST_TRAFFIC_SHIFT');
  });

  it('moves production at once, keeps blue for the bake, then stops it', () => {
    const rec = rollout({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 });
    const tasks = [...blue(), ...green(true)];
    const shifted = planShift(view({ ...rec, blueGreen: planShift(view(rec, blue()), LB, opts).state }, tasks), LB, opts);
    expect(shifted.state).toMatchObject({ production: 'tg-green', bakeUntil: at(5 * MINUTE) });
    const next = { ...rec, blueGreen: shifted.state };
    expect(prod(next)).toEqual([{ targetGroupArn: 'tg-green', weight: 1 }]);
    const baking = planShift(view(next, tasks, at(4 * MINUTE)), LB, opts);
    expect(baking.stage).toBe('BAKE_TIME');
    expect(baking.stops).toEqual([]);
    const clean = planShift(view(next, tasks, at(5 * MINUTE)), LB, opts);
    expect(clean.stage).toBe('CLEAN_UP');
    expect(clean.stops.map((s) => s.task.deploymentId)).toEqual(['ecs-svc/1', 'ecs-svc/1']);
  });

  it('rolls back during the bake: blue takes production at once and green goes', () => {
    const baked = { ...rollout({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 }), blueGreen: { production: 'tg-green', groups: { 'ecs-svc/1': 'tg-blue', 'ecs-svc/2': 'tg-green' }, bakeUntil: at(5 * MINUTE) } };
    const back: ServiceRecord = {
      ...baked,
      deployments: [dep('ecs-svc/1', { rolloutStateReason: 'ECS deployment rolling back to service revision x.' }), dep('ecs-svc/2', { status: 'ACTIVE' })],
    };
    const tasks = [...blue(), ...green(true)];
    const p = planShift(view(back, tasks, at(MINUTE)), LB, opts);
    expect(p.state.production).toBe('tg-blue');
    expect(p.state.bakeUntil).toBeUndefined();
    const clean = planShift(view({ ...back, blueGreen: p.state }, tasks, at(MINUTE)), LB, opts);
    expect(clean.stops.map((s) => s.task.deploymentId)).toEqual(['ecs-svc/2', 'ecs-svc/2']);
  });
  it('a circuit breaker trip during the bake makes blue PRIMARY again: production moves back at once, green goes', () => {
    const baked: ServiceRecord = {
      ...rollout({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, deploymentCircuitBreaker: { enable: true, rollback: true } }),
      lastCompleted: dep('ecs-svc/1', { rolloutState: 'COMPLETED' }),
      blueGreen: { production: 'tg-green', groups: { 'ecs-svc/1': 'tg-blue', 'ecs-svc/2': 'tg-green' }, bakeUntil: at(5 * MINUTE) },
    };
    const failed = [1, 2, 3].map(() => task('ecs-svc/2', 'STOPPED', {}, { stopCode: 'EssentialContainerExited', stoppedAt: at(MINUTE) }));
    const tasks = [...blue(), ...green(true), ...failed];
    const env = { backoff: DEFAULT_BACKOFF, minuteMs: MINUTE };
    const d = reconcile(view(baked, tasks, at(MINUTE)), env);
    // The same blue deployment, not a new one started from nothing.
    expect(d.record.deployments.map((x) => [x.id, x.status, x.rolloutState])).toEqual([
      ['ecs-svc/1', 'PRIMARY', 'IN_PROGRESS'],
      ['ecs-svc/2', 'ACTIVE', 'FAILED'],
    ]);
    expect(d.start).toBe(0);
    expect(d.record.blueGreen?.production).toBe('tg-blue');
    expect(prod(d.record)).toEqual([{ targetGroupArn: 'tg-blue', weight: 1 }]);
    const next = reconcile(view(d.record, tasks, at(MINUTE)), env);
    expect(next.stops.map((s) => s.task.deploymentId)).toEqual(['ecs-svc/2', 'ecs-svc/2']);
  });
});

describe('canary and linear', () => {
  it('sends the canary share first, the rest after the canary bake', () => {
    const rec = rollout({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 } });
    const tasks = [...blue(), ...green(true)];
    const canary = planShift(view(rec, tasks), LB, opts);
    expect(canary.state).toMatchObject({ production: 'tg-blue', shift: 10, stepUntil: at(3 * MINUTE) });
    const next = { ...rec, blueGreen: canary.state };
    expect(prod(next)).toEqual([{ targetGroupArn: 'tg-blue', weight: 900 }, { targetGroupArn: 'tg-green', weight: 100 }]);
    expect(planShift(view(next, tasks, at(2 * MINUTE)), LB, opts).state.shift).toBe(10);
    expect(planShift(view(next, tasks, at(3 * MINUTE)), LB, opts).state).toMatchObject({ production: 'tg-green', shift: undefined });
  });

  it('moves production linearly, a step per step bake', () => {
    let rec = rollout({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 30, stepBakeTimeInMinutes: 1 } });
    const tasks = [...blue(), ...green(true)];
    const shares: (number | undefined)[] = [];
    for (let m = 0; m <= 4; m++) {
      const p = planShift(view(rec, tasks, at(m * MINUTE)), LB, opts);
      rec = { ...rec, blueGreen: p.state };
      shares.push(p.state.production === 'tg-green' ? 100 : p.state.shift);
    }
    expect(shares).toEqual([30, 60, 90, 100, 100]);
  });
});
