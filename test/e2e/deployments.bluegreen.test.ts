// Blue/green deployments with real containers behind a Wharf load balancer on loopback, under continuous traffic:
// the green tasks start in the alternate target group, the test listener reaches them while production still answers
// blue, production moves at once (no request answered by blue after the first answered by green, none failing), the
// blue tasks stay for the bake and then go; a rollback during the bake (StopServiceDeployment, or a deployment alarm
// set to ALARM with SetAlarmState, or the circuit breaker tripping on green tasks that fail) moves production back at once. Bake-time
// minutes last WHARF_DEPLOYMENT_MINUTE_SECONDS seconds here.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient } from './elbv2Client.js';
import type { ElbWharf } from './elbv2Harness.js';
import { forwarding, get, registerVersion, shiftingLoadBalancer, traffic } from './deploymentsHarness.js';
import { TEST_CREDENTIALS } from './harness.js';
import { useWharfUp } from './wharfUp.js';

const MINUTE_SECONDS = 4;
const up = useWharfUp({ WHARF_DEPLOYMENT_MINUTE_SECONDS: String(MINUTE_SECONDS) });
let elb: ElasticLoadBalancingV2Client;
const register = (version: string) => registerVersion(up.ecs, 'bg-site', version);

let prodUrl = '';
let testUrl = '';
let blue = '';
let green = '';
let prodRule = '';
let testRule = '';

beforeAll(async () => {
  elb = elbClient({ url: up.wharf.url } as ElbWharf);
  ({ prodUrl, testUrl, blue, green, prodRule, testRule } = await shiftingLoadBalancer(elb, 'bg'));
}, 60_000);

afterAll(() => elb?.destroy());

