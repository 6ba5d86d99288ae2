// Services with real containers under `wharf up`: steady state, a container killed behind Wharf's back replaced,
// a rolling update sampled at every moment within min/max percent while the old tasks keep answering, and a bad
// image tripping the circuit breaker and rolling back.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';
import { WHARF_BIN, WHARF_ENV } from './harness.js';

const up = useWharfUp();
const run = promisify(execFile);



const register = (family: string, version: string, image = BUSYBOX) =>
  up.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'web',
          image,
          memory: 32,
          stopTimeout: 2,
          command: ['sh', '-c', `mkdir -p /w && echo ${version} > /w/index.html && exec httpd -f -p 80 -h /w`],
          portMappings: [{ containerPort: 80, hostPort: 0 }],
        },
      ],
    }),
  );

const svc = async (name: string): Promise<Service> => (await up.ecs.send(new DescribeServicesCommand({ services: [name] }))).services![0]!;
const tasksOf = async (name: string) => {
  const arns = (await up.ecs.send(new ListTasksCommand({ serviceName: name }))).taskArns!;
  return arns.length ? (await up.ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks! : [];
};
const steady = (name: string, timeout = 60_000) =>
  expect
    .poll(async () => {
      const s = await svc(name);
      return s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && s.runningCount === s.desiredCount;
    }, { timeout, interval: 250 })
    .toBe(true);

describe('services with real containers', () => {
  it('keeps its tasks running, replaces a killed container, and rolls to a new revision within 100/200', async () => {
    const v1 = await register('site', 'v1');
    await up.ecs.send(
      new CreateServiceCommand({
        serviceName: 'site',
        taskDefinition: v1.taskDefinition!.taskDefinitionArn,
        desiredCount: 2,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      }),
    );
    await steady('site');
    const events = (await svc('site')).events!.map((e) => e.message);
    expect(events).toContainEqual(expect.stringMatching(/^\(service site\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/));
    expect(events).toContain('(service site) has reached a steady state.');

    // Each task answers on its own dynamic port.
    for (const t of await tasksOf('site')) {
      const port = t.containers![0]!.networkBindings![0]!.hostPort;
      expect((await (await fetch(`http://127.0.0.1:${port}/`)).text()).trim()).toBe('v1');
    }

    // A container dies behind Wharf's back: the task stops and the service replaces it.
    const victim = (await tasksOf('site'))[0]!;
    await run('docker', ['kill', victim.containers![0]!.runtimeId!]);
    await expect.poll(async () => (await tasksOf('site')).some((t) => t.taskArn === victim.taskArn), { timeout: 30_000 }).toBe(false);
    await steady('site');

    const v2 = await register('site', 'v2');
    await up.ecs.send(new UpdateServiceCommand({ service: 'site', taskDefinition: v2.taskDefinition!.taskDefinitionArn }));
    let samples = 0;
    for (;;) {
      const live = (await tasksOf('site')).filter((t) => t.lastStatus !== 'STOPPED');
      const running = live.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
      expect(live.length).toBeLessThanOrEqual(4);
      expect(running.length).toBeGreaterThanOrEqual(2);
      samples++;
      const s = await svc('site');
      if (s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && s.runningCount === 2) break;
    }
    expect(samples).toBeGreaterThan(1);
    for (const t of await tasksOf('site')) {
      const port = t.containers![0]!.networkBindings![0]!.hostPort;
      expect((await (await fetch(`http://127.0.0.1:${port}/`)).text()).trim()).toBe('v2');
    }
    await up.ecs.send(new DeleteServiceCommand({ service: 'site', force: true }));
  }, 180_000);

  it('trips the circuit breaker on an image that cannot be pulled and rolls back', async () => {
    const good = await register('fragile', 'good');
    await up.ecs.send(
      new CreateServiceCommand({
        serviceName: 'fragile',
        taskDefinition: good.taskDefinition!.taskDefinitionArn,
        desiredCount: 1,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, minimumHealthyPercent: 100, maximumPercent: 200 },
      }),
    );
    await steady('fragile');
    const bad = await register('fragile', 'bad', '127.0.0.1:1/does-not-exist:latest');
    await up.ecs.send(new UpdateServiceCommand({ service: 'fragile', taskDefinition: bad.taskDefinition!.taskDefinitionArn }));
    await expect
      .poll(async () => (await svc('fragile')).events!.map((e) => e.message).join('\n'), { timeout: 90_000, interval: 500 })
      .toMatch(/deployment failed: tasks failed to start\./);
    await steady('fragile', 90_000);
    const s = await svc('fragile');
    expect(s.taskDefinition).toBe(good.taskDefinition!.taskDefinitionArn);
    const stopped = (await up.ecs.send(new ListTasksCommand({ serviceName: 'fragile', desiredStatus: 'STOPPED' }))).taskArns!;
    const reasons = (await up.ecs.send(new DescribeTasksCommand({ tasks: stopped }))).tasks!.map((t) => t.stoppedReason);
    expect(reasons).toContainEqual(expect.stringMatching(/^CannotPullContainerError/));
    await up.ecs.send(new DeleteServiceCommand({ service: 'fragile', force: true }));
  }, 180_000);

  it("gives a FARGATE service's tasks the task metadata endpoint, naming their service and address", async () => {
    await up.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'introspect',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'app', image: BUSYBOX, stopTimeout: 2, command: ['sh', '-c', 'echo "task $(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task)"; sleep 600'] },
        ],
      }),
    );
    await up.ecs.send(
      new CreateServiceCommand({
        serviceName: 'introspect',
        taskDefinition: 'introspect',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } },
      }),
    );
    await steady('introspect');
    const [task] = await tasksOf('introspect');
    const printed = async () => {
      const { stdout } = await run(process.execPath, [WHARF_BIN, 'logs', task!.taskArn!, '--endpoint-url', up.wharf.url], { env: WHARF_ENV });
      const line = stdout.split('\n').find((l) => l.startsWith('app | task '));
      return line ? JSON.parse(line.slice('app | task '.length)) : undefined;
    };
    await expect.poll(printed, { timeout: 30_000 }).toBeDefined();
    const doc = await printed();
    const address = task!.attachments![0]!.details!.find((d) => d.name === 'privateIPv4Address')!.value;
    expect(doc).toMatchObject({
      Cluster: task!.clusterArn,
      TaskARN: task!.taskArn,
      Family: 'introspect',
      Revision: '1',
      ServiceName: 'introspect',
      LaunchType: 'FARGATE',
      AvailabilityZone: task!.availabilityZone,
      Limits: { CPU: 0.25, Memory: 512 },
      Containers: [{ Name: 'app', Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: [address] }] }],
    });
    await up.ecs.send(new DeleteServiceCommand({ service: 'introspect', force: true }));
  });
});
