// Blue/green deployments with real containers behind a Wharf load balancer on loopback, under continuous traffic:
// the green tasks start in the alternate target group, the test listener reaches them while production still answers
// blue, production moves at once (no request answered by blue after the first answered by green, none failing), the
// blue tasks stay for the bake and then go; a rollback during the bake moves production back at once. Bake-time
// minutes last WHARF_DEPLOYMENT_MINUTE_SECONDS seconds here.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  ModifyTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { elbClient } from './elbv2Client.js';
import type { ElbWharf } from './elbv2Harness.js';
import { useWharfUp } from './wharfUp.js';

const MINUTE_SECONDS = 4;
const up = useWharfUp({ WHARF_DEPLOYMENT_MINUTE_SECONDS: String(MINUTE_SECONDS) });
let elb: ElasticLoadBalancingV2Client;

const register = async (version: string) =>
  (
    await up.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'bg-site',
        containerDefinitions: [
          {
            name: 'web',
            image: BUSYBOX,
            memory: 32,
            stopTimeout: 2,
            command: ['sh', '-c', `mkdir -p /w && echo ${version} > /w/index.html && exec httpd -f -p 80 -h /w`],
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      }),
    )
  ).taskDefinition!.taskDefinitionArn!;

const targetGroup = async (name: string) => {
  const arn = (await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, TargetType: 'instance', VpcId: 'vpc-1' })))
    .TargetGroups![0]!.TargetGroupArn!;
  await elb.send(
    new ModifyTargetGroupCommand({
      TargetGroupArn: arn, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2, HealthCheckPath: '/',
    }),
  );
  // Short draining, so replaced tasks leave quickly.
  return arn;
};

const defaultRule = async (listenerArn: string) =>
  (await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules!.find((r) => r.IsDefault)!;

/** One GET; the body trimmed, or `ERR <status or error>`. */
async function get(url: string): Promise<string> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = (await r.text()).trim();
    return r.status === 200 ? body : `ERR ${r.status}`;
  } catch (err) {
    return `ERR ${(err as Error).message}`;
  }
}

interface Sample {
  start: number;
  end: number;
  answer: string;
}

/** Requests one after another on `url` until stopped, every answer recorded. */
function traffic(url: string) {
  const samples: Sample[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const start = Date.now();
      const answer = await get(url);
      samples.push({ start, end: Date.now(), answer });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    samples,
    last: () => samples[samples.length - 1]?.answer,
    async stop() {
      running = false;
      await done;
    },
  };
}

let prodUrl = '';
let testUrl = '';
let blue = '';
let green = '';
let prodRule = '';
let testRule = '';

beforeAll(async () => {
  elb = elbClient({ url: up.wharf.url } as ElbWharf);
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'bg-lb' }))).LoadBalancers![0]!;
  const address = lb.AvailabilityZones![0]!.LoadBalancerAddresses![0]!.IpAddress!;
  blue = await targetGroup('bg-blue');
  green = await targetGroup('bg-green');
  const prod = await elb.send(
    new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }] }),
  );
  const test = await elb.send(
    new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 8080, DefaultActions: [{ Type: 'forward', TargetGroupArn: green }] }),
  );
  prodRule = (await defaultRule(prod.Listeners![0]!.ListenerArn!)).RuleArn!;
  testRule = (await defaultRule(test.Listeners![0]!.ListenerArn!)).RuleArn!;
  prodUrl = `http://${address}:80/`;
  testUrl = `http://${address}:8080/`;
}, 60_000);

afterAll(() => elb?.destroy());

const newest = async () => {
  const arn = (await up.ecs.send(new ListServiceDeploymentsCommand({ service: 'bg' }))).serviceDeployments![0]!.serviceDeploymentArn!;
  return (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!;
};
const service = async () => (await up.ecs.send(new DescribeServicesCommand({ services: ['bg'] }))).services![0]!;
const forwardsTo = async (ruleArn: string) => {
  const rule = (await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules![0]!;
  return rule.Actions![0]!.ForwardConfig!.TargetGroups!.filter((g) => (g.Weight ?? 1) > 0).map((g) => g.TargetGroupArn);
};

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
    await expect.poll(() => get(prodUrl), { timeout: 90_000, interval: 250 }).toBe('v1');
    await expect.poll(async () => (await newest()).status, { timeout: 60_000, interval: 250 }).toBe('SUCCESSFUL');

    const prod = traffic(prodUrl);
    const test = traffic(testUrl);
    try {
      await up.ecs.send(new UpdateServiceCommand({ service: 'bg', taskDefinition: await register('v2') }));
      // The test listener answers green while production still answers blue.
      await expect.poll(() => test.last(), { timeout: 90_000, interval: 100 }).toBe('v2');
      const testFirstGreen = test.samples.find((s) => s.answer === 'v2')!;
      await expect.poll(() => prod.last(), { timeout: 90_000, interval: 100 }).toBe('v2');
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
  }, 300_000);

  it('moves production back at once when the deployment is rolled back during the bake', async () => {
    await up.ecs.send(
      new UpdateServiceCommand({ service: 'bg', taskDefinition: await register('v3'), deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 } }),
    );
    const prod = traffic(prodUrl);
    try {
      await expect.poll(() => prod.last(), { timeout: 90_000, interval: 100 }).toBe('v3');
      await expect.poll(async () => (await newest()).lifecycleStage, { timeout: 10_000, interval: 100 }).toBe('BAKE_TIME');
      const sd = await newest();
      const asked = Date.now();
      await up.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: sd.serviceDeploymentArn, stopType: 'ROLLBACK' }));
      await expect.poll(() => prod.last(), { timeout: 20_000, interval: 50 }).toBe('v2');
      const firstBack = prod.samples.find((s) => s.start > asked && s.answer === 'v2')!;
      expect(firstBack.end - asked).toBeLessThan(10_000);
      expect(prod.samples.filter((s) => s.start > firstBack.end && s.answer !== 'v2')).toEqual([]);
      await expect
        .poll(async () => (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [sd.serviceDeploymentArn!] }))).serviceDeployments![0]!.status, {
          timeout: 60_000,
          interval: 250,
        })
        .toBe('ROLLBACK_SUCCESSFUL');
      await expect.poll(async () => (await service()).runningCount, { timeout: 30_000 }).toBe(2);
      expect((await service()).deployments).toHaveLength(1);
    } finally {
      await prod.stop();
    }
    expect(prod.samples.filter((s) => s.answer.startsWith('ERR'))).toEqual([]);
    await up.ecs.send(new DeleteServiceCommand({ service: 'bg', force: true }));
  }, 300_000);

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
    const failures = (await up.ecs.send(new DescribeServicesCommand({ services: ['bg-bad'] }))).failures!;
    expect(failures).toEqual([expect.objectContaining({ reason: 'MISSING' })]);
  });
});
