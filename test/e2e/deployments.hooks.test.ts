// Lifecycle hooks of a blue/green deployment with real containers behind a Wharf load balancer on loopback: a hook URL
// (an HTTP server in this test, on loopback) called at its stages with ECS's Lambda payload and answering IN_PROGRESS,
// then SUCCEEDED; a PAUSE hook holding the deployment at POST_TEST_TRAFFIC_SHIFT (test listener on green, production
// on blue) until ContinueServiceDeployment; a hook URL answering FAILED rolling the deployment back; a PAUSE hook
// rolled back by ContinueServiceDeployment before any green task starts; task definitions run as one-shot hook tasks
// (the payload in WHARF_HOOK_PAYLOAD; exit 0 passes, another code fails); and the hooks Wharf refuses.
import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
} from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient } from './elbv2Client.js';
import type { ElbWharf } from './elbv2Harness.js';
import { forwarding, get, registerVersion, hookServer, shiftingLoadBalancer, traffic, type HookCall, type ShiftingSetup } from './deploymentsHarness.js';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp({ WHARF_DEPLOYMENT_MINUTE_SECONDS: '2' });
let elb: ElasticLoadBalancingV2Client;
let lb: ShiftingSetup;

/** Every call the hook server got, and what it answers: per path, a list of answers used in turn (the last repeats). */
const calls: HookCall[] = [];
const answers = new Map<string, object[]>();
let hooks: Awaited<ReturnType<typeof hookServer>>;
let hookBase = '';

beforeAll(async () => {
  elb = elbClient({ url: up.wharf.url } as ElbWharf);
  lb = await shiftingLoadBalancer(elb, 'hk');
  hooks = await hookServer(calls, answers);
  hookBase = hooks.base;
}, 60_000);

afterAll(async () => {
  elb?.destroy();
  await hooks?.close();
});

