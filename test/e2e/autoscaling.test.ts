// Application Auto Scaling through the Debian aws CLI and the JS SDK. The ECS services here are fakes (a map behind
// getService/setDesiredCount) because the service controller is being built alongside; CPU comes in through the same
// recordTaskStats interface the agent will call, with a one-second --metric-period so scaling takes seconds.
import { DescribeScalableTargetsCommand, DescribeScalingActivitiesCommand, PutScalingPolicyCommand } from '@aws-sdk/client-application-auto-scaling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startObsWharf, type ObsWharf } from './cloudwatchHarness.js';

let w: ObsWharf;
beforeAll(async () => {
  w = await startObsWharf({ metricPeriodSeconds: 1 });
});
afterAll(() => w?.stop());

const target = (id: string) => ['--service-namespace', 'ecs', '--scalable-dimension', 'ecs:service:DesiredCount', '--resource-id', id];
const desired = (id: string) => w.services.get(id)!.desiredCount;

/** Feeds CPU samples for every task of the service, as the agent would, until stopped. */
function feedCpu(id: string, percent: () => number): () => void {
  const [, cluster, service] = id.split('/');
  const timer = setInterval(() => {
    for (let i = 0; i < desired(id); i++) {
      w.metrics.recordTaskStats({ cluster: cluster!, service, taskArn: `${id}/t${i}`, cpuUnitsUsed: (256 * percent()) / 100, cpuReserved: 256, memoryUsedMiB: 100, memoryReservedMiB: 512, at: new Date() });
    }
  }, 200);
  return () => clearInterval(timer);
}

describe('scalable targets', () => {
  it('registers, updates, brings the service inside the bounds, and refuses unknown services', async () => {
    w.services.set('service/default/api', { desiredCount: 1, runningCount: 1 });
    expect((await w.awsRaw(['application-autoscaling', 'register-scalable-target', ...target('service/default/ghost'), '--min-capacity', '1', '--max-capacity', '2'])).stderr).toContain('ValidationException');
    await w.aws('application-autoscaling', 'register-scalable-target', ...target('service/default/api'), '--min-capacity', '2', '--max-capacity', '5');
    // The CLI 2.9 model predates ScalableTargetARN; the current SDK sees it.
    const sdk = await w.aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: ['service/default/api'] }));
    expect(sdk.ScalableTargets?.[0]?.ScalableTargetARN).toMatch(/^arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target\//);
    expect(desired('service/default/api')).toBe(2);
    await w.aws('application-autoscaling', 'register-scalable-target', ...target('service/default/api'), '--suspended-state', 'DynamicScalingInSuspended=true');
    const d = await w.aws('application-autoscaling', 'describe-scalable-targets', '--service-namespace', 'ecs');
    expect(d.ScalableTargets[0]).toMatchObject({ ResourceId: 'service/default/api', MinCapacity: 2, MaxCapacity: 5, SuspendedState: { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: false } });
    const acts = await w.aws('application-autoscaling', 'describe-scaling-activities', '--service-namespace', 'ecs', '--resource-id', 'service/default/api');
    expect(acts.ScalingActivities[0]).toMatchObject({ StatusCode: 'Successful', Description: 'Setting desired count to 2.' });
    expect((await w.awsRaw(['application-autoscaling', 'put-scaling-policy', ...target('service/default/none'), '--policy-name', 'p', '--policy-type', 'StepScaling', '--step-scaling-policy-configuration', 'AdjustmentType=ChangeInCapacity,StepAdjustments=[{MetricIntervalLowerBound=0,ScalingAdjustment=1}]'])).stderr).toContain('ObjectNotFoundException');
    expect((await w.awsRaw(['application-autoscaling', 'describe-scalable-targets', '--service-namespace', 'dynamodb'])).stderr).toContain('ValidationException');
  });
});