const newest = async () => {
  const arn = (await up.ecs.send(new ListServiceDeploymentsCommand({ service: 'bg' }))).serviceDeployments![0]!.serviceDeploymentArn!;
  return (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!;
};
const service = async () => (await up.ecs.send(new DescribeServicesCommand({ services: ['bg'] }))).services![0]!;
const forwardsTo = async (ruleArn: string) => (await forwarding(elb, ruleArn)).map((g) => g.arn);

describe('blue/green deployments', () => {
  it('reaches green on the test listener first, then moves production at once, bakes, and removes blue', async () => {
    const v1 = await register('v1');
    await up.ecs.send(
      new CreateServiceCommand({
        serviceName: 'bg',
        taskDefinition: v1,
        desiredCount: 2,
        loadBalancers: [
          {
            targetGroupArn: blue, containerName: 'web', containerPort: 80,
            advancedConfiguration: { alternateTargetGroupArn: green, productionListenerRule: prodRule, testListenerRule: testRule, roleArn: 'arn:aws:iam::000000000000:role/ecs-bg' },
          },
        ],
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 },
      }),
    );
    await expect.poll(() => get(prodUrl), { timeout: 150_000, interval: 250 }).toBe('v1');
    await expect.poll(async () => (await newest()).status, { timeout: 120_000, interval: 250 }).toBe('SUCCESSFUL');

    const prod = traffic(prodUrl);
    const test = traffic(testUrl);
    try {
      await up.ecs.send(new UpdateServiceCommand({ service: 'bg', taskDefinition: await register('v2') }));
      // The test listener answers green while production still answers blue.
      await expect.poll(() => test.last(), { timeout: 150_000, interval: 100 }).toBe('v2');
      const testFirstGreen = test.samples.find((s) => s.answer === 'v2')!;
      await expect.poll(() => prod.last(), { timeout: 150_000, interval: 100 }).toBe('v2');
      const prodFirstGreen = prod.samples.find((s) => s.answer === 'v2')!;
      expect(testFirstGreen.end).toBeLessThan(prodFirstGreen.start);
      expect(prod.samples.some((s) => s.start > testFirstGreen.end && s.answer === 'v1')).toBe(true);
      // At once: no request that began after the first green answer was answered by blue.
      const blueAfter = prod.samples.filter((s) => s.start > prodFirstGreen.end && s.answer !== 'v2');
      expect(await forwardsTo(prodRule)).toEqual([green]);

      // The bake: blue tasks still run, the service deployment says BAKE_TIME.
      const baking = await newest();
      expect(baking).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME' });
      expect((await service()).deployments).toHaveLength(2);
      expect((await service()).runningCount).toBe(4);
      await expect.poll(async () => (await newest()).status, { timeout: 2 * MINUTE_SECONDS * 1000 + 60_000, interval: 250 }).toBe('SUCCESSFUL');
      const done = await newest();
      expect(done.finishedAt!.getTime() - prodFirstGreen.start).toBeGreaterThanOrEqual(2 * MINUTE_SECONDS * 1000 - 1500);
      await expect.poll(async () => (await service()).runningCount, { timeout: 30_000 }).toBe(2);
      expect(blueAfter).toEqual([]);
    } finally {
      await prod.stop();
      await test.stop();
    }
    expect(prod.samples.filter((s) => s.answer.startsWith('ERR'))).toEqual([]);
    expect(await get(prodUrl)).toBe('v2');
  }, 480_000);

  it('moves production back at once when the deployment is rolled back during the bake', async () => {
    await up.ecs.send(
      new UpdateServiceCommand({ service: 'bg', taskDefinition: await register('v3'), deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 } }),
    );
    const prod = traffic(prodUrl);
    try {
      await expect.poll(() => prod.last(), { timeout: 150_000, interval: 100 }).toBe('v3');
      await expect.poll(async () => (await newest()).lifecycleStage, { timeout: 10_000, interval: 100 }).toBe('BAKE_TIME');
      const sd = await newest();
      const asked = Date.now();
      await up.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: sd.serviceDeploymentArn, stopType: 'ROLLBACK' }));
      await expect.poll(() => prod.last(), { timeout: 20_000, interval: 50 }).toBe('v2');
      const firstBack = prod.samples.find((s) => s.start > asked && s.answer === 'v2')!;
      expect(firstBack.end - asked).toBeLessThan(20_000);
      expect(prod.samples.filter((s) => s.start > firstBack.end && s.answer !== 'v2')).toEqual([]);
      await expect
        .poll(async () => (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [sd.serviceDeploymentArn!] }))).serviceDeployments![0]!.status, {
          timeout: 120_000,
          interval: 250,
        })
        .toBe('ROLLBACK_SUCCESSFUL');
      await expect.poll(async () => (await service()).runningCount, { timeout: 30_000 }).toBe(2);
      expect((await service()).deployments).toHaveLength(1);
    } finally {
      await prod.stop();
    }
    expect(prod.samples.filter((s) => s.answer.startsWith('ERR'))).toEqual([]);
  }, 480_000);

  it('rolls back when a deployment alarm goes to ALARM during the bake', async () => {
    const cw = new CloudWatchClient({ endpoint: up.wharf.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: 'bg-errors', Namespace: 'Wharf/Test', MetricName: 'Errors', Statistic: 'Sum', Period: 60,
          EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      );
      await up.ecs.send(
        new UpdateServiceCommand({
          service: 'bg',
          taskDefinition: await register('v4'),
          deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, alarms: { alarmNames: ['bg-errors'], enable: true, rollback: true } },
        }),
      );
      const prod = traffic(prodUrl);
      try {
        await expect.poll(() => prod.last(), { timeout: 150_000, interval: 100 }).toBe('v4');
        await expect.poll(async () => (await newest()).lifecycleStage, { timeout: 10_000, interval: 100 }).toBe('BAKE_TIME');
        const sd = await newest();
        expect(sd.alarms).toMatchObject({ status: 'MONITORING', alarmNames: ['bg-errors'] });
        // On CloudWatch (and in Wharf) SetAlarmState lasts only until the alarm's next evaluation, which may come within
        // a second here: the deployment has to act on the change itself, not on a later look at the state. The errors
        // make the alarm's own evaluation agree, once their period is complete.
        await cw.send(new PutMetricDataCommand({ Namespace: 'Wharf/Test', MetricData: [{ MetricName: 'Errors', Value: 5 }] }));
        const asked = Date.now();
        await cw.send(new SetAlarmStateCommand({ AlarmName: 'bg-errors', StateValue: 'ALARM', StateReason: 'errors during the bake' }));
        await expect.poll(() => prod.last(), { timeout: 20_000, interval: 50 }).toBe('v2');
        const firstBack = prod.samples.find((s) => s.start > asked && s.answer === 'v2')!;
        expect(prod.samples.filter((s) => s.start > firstBack.end && s.answer !== 'v2')).toEqual([]);
        const describe = async () =>
          (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [sd.serviceDeploymentArn!] }))).serviceDeployments![0]!;
        await expect.poll(async () => (await describe()).status, { timeout: 120_000, interval: 250 }).toBe('ROLLBACK_SUCCESSFUL');
        expect((await describe()).alarms).toEqual({ status: 'TRIGGERED', alarmNames: ['bg-errors'], triggeredAlarmNames: ['bg-errors'] });
        const events = (await service()).events!.map((e) => e.message);
        expect(events).toContainEqual(expect.stringMatching(/^\(service bg\) \(deployment ecs-svc\/\d{19}\) deployment failed: alarm detected\.$/));
        await expect.poll(async () => (await service()).runningCount, { timeout: 30_000 }).toBe(2);
      } finally {
        await prod.stop();
      }
      expect(prod.samples.filter((s) => s.answer.startsWith('ERR'))).toEqual([]);
    } finally {
      cw.destroy();
    }
  }, 480_000);

  it('moves production back to the running blue tasks at once when the circuit breaker trips during the bake', async () => {
    const blueTasks = async () => (await up.ecs.send(new ListTasksCommand({ serviceName: 'bg' }))).taskArns!.sort();
    const v2Tasks = await blueTasks();
    expect(v2Tasks).toHaveLength(2);
    // Green serves long enough to turn healthy and take production, then every task of it exits 1.
    await up.ecs.send(
      new UpdateServiceCommand({
        service: 'bg',
        taskDefinition: await registerVersion(up.ecs, 'bg-site', 'v5', 25),
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30,
          deploymentCircuitBreaker: { enable: true, rollback: true }, alarms: { alarmNames: [], enable: false, rollback: false },
        },
      }),
    );
    const sd = await newest();
    const describe = async () => (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [sd.serviceDeploymentArn!] }))).serviceDeployments![0]!;
    const prod = traffic(prodUrl);
    try {
      await expect.poll(() => prod.last(), { timeout: 150_000, interval: 100 }).toBe('v5');
      expect((await describe()).lifecycleStage).toBe('BAKE_TIME');
      await expect.poll(async () => (await describe()).status, { timeout: 240_000, interval: 100 }).toMatch(/^ROLLBACK_/);
      const tripped = Date.now();
      expect(await forwardsTo(prodRule)).toEqual([blue]);
      await expect.poll(() => prod.last(), { timeout: 10_000, interval: 50 }).toBe('v2');
      const firstBack = prod.samples.find((s) => s.start > tripped - 1000 && s.answer === 'v2')!;
      expect(firstBack.end - tripped).toBeLessThan(10_000);
      expect(prod.samples.filter((s) => s.start > firstBack.end && s.answer !== 'v2')).toEqual([]);
      await expect.poll(async () => (await describe()).status, { timeout: 60_000, interval: 250 }).toBe('ROLLBACK_SUCCESSFUL');
      expect((await describe()).deploymentCircuitBreaker).toMatchObject({ status: 'TRIGGERED' });
      const events = (await service()).events!.map((e) => e.message);
      expect(events).toContainEqual(expect.stringMatching(/^\(service bg\) \(deployment ecs-svc\/\d{19}\) deployment failed: tasks failed to start\.$/));
      // The blue tasks that ran before are the ones answering: none was replaced.
      await expect.poll(blueTasks, { timeout: 60_000 }).toEqual(v2Tasks);
      expect((await service()).deployments).toHaveLength(1);
    } finally {
      await prod.stop();
    }
    await up.ecs.send(new DeleteServiceCommand({ service: 'bg', force: true }));
  }, 480_000);

  it('refuses what a blue/green service cannot run', async () => {
    const v1 = await register('v1');
    const lb = { targetGroupArn: blue, containerName: 'web', containerPort: 80 };
    const create = (extra: object) =>
      up.ecs.send(new CreateServiceCommand({ serviceName: 'bg-bad', taskDefinition: v1, desiredCount: 1, ...extra }));
    await expect(create({ loadBalancers: [lb], deploymentConfiguration: { strategy: 'BLUE_GREEN' } })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      create({ loadBalancers: [{ ...lb, advancedConfiguration: { productionListenerRule: prodRule } }], deploymentConfiguration: { strategy: 'BLUE_GREEN' } }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'advancedConfiguration must specify an alternateTargetGroupArn.' });
    await expect(
      create({
        loadBalancers: [{ ...lb, advancedConfiguration: { alternateTargetGroupArn: green, productionListenerRule: prodRule } }],
        deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0.05 } },
      }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      create({
        loadBalancers: [{ ...lb, advancedConfiguration: { alternateTargetGroupArn: green, productionListenerRule: prodRule } }],
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:000000000000:function:hook', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
        },
      }),
    ).rejects.toMatchObject({ name: 'UnsupportedFeatureException' });
    await expect(
      create({ loadBalancers: [lb], deploymentConfiguration: { alarms: { alarmNames: ['bg-errors', 'no-such-alarm'], enable: true, rollback: true } } }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'The following CloudWatch alarms do not exist: no-such-alarm.' });
    const failures = (await up.ecs.send(new DescribeServicesCommand({ services: ['bg-bad'] }))).failures!;
    expect(failures).toEqual([expect.objectContaining({ reason: 'MISSING' })]);
  });
});
