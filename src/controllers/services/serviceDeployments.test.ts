// Service deployments following their ECS deployments pass by pass: started, completed, rolled back by the circuit
// breaker or by a deployment alarm (the last completed deployment made PRIMARY again), a rollback whose own hook
// failed ending ROLLBACK_FAILED, and stopped.
import { describe, expect, it } from 'vitest';
import { RolloutReasons } from '../../domain/deployment.js';
import type { HookRun, ServiceRecord } from '../../domain/service.js';
import { startServiceDeployment } from '../../domain/serviceDeployment.js';
import { DEFAULT_BACKOFF } from './circuitBreaker.js';
import { applyDeploymentAlarms } from './deploymentAlarms.js';
import { reconcile } from './reconcile.js';
import { trackServiceDeployments } from './serviceDeployments.js';
import { dep, NOW, service, task, view } from './testkit.js';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:service/c/web';

/** A service whose ecs-svc/1 completed, now rolling to ecs-svc/2, with both recorded as service deployments. */
function rolling(alarms?: object): ServiceRecord {
  const first = dep('ecs-svc/1000000000000000001', { rolloutState: 'COMPLETED' });
  let rec = service(2, [first], { serviceArn: ARN, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true }, alarms } as never });
  rec = startServiceDeployment(rec, first, undefined, NOW);
  rec = { ...rec, lastCompleted: first, serviceDeployments: rec.serviceDeployments!.map((sd) => ({ ...sd, status: 'SUCCESSFUL' as const })) };
  const second = dep('ecs-svc/1000000000000000002');
  rec = { ...rec, deployments: [second, { ...first, status: 'ACTIVE' }] };
  return startServiceDeployment(rec, second, undefined, NOW);
}

