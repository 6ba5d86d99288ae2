// Services across several real hosts: `wharf up` plus two `wharf agent` processes on this machine (each its own
// container instance), running real containers: DAEMON on every host including one that joins later, draining an
// instance, task protection on scale-in, and a kill -9 of the control plane in the middle of a deployment.
import type { ChildProcess } from 'node:child_process';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  UpdateTaskProtectionCommand,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/agent/protocol.js';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { removeLabelled } from '../support/cleanup.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { joinAgent, startWharf, tempDir, waitUntil, type Wharf } from './harness.js';

const runtime = new DockerRuntime();
let wharf: Wharf;
let ecs: ECSClient;
let dataDir: string;
const hosts: ChildProcess[] = [];
const instanceArns = new Set<string>();

const connected = async (cluster: string) => {
  const l = await ecs.send(new ListContainerInstancesCommand({ cluster }));
  if (!l.containerInstanceArns!.length) return [];
  const d = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: l.containerInstanceArns }));
  return d.containerInstances!.filter((c) => c.agentConnected).map((c) => c.containerInstanceArn!);
};

function joinHost(cluster: string, az: string): ChildProcess {
  const p = joinAgent(wharf, cluster, ['--attribute', `zone=${az}`]);
  hosts.push(p);
  return p;
}

beforeAll(async () => {
  await ensureBusybox(runtime);
  dataDir = tempDir();
  wharf = await startWharf({ dataDir, mode: 'up', env: { WHARF_LB_WORKERS: '0' } });
  ecs = wharf.ecs();
  await ecs.send(new CreateClusterCommand({ clusterName: 'fleet' }));
  joinHost('fleet', 'a');
  joinHost('fleet', 'b');
  for (const arn of await waitUntil(() => connected('fleet'), (l) => l.length === 2)) instanceArns.add(arn);
  for (const arn of await waitUntil(() => connected('default'), (l) => l.length === 1)) instanceArns.add(arn);
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'fleet-app',
      containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, cpu: 16, stopTimeout: 1, command: ['sleep', '3600'] }],
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const h of hosts) h.kill('SIGTERM');
  ecs?.destroy();
  await wharf?.stop();
  for (const arn of instanceArns) await removeLabelled(runtime, { [LABELS.instanceArn]: arn });
});

const svc = async (cluster: string, name: string): Promise<Service> =>
  (await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }))).services![0]!;
