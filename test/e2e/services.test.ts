// Services end to end against a real `wharf server`, with scripted agents standing in for hosts: steady state,
// replacement of a killed task, rolling updates within min/max percent, the circuit breaker and its rollback,
// DAEMON, draining, task protection on scale-in, deletion, and the API's answers.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  UpdateTaskProtectionCommand,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type Wharf } from './harness.js';
import { scriptedAgent, type ScriptedAgent } from './scriptedAgent.js';

let wharf: Wharf;
let ecs: ECSClient;
const agents: ScriptedAgent[] = [];
beforeAll(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  ecs?.destroy();
  await wharf?.stop();
});

async function cluster(name: string, hosts: number, azs = ['us-east-1a', 'us-east-1b']) {
  await ecs.send(new CreateClusterCommand({ clusterName: name }));
  const mine: ScriptedAgent[] = [];
  for (let i = 0; i < hosts; i++) mine.push(await scriptedAgent(wharf.url, ecs, name, { az: azs[i % azs.length] }));
  agents.push(...mine);
  return mine;
}

const register = (family: string, image = 'busybox') =>
  ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image, memory: 128 }] }));

const describe1 = async (c: string, s: string): Promise<Service> =>
  (await ecs.send(new DescribeServicesCommand({ cluster: c, services: [s] }))).services![0]!;

const liveTasks = async (c: string, s: string) => {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: c, serviceName: s }))).taskArns!;
  return arns.length ? (await ecs.send(new DescribeTasksCommand({ cluster: c, tasks: arns }))).tasks! : [];
};

const steady = (c: string, s: string, timeout = 20_000) =>
  expect
    .poll(async () => {
      const svc = await describe1(c, s);
      return svc.deployments!.length === 1 && svc.deployments![0]!.rolloutState === 'COMPLETED' && svc.runningCount === svc.desiredCount;
    }, { timeout, interval: 100 })
    .toBe(true);