describe('service deployments', () => {
  it('go from PENDING to IN_PROGRESS, then SUCCESSFUL with the rollout', () => {
    let rec = rolling();
    expect(rec.serviceDeployments![0]).toMatchObject({ status: 'PENDING' });
    expect(rec.serviceDeployments![0]!.sourceRevisions).toEqual([rec.serviceDeployments![1]!.targetRevision]);
    rec = trackServiceDeployments(rec, rec, NOW);
    expect(rec.serviceDeployments![0]).toMatchObject({ status: 'IN_PROGRESS', startedAt: NOW });
    const done = reconcile(view(rec, [task('ecs-svc/1000000000000000002', 'RUNNING'), task('ecs-svc/1000000000000000002', 'RUNNING')]), { backoff: DEFAULT_BACKOFF });
    expect(done.record.serviceDeployments![0]).toMatchObject({ status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP', finishedAt: NOW });
  });

  it('record a circuit breaker rollback as ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL', () => {
    const rec = rolling();
    const failed = [1, 2, 3].map(() => task('ecs-svc/1000000000000000002', 'STOPPED', {}, { stopCode: 'TaskFailedToStart', stoppedAt: NOW }));
    const old = [task('ecs-svc/1000000000000000001', 'RUNNING'), task('ecs-svc/1000000000000000001', 'RUNNING')];
    const d = reconcile(view(rec, [...old, ...failed]), { backoff: DEFAULT_BACKOFF });
    const sd = d.record.serviceDeployments![0]!;
    expect(sd).toMatchObject({ status: 'ROLLBACK_IN_PROGRESS', breakerTriggered: true, failedTasks: 3, statusReason: RolloutReasons.failed });
    expect(sd.rollback!.serviceRevisionArn).toBe(rec.serviceDeployments![1]!.targetRevision);
    const back = d.record.deployments[0]!;
    const mine = [task(back.id!, 'RUNNING'), task(back.id!, 'RUNNING')];
    const after = reconcile(view(d.record, mine), { backoff: DEFAULT_BACKOFF });
    expect(after.record.serviceDeployments![0]).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL' });
  });

  it('fail on a deployment alarm in ALARM and roll back to the still running deployment', () => {
    const rec = rolling({ alarmNames: ['errors'], enable: true, rollback: true });
    const quiet = applyDeploymentAlarms(rec, NOW, () => 'OK');
    expect(quiet).toBe(rec);
    const old = [task('ecs-svc/1000000000000000001', 'RUNNING'), task('ecs-svc/1000000000000000001', 'RUNNING')];
    const d = reconcile(view(rec, old), { backoff: DEFAULT_BACKOFF, alarmState: (n) => (n === 'errors' ? 'ALARM' : undefined) });
    // The old deployment's tasks all run and the failed one has none left: the rollback is done in the same pass.
    expect(d.record.deployments.map((x) => [x.id, x.rolloutState])).toEqual([['ecs-svc/1000000000000000001', 'COMPLETED']]);
    expect(d.record.service.taskDefinition).toBe('td:ecs-svc/1000000000000000001');
    expect(d.record.events.map((e) => e.message)).toContain('(service web) (deployment ecs-svc/1000000000000000002) deployment failed: alarm detected.');
    expect(d.record.serviceDeployments![0]).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', alarmsTriggered: ['errors'] });
    expect(d.record.serviceDeployments![0]!.rollback!.serviceRevisionArn).toBe(rec.serviceDeployments![1]!.targetRevision);
    expect(d.start).toBe(0);
  });

  it('without rollback, a tripped breaker leaves the service deployment STOPPED', () => {
    const rec = rolling();
    const noRollback = { ...rec, service: { ...rec.service, deploymentConfiguration: { ...rec.service.deploymentConfiguration, deploymentCircuitBreaker: { enable: true, rollback: false } } } };
    const failed = [1, 2, 3].map(() => task('ecs-svc/1000000000000000002', 'STOPPED', {}, { stopCode: 'TaskFailedToStart', stoppedAt: NOW }));
    const d = reconcile(view(noRollback, failed), { backoff: DEFAULT_BACKOFF });
    expect(d.record.serviceDeployments![0]).toMatchObject({ status: 'STOPPED', breakerTriggered: true });
  });

  it("end ROLLBACK_FAILED when a hook the rollback ran failed, with the rollback's runs shown", () => {
    const rec = rolling();
    const [second, first] = [rec.deployments[0]!, rec.deployments[1]!];
    const rollingBack: ServiceRecord = {
      ...rec,
      serviceDeployments: rec.serviceDeployments!.map((sd, i) => (i === 0 ? { ...sd, status: 'ROLLBACK_IN_PROGRESS' as const, rollbackDeploymentId: first.id } : sd)),
    };
    const run = (stage: string, status: HookRun['status'], rollback?: boolean): HookRun => ({
      hookId: `ecs-hook-${stage}-${rollback ? 'rb' : 'fw'}`, deploymentId: rollback ? first.id! : second.id!, index: 0, stage, occurrence: 0, ...(rollback ? { rollback } : {}),
      targetType: 'AWS_LAMBDA', targetArn: 'http://127.0.0.1:1/', status, startedAt: NOW, expiresAt: NOW, timeoutAction: 'ROLLBACK', calls: 1,
    });
    const hooks = (prodStatus: HookRun['status']) => [run('POST_SCALE_UP', 'SUCCEEDED'), run('TEST_TRAFFIC_SHIFT', 'SUCCEEDED', true), run('PRODUCTION_TRAFFIC_SHIFT', prodStatus, true)];
    // Settled: the deployment rolled back to is the only one left, COMPLETED.
    const settled = (prodStatus: HookRun['status']): ServiceRecord => ({
      ...rollingBack,
      deployments: [{ ...first, status: 'PRIMARY', rolloutState: 'COMPLETED' }],
      blueGreen: { production: 'tg-blue', groups: {}, hooks: hooks(prodStatus) },
    });
    const bad = trackServiceDeployments(rollingBack, settled('FAILED'), NOW).serviceDeployments![0]!;
    expect(bad).toMatchObject({ status: 'ROLLBACK_FAILED', statusReason: 'ECS deployment failed: lifecycle hook ecs-hook-PRODUCTION_TRAFFIC_SHIFT-rb FAILED at PRODUCTION_TRAFFIC_SHIFT.' });
    expect(bad.hooks!.map((h) => h.hookId)).toEqual(['ecs-hook-POST_SCALE_UP-fw', 'ecs-hook-TEST_TRAFFIC_SHIFT-rb', 'ecs-hook-PRODUCTION_TRAFFIC_SHIFT-rb']);
    expect(trackServiceDeployments(rollingBack, settled('SUCCEEDED'), NOW).serviceDeployments![0]).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL' });
  });
});
