// CANARY and LINEAR deployments with real containers behind a Wharf load balancer on loopback, under continuous
// traffic: a 10% canary seen in the share of production answers during its bake, then all of production; a linear
// deployment moving production in 25% steps, each seen in the production rule's weights (DescribeRules); no request
// failing in either. Bake-time minutes last WHARF_DEPLOYMENT_MINUTE_SECONDS seconds here.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient } from './elbv2Client.js';
import type { ElbWharf } from './elbv2Harness.js';
import { forwarding, get, registerVersion, shiftingLoadBalancer, traffic, type ShiftingSetup } from './deploymentsHarness.js';
import { useWharfUp } from './wharfUp.js';

const MINUTE_SECONDS = 4;
const up = useWharfUp({ WHARF_DEPLOYMENT_MINUTE_SECONDS: String(MINUTE_SECONDS) });
let elb: ElasticLoadBalancingV2Client;

beforeAll(() => {
  elb = elbClient({ url: up.wharf.url } as ElbWharf);
});
afterAll(() => elb?.destroy());

const statusOf = async (service: string) => {
  const arn = (await up.ecs.send(new ListServiceDeploymentsCommand({ service }))).serviceDeployments![0]!.serviceDeploymentArn!;
  return (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!.status;
};

async function createService(name: string, lb: ShiftingSetup, deploymentConfiguration: object) {
  await up.ecs.send(
    new CreateServiceCommand({
      serviceName: name,
      taskDefinition: await registerVersion(up.ecs, name, 'v1'),
      desiredCount: 2,
      loadBalancers: [
        {
          targetGroupArn: lb.blue, containerName: 'web', containerPort: 80,
          advancedConfiguration: { alternateTargetGroupArn: lb.green, productionListenerRule: lb.prodRule, testListenerRule: lb.testRule },
        },
      ],
      deploymentConfiguration,
    }),
  );
  await expect.poll(() => get(lb.prodUrl), { timeout: 150_000, interval: 250 }).toBe('v1');
  await expect.poll(() => statusOf(name), { timeout: 120_000, interval: 250 }).toBe('SUCCESSFUL');
}

describe('canary and linear deployments', () => {
  it('sends the canary share of production to the new revision during the canary bake, then all of it', async () => {
    const lb = await shiftingLoadBalancer(elb, 'canary');
    await createService('canary', lb, { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }, bakeTimeInMinutes: 0 });
    const prod = traffic(lb.prodUrl);
    try {
      await up.ecs.send(new UpdateServiceCommand({ service: 'canary', taskDefinition: await registerVersion(up.ecs, 'canary', 'v2') }));
      await expect.poll(async () => (await forwarding(elb, lb.prodRule)).map((g) => g.weight), { timeout: 150_000, interval: 100 }).toEqual([900, 100]);
      const from = prod.samples.length;
      // Sample most of the 20 s canary bake.
      await new Promise((r) => setTimeout(r, 15_000));
      const during = prod.samples.slice(from).filter((s) => s.answer === 'v1' || s.answer === 'v2');
      const share = during.filter((s) => s.answer === 'v2').length / during.length;
      expect(during.length).toBeGreaterThan(50);
      expect(share).toBeGreaterThan(0.02);
      expect(share).toBeLessThan(0.25);
      await expect.poll(() => statusOf('canary'), { timeout: 120_000, interval: 250 }).toBe('SUCCESSFUL');
      expect(await forwarding(elb, lb.prodRule)).toEqual([{ arn: lb.green, weight: 1 }]);
    } finally {
      await prod.stop();
    }
    expect(prod.samples.filter((s) => s.answer.startsWith('ERR'))).toEqual([]);
    expect(await get(lb.prodUrl)).toBe('v2');
    await up.ecs.send(new DeleteServiceCommand({ service: 'canary', force: true }));
  }, 480_000);

  it('moves production in linear steps, each visible in the production rule', async () => {
    const lb = await shiftingLoadBalancer(elb, 'linear');
    await createService('linear', lb, { strategy: 'LINEAR', linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }, bakeTimeInMinutes: 0 });
    const prod = traffic(lb.prodUrl);
    const weights = new Set<number>();
    try {
      await up.ecs.send(new UpdateServiceCommand({ service: 'linear', taskDefinition: await registerVersion(up.ecs, 'linear', 'v2') }));
      await expect
        .poll(
          async () => {
            const groups = await forwarding(elb, lb.prodRule);
            const g = groups.find((x) => x.arn === lb.green);
            if (g && groups.length === 2) weights.add(g.weight);
            return statusOf('linear');
          },
          { timeout: 180_000, interval: 200 },
        )
        .toBe('SUCCESSFUL');
    } finally {
      await prod.stop();
    }
    expect([...weights].sort((a, b) => a - b)).toEqual([250, 500, 750]);
    expect(prod.samples.filter((s) => s.answer.startsWith('ERR'))).toEqual([]);
    expect(await get(lb.prodUrl)).toBe('v2');
    await up.ecs.send(new DeleteServiceCommand({ service: 'linear', force: true }));
  }, 480_000);
});
