// When lifecycle hooks run, with real containers behind a Wharf load balancer on loopback and a hook URL (an HTTP
// server in this test, on loopback) recording every stage it is called at: a service's first deployment runs its
// hooks at their stages (RECONCILE_SERVICE aside) and holds at one answering IN_PROGRESS; a blue/green deployment
// rolled back with StopServiceDeployment during its bake moves production back at once and calls the hooks of
// TEST_TRAFFIC_SHIFT and then PRODUCTION_TRAFFIC_SHIFT again, as ECS does on a rollback, and no other; a hook that
// never answers times out when it expires and rolls the deployment back.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type DeploymentLifecycleHookStage,
  type LoadBalancer,
} from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient } from './elbv2Client.js';
import type { ElbWharf } from './elbv2Harness.js';
import { get, registerVersion, hookServer, shiftingLoadBalancer, traffic, type HookCall, type ShiftingSetup } from './deploymentsHarness.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp({ WHARF_DEPLOYMENT_MINUTE_SECONDS: '2' });
let elb: ElasticLoadBalancingV2Client;
let lb: ShiftingSetup;

/** Every call the hook server got, and its answers: per `path stage`, a list used in turn (the last repeats). */
const calls: HookCall[] = [];
const answers = new Map<string, object[]>();
let hooks: Awaited<ReturnType<typeof hookServer>>;
let hookBase = '';

beforeAll(async () => {
  elb = elbClient({ url: up.wharf.url } as ElbWharf);
  lb = await shiftingLoadBalancer(elb, 'hr');
  hooks = await hookServer(calls, answers);
  hookBase = hooks.base;
}, 60_000);

afterAll(async () => {
  elb?.destroy();
  await hooks?.close();
});

