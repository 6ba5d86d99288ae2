// Managed scaling of a capacity provider over a pool of real Wharf agents: `wharf up` with --capacity-scaling-webhook
// pointing at an HTTP server in this test (loopback), and `wharf agent` processes in pool `work`. With no task the pool
// is too big (reservation 0: the webhook is told to remove the idle instance); a service whose second task cannot be
// placed makes it too small (reservation 200: the webhook is told to add one); the "script" starts a second agent in
// the pool and the task runs. CapacityProviderReservation is in CloudWatch (AWS/ECS/ManagedScaling, dimensions
// CapacityProviderName and ClusterName), and termination protection keeps instances with tasks off the removable list.
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  ListContainerInstancesCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/agent/protocol.js';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { removeLabelled } from '../support/cleanup.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { connectedInstances, joinAgent, startWharf, TEST_CREDENTIALS, waitUntil, type Wharf } from './harness.js';

const runtime = new DockerRuntime();
let wharf: Wharf;
let ecs: ECSClient;
let cw: CloudWatchClient;
let server: Server;
const advice: Record<string, any>[] = [];
const hosts: ChildProcess[] = [];
const CLUSTER = 'elastic';

const connected = () => connectedInstances(ecs, CLUSTER);
const addHost = () => hosts.push(joinAgent(wharf, CLUSTER, ['--attribute', 'wharf.pool=work']));

beforeAll(async () => {
  await ensureBusybox(runtime);
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      advice.push(JSON.parse(data));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scale`;
  wharf = await startWharf({ mode: 'up', env: { WHARF_LB_WORKERS: '0' }, args: ['--metric-period', '2', '--capacity-scaling-webhook', hook] });
  ecs = wharf.ecs();
  cw = new CloudWatchClient({ endpoint: wharf.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  addHost();
  await waitUntil(connected, (l) => l.length === 1, 60_000);
}, 120_000);

afterAll(async () => {
  // Every instance of the cluster, listed while the agents are still connected: their containers are removed below.
  const arns = ecs ? await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER })).then((r) => r.containerInstanceArns ?? [], () => []) : [];
  for (const h of hosts) h.kill('SIGTERM');
  ecs?.destroy();
  cw?.destroy();
  await wharf?.stop();
  for (const arn of arns) await removeLabelled(runtime, { [LABELS.instanceArn]: arn });
  await new Promise((r) => server?.close(r));
});

describe('managed scaling', () => {
  it('reports CapacityProviderReservation and asks for hosts to be removed and added', async () => {
    const [first] = await connected();
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: 'work-cp',
        autoScalingGroupProvider: {
          autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0:autoScalingGroupName/work',
          managedScaling: { status: 'ENABLED', targetCapacity: 100 },
          managedTerminationProtection: 'ENABLED',
        },
      }),
    );
    await ecs.send(new PutClusterCapacityProvidersCommand({ cluster: CLUSTER, capacityProviders: ['work-cp'], defaultCapacityProviderStrategy: [] }));

    // No task: one idle instance more than needed.
    await expect.poll(() => advice.at(-1), { timeout: 30_000, interval: 250 }).toMatchObject({
      capacityProviderName: 'work-cp', clusterName: CLUSTER, autoScalingGroupName: 'work',
      capacityProviderReservation: 0, instances: 1, desiredInstances: 0, remove: 1, removable: [first!.containerInstanceArn],
    });

    // A task so big that one instance holds one.
    const memory = first!.registeredResources!.find((r) => r.name === 'MEMORY')!.integerValue!;
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'big-app',
        containerDefinitions: [{ name: 'main', image: BUSYBOX, memoryReservation: Math.floor(memory * 0.6), stopTimeout: 1, command: ['sleep', '3600'] }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'big', taskDefinition: 'big-app', desiredCount: 1, capacityProviderStrategy: [{ capacityProvider: 'work-cp', weight: 1 }] }),
    );
    const running = async () => (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['big'] }))).services![0]!.runningCount;
    await expect.poll(running, { timeout: 120_000, interval: 500 }).toBe(1);

    // Two wanted, room for one: the pool is too small.
    const before = advice.length;
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'big', desiredCount: 2 }));
    await expect
      .poll(() => advice.slice(before).at(-1), { timeout: 60_000, interval: 250 })
      .toMatchObject({ capacityProviderReservation: 200, instances: 1, desiredInstances: 2, add: 1 });
    // The script adds a host to the pool; the task waiting is placed on it.
    addHost();
    await expect.poll(running, { timeout: 120_000, interval: 500 }).toBe(2);

    const stats = async () =>
      (
        await cw.send(
          new GetMetricStatisticsCommand({
            Namespace: 'AWS/ECS/ManagedScaling',
            MetricName: 'CapacityProviderReservation',
            Dimensions: [{ Name: 'CapacityProviderName', Value: 'work-cp' }, { Name: 'ClusterName', Value: CLUSTER }],
            StartTime: new Date(Date.now() - 600_000),
            EndTime: new Date(Date.now() + 60_000),
            Period: 600,
            Statistics: ['Maximum', 'Minimum'],
          }),
        )
      ).Datapoints ?? [];
    await expect.poll(async () => (await stats())[0], { timeout: 30_000, interval: 500 }).toMatchObject({ Maximum: 200, Minimum: 0, Unit: 'Percent' });
    // Both instances busy at 100%: nothing more is asked (a pass or two of the webhook go by).
    const settled = advice.length;
    await new Promise((r) => setTimeout(r, 5000));
    expect(advice.slice(settled).filter((a) => a.remove || a.add)).toEqual([]);

    // Down to one task: one instance may go, and termination protection offers only the idle one.
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'big', desiredCount: 1 }));
    await expect.poll(running, { timeout: 60_000, interval: 500 }).toBe(1);
    await expect.poll(() => advice.at(-1), { timeout: 30_000, interval: 250 }).toMatchObject({ instances: 2, desiredInstances: 1, remove: 1 });
    const idle = advice.at(-1)!.removable as string[];
    expect(idle).toHaveLength(1);
    const busyOnes = (await connected()).map((c) => c.containerInstanceArn!).filter((a) => a !== idle[0]);
    expect(busyOnes).toHaveLength(1);
    const desc = await ecs.send(new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [idle[0]!, busyOnes[0]!] }));
    expect(desc.containerInstances!.find((c) => c.containerInstanceArn === idle[0])!.runningTasksCount).toBe(0);
    expect(desc.containerInstances!.find((c) => c.containerInstanceArn === busyOnes[0])!.runningTasksCount).toBe(1);
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'big', force: true }));
  }, 420_000);
});