describe('target tracking', () => {
  it('scales a CPU-hungry service out to its max fast, and back in slowly when the load stops', async () => {
    const id = 'service/default/burner';
    w.services.set(id, { desiredCount: 1, runningCount: 1 });
    await w.aws('application-autoscaling', 'register-scalable-target', ...target(id), '--min-capacity', '1', '--max-capacity', '4');
    const pol = await w.aws('application-autoscaling', 'put-scaling-policy', ...target(id), '--policy-name', 'cpu50', '--policy-type', 'TargetTrackingScaling',
      '--target-tracking-scaling-policy-configuration', JSON.stringify({ TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, ScaleOutCooldown: 1, ScaleInCooldown: 1 }));
    expect(pol.Alarms).toHaveLength(2);
    const alarms = (await w.aws('cloudwatch', 'describe-alarms', '--alarm-name-prefix', `TargetTracking-${id}-`)).MetricAlarms;
    expect(alarms.map((a: any) => [a.MetricName, a.Threshold, a.EvaluationPeriods]).sort()).toEqual([['CPUUtilization', 45, 15], ['CPUUtilization', 50, 3]]);
    let load = 180;
    const stop = feedCpu(id, () => (load * 1) / 1);
    try {
      const seen: number[] = [];
      await eventually(() => (seen.push(desired(id)), desired(id) === 4), 30_000);
      load = 5;
      await eventually(() => desired(id) === 1, 45_000);
      // Never below the minimum, and no flapping back out while idle.
      await new Promise((r) => setTimeout(r, 2000));
      expect(desired(id)).toBe(1);
    } finally {
      stop();
    }
    const acts = await w.aas.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: id }));
    const causes = acts.ScalingActivities!.map((a) => a.Cause!);
    expect(causes.some((c) => c.includes('AlarmHigh') && c.includes('triggered policy cpu50'))).toBe(true);
    expect(causes.some((c) => c.includes('AlarmLow'))).toBe(true);
    await w.aws('application-autoscaling', 'delete-scaling-policy', ...target(id), '--policy-name', 'cpu50');
    expect((await w.aws('cloudwatch', 'describe-alarms', '--alarm-name-prefix', `TargetTracking-${id}-`)).MetricAlarms).toEqual([]);
  }, 120_000);

  it('accepts customized metrics and ALBRequestCountPerTarget', async () => {
    const id = 'service/default/web';
    w.services.set(id, { desiredCount: 2, runningCount: 2 });
    await w.aws('application-autoscaling', 'register-scalable-target', ...target(id), '--min-capacity', '1', '--max-capacity', '10');
    const custom = await w.aas.send(new PutScalingPolicyCommand({
      ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount', ResourceId: id, PolicyName: 'queue', PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 10, CustomizedMetricSpecification: { Namespace: 'App', MetricName: 'Backlog', Statistic: 'Average' }, DisableScaleIn: true },
    }));
    expect(custom.Alarms).toHaveLength(1);
    const alb = await w.aws('application-autoscaling', 'put-scaling-policy', ...target(id), '--policy-name', 'alb', '--policy-type', 'TargetTrackingScaling',
      '--target-tracking-scaling-policy-configuration', JSON.stringify({ TargetValue: 100, PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: 'app/lb/1234/targetgroup/tg/5678' } }));
    const a = (await w.aws('cloudwatch', 'describe-alarms', '--alarm-names', alb.Alarms[0].AlarmName)).MetricAlarms[0];
    expect(a).toMatchObject({ Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCountPerTarget', Statistic: 'Sum', Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/tg/5678' }] });
    const pols = await w.aws('application-autoscaling', 'describe-scaling-policies', '--service-namespace', 'ecs', '--resource-id', id);
    expect(pols.ScalingPolicies.map((p: any) => p.PolicyName)).toEqual(['alb', 'queue']);
  });
});