const ALL_STAGES = [
  'RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT',
] as DeploymentLifecycleHookStage[];
const loadBalancer = (): LoadBalancer => ({
  targetGroupArn: lb.blue, containerName: 'web', containerPort: 80,
  advancedConfiguration: { alternateTargetGroupArn: lb.green, productionListenerRule: lb.prodRule, testListenerRule: lb.testRule },
});
const register = (version: string) => registerVersion(up.ecs, 'hr-site', version);
const newest = async () => {
  const arn = (await up.ecs.send(new ListServiceDeploymentsCommand({ service: 'hr' }))).serviceDeployments![0]!.serviceDeploymentArn!;
  return describeSd(arn);
};
const describeSd = async (arn: string) =>
  (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!;
const update = async (version: string, deploymentConfiguration: DeploymentConfiguration) => {
  const before = (await newest()).serviceDeploymentArn;
  await up.ecs.send(new UpdateServiceCommand({ service: 'hr', taskDefinition: await register(version), deploymentConfiguration }));
  await expect.poll(async () => (await newest()).serviceDeploymentArn, { timeout: 10_000 }).not.toBe(before);
  return (await newest()).serviceDeploymentArn!;
};
const taskVersions = async () => {
  const arns = (await up.ecs.send(new ListTasksCommand({ serviceName: 'hr' }))).taskArns!;
  if (arns.length === 0) return [];
  const tasks = (await up.ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks!;
  return tasks.map((t) => t.taskDefinitionArn!.split(':').pop()!).sort();
};
/** The stages `path` was called at for service deployment `sdArn` since `from`, repeated calls (IN_PROGRESS) once. */
const stagesCalled = (path: string, sdArn: string, from = 0) =>
  calls
    .filter((c) => c.path === path && c.body.resourceArn === sdArn && c.at >= from)
    .map((c) => c.body.lifecycleStage as string)
    .filter((s, i, all) => s !== all[i - 1]);

describe('lifecycle hooks on the first deployment and on a rollback', () => {
  it("runs a service's first deployment's hooks at their stages, RECONCILE_SERVICE aside", async () => {
    answers.set('/first PRE_SCALE_UP', [{ hookStatus: 'IN_PROGRESS', callBackDelay: 3 }, { hookStatus: 'SUCCEEDED' }]);
    await up.ecs.send(
      new CreateServiceCommand({
        serviceName: 'hr',
        taskDefinition: await register('v1'),
        desiredCount: 1,
        loadBalancers: [loadBalancer()],
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: [{ hookTargetArn: `${hookBase}/first`, lifecycleStages: ALL_STAGES }] },
      }),
    );
    const sdArn = (await newest()).serviceDeploymentArn!;
    // Held before scale-up while the hook answers IN_PROGRESS: no task yet.
    await expect.poll(() => calls.filter((c) => c.path === '/first').length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    expect((await describeSd(sdArn)).lifecycleStage).toBe('PRE_SCALE_UP');
    expect(await taskVersions()).toEqual([]);

    await expect.poll(async () => (await describeSd(sdArn)).status, { timeout: 150_000, interval: 250 }).toBe('SUCCESSFUL');
    expect(await get(lb.prodUrl)).toBe('v1');
    expect(stagesCalled('/first', sdArn)).toEqual(ALL_STAGES.slice(1));
    const details = (await describeSd(sdArn)).lifecycleHookDetails!;
    expect(details.map((h) => h.status)).toEqual(ALL_STAGES.slice(1).map(() => 'SUCCEEDED'));
  }, 240_000);

  it('rolled back during the bake, moves production back at once and calls TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT hooks again', async () => {
    const sdArn = await update('v2', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 60,
      lifecycleHooks: [{ hookTargetArn: `${hookBase}/rb`, lifecycleStages: ALL_STAGES }],
    });
    await expect.poll(async () => (await describeSd(sdArn)).lifecycleStage, { timeout: 150_000, interval: 250 }).toBe('BAKE_TIME');
    await expect.poll(() => get(lb.prodUrl), { timeout: 30_000, interval: 250 }).toBe('v2');
    expect(stagesCalled('/rb', sdArn)).toEqual(ALL_STAGES);

    // The rollback's TEST_TRAFFIC_SHIFT hook answers IN_PROGRESS once: the rollback waits for it, production back
    // on blue all the while.
    answers.set('/rb TEST_TRAFFIC_SHIFT', [{ hookStatus: 'IN_PROGRESS', callBackDelay: 3 }, { hookStatus: 'SUCCEEDED' }]);
    const prod = traffic(lb.prodUrl);
    const stoppedAt = Date.now();
    try {
      await up.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: sdArn, stopType: 'ROLLBACK' }));
      await expect.poll(() => prod.last(), { timeout: 15_000, interval: 100 }).toBe('v1');
      const backAt = Date.now();
      // Held at the rollback's TEST_TRAFFIC_SHIFT: the green task still runs.
      await expect.poll(async () => (await describeSd(sdArn)).lifecycleStage, { timeout: 2500, interval: 100 }).toBe('TEST_TRAFFIC_SHIFT');
      expect((await describeSd(sdArn)).status).toBe('ROLLBACK_IN_PROGRESS');
      expect(await taskVersions()).toHaveLength(2);
      await expect.poll(async () => (await describeSd(sdArn)).status, { timeout: 60_000, interval: 250 }).toBe('ROLLBACK_SUCCESSFUL');
      expect(prod.samples.filter((s) => s.start > backAt).map((s) => s.answer)).not.toContain('v2');
    } finally {
      await prod.stop();
    }
    expect(prod.samples.filter((s) => s.answer.startsWith('ERR'))).toEqual([]);

    // Exactly ECS's rollback stages, in order, for this service deployment, on behalf of the revision rolled back to.
    expect(stagesCalled('/rb', sdArn, stoppedAt)).toEqual(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);
    const sd = await describeSd(sdArn);
    const rollbackCalls = calls.filter((c) => c.path === '/rb' && c.at >= stoppedAt);
    expect(rollbackCalls.map((c) => c.body.executionDetails.targetServiceRevisionArn)).toEqual(rollbackCalls.map(() => sd.sourceServiceRevisions![0]!.arn));
    expect(rollbackCalls.at(-1)!.body.executionDetails.productionTrafficWeights).toEqual({ [lb.blue]: 100 });
    expect(sd.lifecycleHookDetails!.slice(-2)).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED' }),
      expect.objectContaining({ status: 'SUCCEEDED' }),
    ]);
    expect(new Set(sd.lifecycleHookDetails!.map((h) => h.hookId)).size).toBe(ALL_STAGES.length + 2);
    await expect.poll(taskVersions, { timeout: 60_000 }).toHaveLength(1);
    expect(await get(lb.prodUrl)).toBe('v1');
  }, 300_000);

  it('times a hook out when it expires and rolls the deployment back', async () => {
    answers.set('/slow POST_TEST_TRAFFIC_SHIFT', [{ hookStatus: 'IN_PROGRESS', callBackDelay: 600 }]);
    const sdArn = await update('v3', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [
        { hookTargetArn: `${hookBase}/slow`, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 1, action: 'ROLLBACK' } },
      ] as DeploymentConfiguration['lifecycleHooks'],
    });
    await expect.poll(async () => (await describeSd(sdArn)).status, { timeout: 150_000, interval: 250 }).toBe('ROLLBACK_SUCCESSFUL');
    const hook = (await describeSd(sdArn)).lifecycleHookDetails![0]!;
    expect(hook).toMatchObject({ status: 'TIMED_OUT', timeoutAction: 'ROLLBACK' });
    // Called once (its next call was 600 s away), and acted on when it expired (one "minute" is 2 s here).
    expect(calls.filter((c) => c.path === '/slow')).toHaveLength(1);
    const events = (await up.ecs.send(new DescribeServicesCommand({ services: ['hr'] }))).services![0]!.events!;
    const failedAt = events.find((e) => e.message!.includes(`lifecycle hook ${hook.hookId} failed`))!.createdAt!.getTime();
    expect(failedAt).toBeGreaterThanOrEqual(hook.expiresAt!.getTime());
    expect(failedAt - hook.expiresAt!.getTime()).toBeLessThan(1500);
    expect(await get(lb.prodUrl)).toBe('v1');
    await up.ecs.send(new DeleteServiceCommand({ service: 'hr', force: true }));
  }, 240_000);
});