describe('services', () => {
  it('reaches a steady state, replaces a killed task, and answers through the aws CLI', async () => {
    const hosts = await cluster('svc-basic', 2);
    await register('basic-app');
    const created = await wharf.aws('ecs', 'create-service', '--cluster', 'svc-basic', '--service-name', 'web',
      '--task-definition', 'basic-app', '--desired-count', '3');
    expect(created.service).toMatchObject({ serviceName: 'web', status: 'ACTIVE', desiredCount: 3, schedulingStrategy: 'REPLICA', launchType: 'EC2' });
    expect(created.service.deployments[0].id).toMatch(/^ecs-svc\/\d{19}$/);
    await steady('svc-basic', 'web');
    const svc = await describe1('svc-basic', 'web');
    const messages = svc.events!.map((e) => e.message);
    expect(messages[0]).toBe('(service web) has reached a steady state.');
    expect(messages).toContain(`(service web) (deployment ${svc.deployments![0]!.id}) deployment completed.`);
    expect(messages.some((m) => /^\(service web\) has started \d tasks: (\(task [0-9a-f]{32}\) ?)+\.$/.test(m!))).toBe(true);
    const tasks = await liveTasks('svc-basic', 'web');
    expect(tasks.every((t) => t.group === 'service:web' && t.startedBy === svc.deployments![0]!.id)).toBe(true);
    // Spread across both zones by default.
    expect(new Set(tasks.map((t) => t.availabilityZone)).size).toBe(2);

    const victim = tasks[0]!;
    await hosts.find((h) => h.arn === victim.containerInstanceArn)!.kill(victim.taskArn!);
    await expect.poll(async () => (await liveTasks('svc-basic', 'web')).map((t) => t.taskArn), { timeout: 10_000 }).not.toContain(victim.taskArn);
    await steady('svc-basic', 'web');
    expect((await liveTasks('svc-basic', 'web')).length).toBe(3);

    const listed = await wharf.aws('ecs', 'list-services', '--cluster', 'svc-basic');
    expect(listed.serviceArns).toEqual(['arn:aws:ecs:us-east-1:000000000000:service/svc-basic/web']);
    await expect(ecs.send(new DeleteClusterCommand({ cluster: 'svc-basic' }))).rejects.toMatchObject({ name: 'ClusterContainsServicesException' });
    const dup = await wharf.awsRaw(['ecs', 'create-service', '--cluster', 'svc-basic', '--service-name', 'web', '--task-definition', 'basic-app', '--desired-count', '1']);
    expect(dup.stderr).toContain('InvalidParameterException');
  });

  it('rolls to a new revision within minimumHealthyPercent 100 and maximumPercent 200 at every moment', async () => {
    await cluster('svc-roll', 2);
    await register('roll-app');
    await wharf.aws('ecs', 'create-service', '--cluster', 'svc-roll', '--service-name', 'web', '--task-definition', 'roll-app', '--desired-count', '4');
    await steady('svc-roll', 'web');
    await register('roll-app');
    await ecs.send(new UpdateServiceCommand({ cluster: 'svc-roll', service: 'web', taskDefinition: 'roll-app:2' }));
    let sampled = 0;
    for (;;) {
      const live = (await liveTasks('svc-roll', 'web')).filter((t) => t.lastStatus !== 'STOPPED');
      const healthy = live.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING').length;
      expect(live.length).toBeLessThanOrEqual(8);
      expect(healthy).toBeGreaterThanOrEqual(4);
      sampled++;
      const svc = await describe1('svc-roll', 'web');
      if (svc.deployments!.length === 1 && svc.deployments![0]!.rolloutState === 'COMPLETED') {
        expect(svc.taskDefinition).toMatch(/roll-app:2$/);
        break;
      }
    }
    expect(sampled).toBeGreaterThan(1);
    const final = await liveTasks('svc-roll', 'web');
    expect(final.every((t) => t.taskDefinitionArn!.endsWith('roll-app:2'))).toBe(true);
  });

  it('trips the circuit breaker on a bad image and rolls back', async () => {
    const hosts = await cluster('svc-bad', 1);
    for (const h of hosts) h.failImages.add('no-such-image:latest');
    await register('bad-app');
    await wharf.aws('ecs', 'create-service', '--cluster', 'svc-bad', '--service-name', 'web', '--task-definition', 'bad-app', '--desired-count', '2',
      '--deployment-configuration', 'deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100');
    await steady('svc-bad', 'web');
    await register('bad-app', 'no-such-image:latest');
    await ecs.send(new UpdateServiceCommand({ cluster: 'svc-bad', service: 'web', taskDefinition: 'bad-app:2' }));
    await expect
      .poll(async () => (await describe1('svc-bad', 'web')).events!.map((e) => e.message).join('\n'), { timeout: 20_000 })
      .toMatch(/deployment failed: tasks failed to start\./);
    await steady('svc-bad', 'web', 30_000);
    const svc = await describe1('svc-bad', 'web');
    expect(svc.taskDefinition).toMatch(/bad-app:1$/);
    expect(svc.deployments![0]!.rolloutStateReason).toMatch(/^ECS deployment ecs-svc\/\d{19} completed\.$/);
    expect(svc.events!.map((e) => e.message)).toContainEqual(expect.stringMatching(/^\(service web\) rolling back to deployment ecs-svc\/\d{19}\.$/));
  });

  it('runs one DAEMON task per instance, including instances that register later', async () => {
    await cluster('svc-daemon', 2);
    await register('daemon-app');
    await wharf.aws('ecs', 'create-service', '--cluster', 'svc-daemon', '--service-name', 'agent', '--task-definition', 'daemon-app', '--scheduling-strategy', 'DAEMON');
    await expect.poll(async () => (await describe1('svc-daemon', 'agent')).runningCount, { timeout: 10_000 }).toBe(2);
    agents.push(await scriptedAgent(wharf.url, ecs, 'svc-daemon', { az: 'us-east-1c' }));
    await expect.poll(async () => (await describe1('svc-daemon', 'agent')).runningCount, { timeout: 10_000 }).toBe(3);
    const tasks = await liveTasks('svc-daemon', 'agent');
    expect(new Set(tasks.map((t) => t.containerInstanceArn)).size).toBe(3);
    expect((await describe1('svc-daemon', 'agent')).desiredCount).toBe(3);
  });

  it('moves tasks off a DRAINING instance and keeps protected tasks on scale-in', async () => {
    const [a, b] = await cluster('svc-drain', 2);
    await register('drain-app');
    // Zone rebalancing off: setting the instance ACTIVE again would otherwise move a task back to its zone (stopping
    // one on the other), which is not what this test is about. The aws CLI 2.9 predates the field: the SDK sets it.
    await ecs.send(
      new CreateServiceCommand({ cluster: 'svc-drain', serviceName: 'web', taskDefinition: 'drain-app', desiredCount: 4, availabilityZoneRebalancing: 'DISABLED' }),
    );
    await steady('svc-drain', 'web');
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'svc-drain', containerInstances: [a!.arn], status: 'DRAINING' }));
    await expect
      .poll(async () => (await liveTasks('svc-drain', 'web')).filter((t) => t.lastStatus === 'RUNNING').map((t) => t.containerInstanceArn), { timeout: 15_000 })
      .toEqual([b!.arn, b!.arn, b!.arn, b!.arn]);
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'svc-drain', containerInstances: [a!.arn], status: 'ACTIVE' }));
    const keep = (await liveTasks('svc-drain', 'web'))[0]!.taskArn!;
    const prot = await ecs.send(new UpdateTaskProtectionCommand({ cluster: 'svc-drain', tasks: [keep], protectionEnabled: true, expiresInMinutes: 60 }));
    expect(prot.protectedTasks![0]).toMatchObject({ taskArn: keep, protectionEnabled: true });
    const got = await wharf.aws('ecs', 'get-task-protection', '--cluster', 'svc-drain', '--tasks', keep);
    expect(got.protectedTasks[0].protectionEnabled).toBe(true);
    await ecs.send(new UpdateServiceCommand({ cluster: 'svc-drain', service: 'web', desiredCount: 1 }));
    await expect.poll(async () => (await liveTasks('svc-drain', 'web')).filter((t) => t.desiredStatus === 'RUNNING').map((t) => t.taskArn), { timeout: 10_000 }).toEqual([keep]);

    await expect(wharf.aws('ecs', 'delete-service', '--cluster', 'svc-drain', '--service', 'web')).rejects.toThrow(/scaled above 0/);
    const deleted = await wharf.aws('ecs', 'delete-service', '--cluster', 'svc-drain', '--service', 'web', '--force');
    expect(deleted.service.status).toBe('DRAINING');
    await expect.poll(async () => (await describe1('svc-drain', 'web')).status, { timeout: 10_000 }).toBe('INACTIVE');
    expect((await wharf.aws('ecs', 'list-services', '--cluster', 'svc-drain')).serviceArns).toEqual([]);
  });
});