const live = async (cluster: string, name: string) => {
  const arns = (await ecs.send(new ListTasksCommand({ cluster, serviceName: name }))).taskArns!;
  return arns.length ? (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks! : [];
};
const running = async (cluster: string, name: string) => (await live(cluster, name)).filter((t) => t.lastStatus === 'RUNNING');

describe('services on a fleet of real hosts', () => {
  it('runs a DAEMON task on every host, including one that joins later', async () => {
    await ecs.send(new CreateServiceCommand({ cluster: 'fleet', serviceName: 'daemon', taskDefinition: 'fleet-app', schedulingStrategy: 'DAEMON' }));
    await expect.poll(async () => (await running('fleet', 'daemon')).length, { timeout: 60_000 }).toBe(2);
    joinHost('fleet', 'c');
    const all = await waitUntil(() => connected('fleet'), (l) => l.length === 3);
    all.forEach((a) => instanceArns.add(a));
    await expect.poll(async () => new Set((await running('fleet', 'daemon')).map((t) => t.containerInstanceArn)).size, { timeout: 60_000 }).toBe(3);
    for (const t of await running('fleet', 'daemon')) {
      const containers = await runtime.list({ [LABELS.taskArn]: t.taskArn! });
      expect(containers.filter((c) => c.running)).toHaveLength(1);
    }
    await ecs.send(new DeleteServiceCommand({ cluster: 'fleet', service: 'daemon', force: true }));
    await expect.poll(async () => (await running('fleet', 'daemon')).length, { timeout: 60_000 }).toBe(0);
  });

  it('moves tasks off a DRAINING instance and keeps a protected task on scale-in', async () => {
    await ecs.send(new CreateServiceCommand({ cluster: 'fleet', serviceName: 'web', taskDefinition: 'fleet-app', desiredCount: 4 }));
    await expect.poll(async () => (await running('fleet', 'web')).length, { timeout: 60_000 }).toBe(4);
    const drained = (await running('fleet', 'web'))[0]!.containerInstanceArn!;
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'fleet', containerInstances: [drained], status: 'DRAINING' }));
    await expect
      .poll(async () => {
        const r = await running('fleet', 'web');
        return r.length === 4 && r.every((t) => t.containerInstanceArn !== drained) && (await live('fleet', 'web')).every((t) => t.containerInstanceArn !== drained || t.lastStatus === 'STOPPED');
      }, { timeout: 60_000, interval: 500 })
      .toBe(true);
    await expect
      .poll(async () => (await runtime.list({ [LABELS.instanceArn]: drained })).filter((c) => c.running && c.labels[LABELS.family] === 'fleet-app').length, { timeout: 30_000 })
      .toBe(0);
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'fleet', containerInstances: [drained], status: 'ACTIVE' }));

    const keep = (await running('fleet', 'web'))[2]!.taskArn!;
    await ecs.send(new UpdateTaskProtectionCommand({ cluster: 'fleet', tasks: [keep], protectionEnabled: true, expiresInMinutes: 30 }));
    await ecs.send(new UpdateServiceCommand({ cluster: 'fleet', service: 'web', desiredCount: 1 }));
    await expect.poll(async () => (await running('fleet', 'web')).map((t) => t.taskArn), { timeout: 60_000 }).toEqual([keep]);
    await ecs.send(new DeleteServiceCommand({ cluster: 'fleet', service: 'web', force: true }));
  });

  it('finishes a deployment after kill -9 of the control plane in its middle, with no orphaned or duplicated task', async () => {
    await ecs.send(new CreateServiceCommand({ cluster: 'fleet', serviceName: 'durable', taskDefinition: 'fleet-app:1', desiredCount: 6 }));
    await expect.poll(async () => (await running('fleet', 'durable')).length, { timeout: 60_000 }).toBe(6);
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'fleet-app',
        containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, cpu: 16, stopTimeout: 1, command: ['sleep', '3601'] }],
      }),
    );
    await ecs.send(new UpdateServiceCommand({ cluster: 'fleet', service: 'durable', taskDefinition: 'fleet-app:2' }));
    // Kill it as soon as the new deployment has started some tasks.
    await expect.poll(async () => (await live('fleet', 'durable')).some((t) => t.taskDefinitionArn!.endsWith(':2')), { timeout: 30_000, interval: 50 }).toBe(true);
    const port = Number(new URL(wharf.url).port);
    wharf.proc.kill('SIGKILL');
    await wharf.stop();
    ecs.destroy();
    // The control plane comes back where its agents know it: the same data directory and port.
    wharf = await startWharf({ dataDir, mode: 'up', port, env: { WHARF_LB_WORKERS: '0' } });
    ecs = wharf.ecs();
    await expect
      .poll(async () => {
        const s = await svc('fleet', 'durable');
        return s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && s.runningCount === 6;
      }, { timeout: 120_000, interval: 500 })
      .toBe(true);
    const tasks = await running('fleet', 'durable');
    expect(tasks).toHaveLength(6);
    expect(tasks.every((t) => t.taskDefinitionArn!.endsWith(':2'))).toBe(true);
    // Every running task is exactly one running container, and no container runs without a task.
    const arns = new Set(tasks.map((t) => t.taskArn));
    let containers = 0;
    for (const arn of instanceArns) {
      for (const c of await runtime.list({ [LABELS.instanceArn]: arn })) {
        if (!c.running || c.labels[LABELS.family] !== 'fleet-app') continue;
        expect(arns.has(c.labels[LABELS.taskArn])).toBe(true);
        containers++;
      }
    }
    expect(containers).toBe(6);
    await ecs.send(new DeleteServiceCommand({ cluster: 'fleet', service: 'durable', force: true }));
  }, 240_000);
});
