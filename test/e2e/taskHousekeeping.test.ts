// What happens around tasks over time: an agent that comes back within the grace period, draining and
// deregistered instances, clusters that still hold tasks, and STOPPED tasks pruned after their retention.
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, type ChannelClient } from './agentClient.js';
import { startWharf, type Wharf } from './harness.js';

let wharf: Wharf;
let ecs: ECSClient;
const agents: ChannelClient[] = [];
beforeAll(async () => {
  wharf = await startWharf({ env: { WHARF_INSTANCE_GRACE_SECONDS: '30', WHARF_STOPPED_TASK_RETENTION_SECONDS: '2' } });
  ecs = wharf.ecs();
  await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'hk', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }] }),
  );
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  ecs?.destroy();
  await wharf?.stop();
});

async function connectedInstance(cluster: string) {
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const out = await ecs.send(
    new RegisterContainerInstanceCommand({
      cluster,
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
      ],
    }),
  );
  const arn = out.containerInstance!.containerInstanceArn!;
  const agent = await connectAgent(wharf.url, cluster, arn);
  agents.push(agent);
  await expect.poll(() => agent.payloads().length).toBe(1);
  return { arn, agent };
}

const status = async (cluster: string, arn: string) =>
  (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks?.[0]?.lastStatus;

describe('task housekeeping', () => {
  it('gives an agent that reconnects within the grace period all its tasks again, nothing stopped or duplicated', async () => {
    const { arn, agent } = await connectedInstance('back');
    const run = await ecs.send(new RunTaskCommand({ cluster: 'back', taskDefinition: 'hk', count: 2 }));
    await agent.close();
    const again = await connectAgent(wharf.url, 'back', arn);
    agents.push(again);
    await expect.poll(() => again.payloads().length).toBeGreaterThan(0);
    const full = again.payloads()[0];
    expect(full.full).toBe(true);
    expect(full.tasks.map((t: any) => t.taskArn).sort()).toEqual(run.tasks!.map((t) => t.taskArn).sort());
    for (const t of run.tasks!) expect(await status('back', t.taskArn!)).toBe('PENDING');
  });

  it('places nothing on a DRAINING instance', async () => {
    const { arn } = await connectedInstance('drain');
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'drain', containerInstances: [arn], status: 'DRAINING' }));
    const run = await ecs.send(new RunTaskCommand({ cluster: 'drain', taskDefinition: 'hk' }));
    expect(run.tasks).toEqual([]);
    expect(run.failures).toEqual([{ arn, reason: 'DRAINING' }]);
  });

  it('refuses to delete a cluster with tasks, and to deregister a busy instance without force', async () => {
    const { arn } = await connectedInstance('held');
    const run = await ecs.send(new RunTaskCommand({ cluster: 'held', taskDefinition: 'hk' }));
    const d = await ecs.send(new DescribeClustersCommand({ clusters: ['held'], include: ['STATISTICS'] }));
    expect(d.clusters![0]).toMatchObject({ pendingTasksCount: 1, runningTasksCount: 0, registeredContainerInstancesCount: 1 });
    expect(d.clusters![0]!.statistics).toContainEqual({ name: 'pendingEC2TasksCount', value: '1' });
    await expect(
      ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'held', containerInstance: arn })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'held', containerInstance: arn, force: true }));
    // The forced deregistration leaves its task without a host: it is stopped.
    await expect.poll(() => status('held', run.tasks![0]!.taskArn!), { timeout: 10_000 }).toBe('STOPPED');
    await ecs.send(new DeleteClusterCommand({ cluster: 'held' }));
  });

  it('refuses to delete a cluster while tasks are active', async () => {
    // FARGATE tasks hold a cluster that has no container instances of its own.
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'hk-fg',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'busybox' }],
      }),
    );
    const out = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'default',
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
        ],
        attributes: [
          { name: 'wharf.capacity.fargate', value: 'true' },
          ...td.taskDefinition!.requiresAttributes!.map((a) => ({ name: a.name, value: a.value })),
        ],
      }),
    );
    const agent = await connectAgent(wharf.url, 'default', out.containerInstance!.containerInstanceArn!);
    agents.push(agent);
    await expect.poll(() => agent.payloads().length).toBe(1);
    await ecs.send(new CreateClusterCommand({ clusterName: 'fg-held' }));
    await ecs.send(
      new RunTaskCommand({
        cluster: 'fg-held',
        taskDefinition: 'hk-fg',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } },
      }),
    );
    await expect(ecs.send(new DeleteClusterCommand({ cluster: 'fg-held' }))).rejects.toMatchObject({
      name: 'ClusterContainsTasksException',
      message: 'The Cluster cannot be deleted while Tasks are active.',
    });
  });

  it('prunes STOPPED tasks after the retention period', async () => {
    await connectedInstance('prune');
    const run = await ecs.send(new RunTaskCommand({ cluster: 'prune', taskDefinition: 'hk' }));
    const arn = run.tasks![0]!.taskArn!;
    await ecs.send(new StopTaskCommand({ cluster: 'prune', task: arn }));
    // No agent report arrives for a task that never started: the test reports as its agent would.
    const { SubmitTaskStateChangeCommand } = await import('@aws-sdk/client-ecs');
    await ecs.send(new SubmitTaskStateChangeCommand({ cluster: 'prune', task: arn, status: 'STOPPED', reason: 'stopped' }));
    expect(await status('prune', arn)).toBe('STOPPED');
    await expect
      .poll(async () => (await ecs.send(new DescribeTasksCommand({ cluster: 'prune', tasks: [arn] }))).failures?.[0]?.reason, {
        timeout: 10_000,
      })
      .toBe('MISSING');
  });
});
