// kill -9 of the control plane in the middle of a rolling deployment, then a restart on the same data directory:
// the deployment goes on to the same end, with no orphaned, duplicated or forgotten task.
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, CreateClusterCommand, CreateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, expect, it, onTestFailed } from 'vitest';
import { startWharf, tempDir, type Wharf } from './harness.js';
import { scriptedAgent, type ScriptedAgent } from './scriptedAgent.js';

let wharf: Wharf | undefined;
let agent: ScriptedAgent | undefined;
afterAll(async () => {
  await agent?.close();
  await wharf?.stop();
});

const live = async (ecs: ECSClient) => {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: 'dur', serviceName: 'web' }))).taskArns!;
  return arns.length ? (await ecs.send(new DescribeTasksCommand({ cluster: 'dur', tasks: arns }))).tasks! : [];
};

it('finishes a deployment interrupted by kill -9', async () => {
  const dataDir = tempDir();
  const env = { WHARF_INSTANCE_GRACE_SECONDS: '120' };
  wharf = await startWharf({ dataDir, env });
  let ecs = wharf.ecs();
  await ecs.send(new CreateClusterCommand({ clusterName: 'dur' }));
  agent = await scriptedAgent(wharf.url, ecs, 'dur');
  const td = { family: 'dur-app', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }] };
  await ecs.send(new RegisterTaskDefinitionCommand(td));
  await ecs.send(new CreateServiceCommand({ cluster: 'dur', serviceName: 'web', taskDefinition: 'dur-app', desiredCount: 6,
    deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 } }));
  await expect.poll(async () => (await ecs.send(new DescribeServicesCommand({ cluster: 'dur', services: ['web'] }))).services![0]!.deployments![0]!.rolloutState, { timeout: 15_000 }).toBe('COMPLETED');
  await ecs.send(new RegisterTaskDefinitionCommand(td));
  await ecs.send(new UpdateServiceCommand({ cluster: 'dur', service: 'web', taskDefinition: 'dur-app:2' }));
  // Kill as soon as the deployment has started moving.
  await expect.poll(async () => (await live(ecs)).some((t) => t.taskDefinitionArn!.endsWith(':2')), { timeout: 10_000, interval: 20 }).toBe(true);
  await wharf.stop('SIGKILL');
  ecs.destroy();

  wharf = await startWharf({ dataDir, env });
  ecs = wharf.ecs();
  await agent.reconnect(wharf.url);
  let last = '';
  onTestFailed(() => console.log(last));
  await expect
    .poll(async () => {
      const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'dur', services: ['web'] }))).services![0]!;
      const ok = svc.deployments!.length === 1 && svc.deployments![0]!.rolloutState === 'COMPLETED' && svc.runningCount === 6;
      if (!ok) last = JSON.stringify({ d: svc.deployments, r: svc.runningCount, p: svc.pendingCount, e: svc.events!.slice(0, 5).map((e) => e.message), t: (await live(ecs)).map((t) => [t.lastStatus, t.desiredStatus, t.taskDefinitionArn!.slice(-1)]) });
      return ok;
    }, { timeout: 20_000, interval: 100 })
    .toBe(true);
  const tasks = await live(ecs);
  expect(tasks).toHaveLength(6);
  expect(tasks.every((t) => t.taskDefinitionArn!.endsWith('dur-app:2') && t.lastStatus === 'RUNNING')).toBe(true);
  // Nothing left behind: every task the agent was told to run is either one of these or stopped.
  const all = (await ecs.send(new ListTasksCommand({ cluster: 'dur', desiredStatus: 'STOPPED' }))).taskArns!;
  const stopped = all.length ? (await ecs.send(new DescribeTasksCommand({ cluster: 'dur', tasks: all }))).tasks! : [];
  expect(stopped.every((t) => t.lastStatus === 'STOPPED')).toBe(true);
  ecs.destroy();
});