describe('step scaling and scheduled actions', () => {
  it('runs a step policy when the alarm that names it goes to ALARM', async () => {
    const id = 'service/default/worker';
    w.services.set(id, { desiredCount: 2, runningCount: 2 });
    await w.aws('application-autoscaling', 'register-scalable-target', ...target(id), '--min-capacity', '1', '--max-capacity', '10');
    const pol = await w.aws('application-autoscaling', 'put-scaling-policy', ...target(id), '--policy-name', 'add3', '--policy-type', 'StepScaling',
      '--step-scaling-policy-configuration', JSON.stringify({ AdjustmentType: 'ChangeInCapacity', Cooldown: 60, StepAdjustments: [{ MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 50, ScalingAdjustment: 1 }, { MetricIntervalLowerBound: 50, ScalingAdjustment: 3 }] }));
    await w.aws('cloudwatch', 'put-metric-alarm', '--alarm-name', 'jobs-high', '--namespace', 'App', '--metric-name', 'Jobs', '--statistic', 'Average',
      '--period', '1', '--evaluation-periods', '1', '--threshold', '100', '--comparison-operator', 'GreaterThanOrEqualToThreshold', '--alarm-actions', pol.PolicyARN);
    const feed = setInterval(() => w.metrics.series.add('App', 'Jobs', [], Date.now(), 170), 200);
    try {
      await eventually(() => desired(id) === 5);
    } finally {
      clearInterval(feed);
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(desired(id)).toBe(5); // the cooldown holds while the alarm keeps firing
    const d = await w.aws('application-autoscaling', 'describe-scaling-policies', '--service-namespace', 'ecs', '--policy-names', 'add3', '--resource-id', id);
    expect(d.ScalingPolicies[0].Alarms[0].AlarmName).toBe('jobs-high');
  });

  it('fires at() and cron() scheduled actions, changing min and max', async () => {
    const id = 'service/default/batch';
    w.services.set(id, { desiredCount: 1, runningCount: 1 });
    await w.aws('application-autoscaling', 'register-scalable-target', ...target(id), '--min-capacity', '1', '--max-capacity', '3');
    // Far enough ahead that the CLI call storing it lands before it is due, even on a busy machine.
    const at = new Date(Date.now() + 12_000).toISOString().slice(0, 19);
    await w.aws('application-autoscaling', 'put-scheduled-action', ...target(id), '--scheduled-action-name', 'morning', '--schedule', `at(${at})`, '--scalable-target-action', 'MinCapacity=3,MaxCapacity=6');
    await w.aws('application-autoscaling', 'put-scheduled-action', ...target(id), '--scheduled-action-name', 'nightly', '--schedule', 'cron(0 22 * * ? *)', '--timezone', 'Europe/Paris', '--scalable-target-action', 'MinCapacity=0,MaxCapacity=1');
    expect((await w.awsRaw(['application-autoscaling', 'put-scheduled-action', ...target(id), '--scheduled-action-name', 'bad', '--schedule', 'cron(0 22 * *)'])).stderr).toContain('ValidationException');
    await eventually(() => desired(id) === 3, 40_000);
    const t = (await w.aws('application-autoscaling', 'describe-scalable-targets', '--service-namespace', 'ecs', '--resource-ids', id)).ScalableTargets[0];
    expect([t.MinCapacity, t.MaxCapacity]).toEqual([3, 6]);
    const acts = await w.aws('application-autoscaling', 'describe-scheduled-actions', '--service-namespace', 'ecs', '--resource-id', id);
    expect(acts.ScheduledActions.map((a: any) => [a.ScheduledActionName, a.Schedule])).toEqual([['morning', `at(${at})`], ['nightly', 'cron(0 22 * * ? *)']]);
    await w.aws('application-autoscaling', 'delete-scheduled-action', ...target(id), '--scheduled-action-name', 'nightly');
    await w.aws('application-autoscaling', 'deregister-scalable-target', ...target(id));
    expect((await w.awsRaw(['application-autoscaling', 'deregister-scalable-target', ...target(id)])).stderr).toContain('ObjectNotFoundException');
    expect((await w.aws('application-autoscaling', 'describe-scheduled-actions', '--service-namespace', 'ecs', '--resource-id', id)).ScheduledActions).toEqual([]);
  }, 120_000);
});