const register = (version: string) => registerVersion(up.ecs, 'hk-site', version);
const newest = async () => {
  const arn = (await up.ecs.send(new ListServiceDeploymentsCommand({ service: 'hk' }))).serviceDeployments![0]!.serviceDeploymentArn!;
  return (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!;
};
const describeSd = async (arn: string) =>
  (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!;
const events = async () => (await up.ecs.send(new DescribeServicesCommand({ services: ['hk'] }))).services![0]!.events!.map((e) => e.message!);
const update = async (version: string, deploymentConfiguration: DeploymentConfiguration) => {
  const before = (await newest()).serviceDeploymentArn;
  await up.ecs.send(new UpdateServiceCommand({ service: 'hk', taskDefinition: await register(version), deploymentConfiguration }));
  await expect.poll(async () => (await newest()).serviceDeploymentArn, { timeout: 10_000 }).not.toBe(before);
  return (await newest()).serviceDeploymentArn!;
};
const taskVersions = async () => {
  const arns = (await up.ecs.send(new ListTasksCommand({ serviceName: 'hk' }))).taskArns!;
  if (arns.length === 0) return [];
  const tasks = (await up.ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks!;
  return tasks.map((t) => t.taskDefinitionArn!.split(':').pop()!).sort();
};

describe('lifecycle hooks', () => {
  it('calls a hook URL with ECS payload, pauses at a PAUSE hook until ContinueServiceDeployment, then shifts', async () => {
    await up.ecs.send(
      new CreateServiceCommand({
        serviceName: 'hk',
        taskDefinition: await register('v1'),
        desiredCount: 1,
        loadBalancers: [
          { targetGroupArn: lb.blue, containerName: 'web', containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: lb.green, productionListenerRule: lb.prodRule, testListenerRule: lb.testRule } },
        ],
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 },
      }),
    );
    await expect.poll(() => get(lb.prodUrl), { timeout: 150_000, interval: 250 }).toBe('v1');
    await expect.poll(async () => (await newest()).status, { timeout: 120_000, interval: 250 }).toBe('SUCCESSFUL');

    answers.set('/scaled', [{ hookStatus: 'IN_PROGRESS', callBackDelay: 1, hookDetails: { round: 2 } }, { hookStatus: 'SUCCEEDED' }]);
    const sdArn = await update('v2', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [
        { hookTargetArn: `${hookBase}/scaled`, lifecycleStages: ['POST_SCALE_UP', 'POST_PRODUCTION_TRAFFIC_SHIFT'], hookDetails: { round: 1 } },
        { targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] },
      ],
    });
    const prod = traffic(lb.prodUrl);
    try {
      // Paused: the service deployment shows the stage and the hook awaiting action; the test listener answers green,
      // production blue.
      await expect.poll(async () => (await describeSd(sdArn)).lifecycleStage, { timeout: 150_000, interval: 250 }).toBe('POST_TEST_TRAFFIC_SHIFT');
      const paused = await describeSd(sdArn);
      expect(paused.status).toBe('IN_PROGRESS');
      const pause = paused.lifecycleHookDetails!.find((h) => h.targetType === 'PAUSE')!;
      expect(pause).toMatchObject({ status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' });
      expect(pause.hookId).toMatch(/^ecs-pause-/);
      expect(pause.expiresAt!.getTime()).toBeGreaterThan(Date.now());
      expect(paused.lifecycleHookDetails!.find((h) => h.targetType === 'AWS_LAMBDA')).toMatchObject({ status: 'SUCCEEDED', targetArn: `${hookBase}/scaled` });
      await expect.poll(() => get(lb.testUrl), { timeout: 60_000, interval: 250 }).toBe('v2');
      expect(await events()).toContainEqual(`(service hk) (deployment ${(await up.ecs.send(new DescribeServicesCommand({ services: ['hk'] }))).services![0]!.deployments![0]!.id}) paused at lifecycle stage POST_TEST_TRAFFIC_SHIFT: lifecycle hook ${pause.hookId} is awaiting action.`);

      // The URL hook was called at POST_SCALE_UP with ECS's payload: IN_PROGRESS, then again with the hookDetails it gave.
      const scaled = calls.filter((c) => c.path === '/scaled' && c.body.lifecycleStage === 'POST_SCALE_UP');
      expect(scaled).toHaveLength(2);
      expect(scaled[0]!.body).toMatchObject({
        executionId: expect.stringMatching(/^ecs-hook-/),
        lifecycleStage: 'POST_SCALE_UP',
        resourceArn: sdArn,
        hookDetails: { round: 1 },
        executionDetails: {
          serviceArn: expect.stringMatching(/:service\/default\/hk$/),
          targetServiceRevisionArn: paused.targetServiceRevision!.arn,
          productionTrafficWeights: { [lb.blue]: 100, [lb.green]: 0 },
          testTrafficWeights: { [lb.green]: 100 },
        },
      });
      expect(scaled[1]!.body.hookDetails).toEqual({ round: 2 });

      // Held: production keeps answering blue while paused.
      const heldFrom = Date.now();
      await new Promise((r) => setTimeout(r, 3000));
      expect(prod.samples.filter((s) => s.start > heldFrom).map((s) => s.answer)).not.toContain('v2');
      expect((await describeSd(sdArn)).lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');

      await up.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: sdArn, hookId: pause.hookId, action: 'CONTINUE' }));
      await expect.poll(() => prod.last(), { timeout: 60_000, interval: 100 }).toBe('v2');
      await expect.poll(async () => (await describeSd(sdArn)).status, { timeout: 60_000, interval: 250 }).toBe('SUCCESSFUL');
      expect((await describeSd(sdArn)).lifecycleHookDetails!.map((h) => h.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      const post = calls.find((c) => c.body.lifecycleStage === 'POST_PRODUCTION_TRAFFIC_SHIFT' && c.body.resourceArn === sdArn)!;
      expect(post.body.executionDetails.productionTrafficWeights).toEqual({ [lb.green]: 100 });
      // The continued hook can no longer be answered.
      await expect(up.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: sdArn, hookId: pause.hookId }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    } finally {
      await prod.stop();
    }
    expect(prod.samples.filter((s) => s.answer.startsWith('ERR'))).toEqual([]);
  }, 480_000);

  it('rolls back when a hook URL answers FAILED', async () => {
    answers.set('/verdict', [{ hookStatus: 'FAILED' }]);
    const sdArn = await update('v3', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ hookTargetArn: `${hookBase}/verdict`, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    await expect.poll(async () => (await describeSd(sdArn)).status, { timeout: 150_000, interval: 250 }).toBe('ROLLBACK_SUCCESSFUL');
    const sd = await describeSd(sdArn);
    expect(sd.lifecycleHookDetails).toEqual([expect.objectContaining({ targetType: 'AWS_LAMBDA', status: 'FAILED' })]);
    expect(sd.rollback?.reason).toMatch(/^ECS deployment lifecycle hook: rolling back to deploymentId ecs-svc\/\d{19}\.$/);
    expect(sd.deploymentCircuitBreaker?.status).toBe('DISABLED');
    expect(await events()).toContainEqual(expect.stringMatching(/^\(service hk\) \(deployment ecs-svc\/\d{19}\) deployment failed: lifecycle hook ecs-hook-\S+ failed at lifecycle stage POST_TEST_TRAFFIC_SHIFT\.$/));
    expect(await forwarding(elb, lb.prodRule)).toEqual([expect.objectContaining({ arn: lb.green })]);
    expect(await get(lb.prodUrl)).toBe('v2');
    await expect.poll(taskVersions, { timeout: 60_000 }).toHaveLength(1);
  }, 300_000);

  it('runs task definitions as one-shot hook tasks: exit 0 passes, another code fails and rolls back', async () => {
    const hookTask = async (family: string, script: string) =>
      (
        await up.ecs.send(
          new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'check', image: BUSYBOX, memory: 16, command: ['sh', '-c', script] }] }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    // Passes only when given ECS's payload for its stage.
    const pass = await hookTask('hk-pass', `echo "$WHARF_HOOK_PAYLOAD" | grep -q '"lifecycleStage":"POST_SCALE_UP"' && echo "$WHARF_HOOK_PAYLOAD" | grep -q '"serviceArn":"arn:aws:ecs:'`);
    const fail = await hookTask('hk-fail', 'exit 3');
    const sdArn = await update('v5', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [
        { hookTargetArn: pass, lifecycleStages: ['POST_SCALE_UP'] },
        { hookTargetArn: fail, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] },
      ],
    });
    await expect.poll(async () => (await describeSd(sdArn)).status, { timeout: 180_000, interval: 250 }).toBe('ROLLBACK_SUCCESSFUL');
    const details = (await describeSd(sdArn)).lifecycleHookDetails!;
    expect(details).toEqual([
      expect.objectContaining({ targetType: 'AWS_LAMBDA', targetArn: pass, status: 'SUCCEEDED' }),
      expect.objectContaining({ targetType: 'AWS_LAMBDA', targetArn: fail, status: 'FAILED' }),
    ]);
    // The failing hook's task ran and exited 3.
    const stopped = (await up.ecs.send(new ListTasksCommand({ startedBy: details[1]!.hookId, desiredStatus: 'STOPPED' }))).taskArns!;
    expect(stopped).toHaveLength(1);
    const task = (await up.ecs.send(new DescribeTasksCommand({ tasks: stopped }))).tasks![0]!;
    expect(task).toMatchObject({ group: 'hook:hk', taskDefinitionArn: fail });
    expect(task.containers![0]!.exitCode).toBe(3);
    expect(await get(lb.prodUrl)).toBe('v2');
    await expect.poll(taskVersions, { timeout: 60_000 }).toHaveLength(1);
  }, 300_000);

  it('rolls back a deployment paused before scale-up when ContinueServiceDeployment says ROLLBACK', async () => {
    const sdArn = await update('v4', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'] }],
    });
    await expect.poll(async () => (await describeSd(sdArn)).lifecycleStage, { timeout: 30_000, interval: 250 }).toBe('PRE_SCALE_UP');
    const hookId = (await describeSd(sdArn)).lifecycleHookDetails![0]!.hookId!;
    const before = await taskVersions();
    expect(before).toHaveLength(1);
    await up.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: sdArn, hookId, action: 'ROLLBACK' }));
    await expect.poll(async () => (await describeSd(sdArn)).status, { timeout: 60_000, interval: 250 }).toBe('ROLLBACK_SUCCESSFUL');
    // No task of v4 ever started: the one running is the one that ran before.
    expect(await taskVersions()).toEqual(before);
    expect(await get(lb.prodUrl)).toBe('v2');
  }, 300_000);

  it('refuses hooks Wharf cannot run', async () => {
    const change = (lifecycleHooks: object[]) =>
      up.ecs.send(new UpdateServiceCommand({ service: 'hk', deploymentConfiguration: { strategy: 'BLUE_GREEN', lifecycleHooks } as DeploymentConfiguration }));
    await expect(change([{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }])).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'PAUSE hooks cannot be configured at the PRODUCTION_TRAFFIC_SHIFT stage.',
    });
    await expect(change([{ lifecycleStages: ['POST_SCALE_UP'] }])).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(change([{ hookTargetArn: 'arn:aws:lambda:us-east-1:000000000000:function:hook', lifecycleStages: ['POST_SCALE_UP'] }])).rejects.toMatchObject({
      name: 'UnsupportedFeatureException',
    });
    const sdArn = (await newest()).serviceDeploymentArn!;
    await expect(up.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: sdArn, hookId: 'ecs-pause-none' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    expect((await up.ecs.send(new DescribeServicesCommand({ services: ['hk'] }))).services![0]!.deploymentConfiguration!.lifecycleHooks).toEqual([
      expect.objectContaining({ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'] }),
    ]);
    await up.ecs.send(new DeleteServiceCommand({ service: 'hk', force: true }));
  }, 120_000);
});
