// Availability zone rebalancing with real containers: `wharf up` plus two `wharf agent` processes in zones us-east-1a
// and us-east-1b (--availability-zone, their ecs.availability-zone attribute). A service of two tasks runs one in each
// zone; draining the 1a instance moves its task to 1b; when the instance is ACTIVE again the service is evened out
// (a task started in 1a, one stopped in 1b) with ECS's SERVICE_REBALANCING_STARTED and _COMPLETED event texts. A
// service with rebalancing DISABLED stays where it is.
import type { ChildProcess } from 'node:child_process';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/agent/protocol.js';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { removeLabelled } from '../support/cleanup.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { connectedInstances, joinAgent, startWharf, waitUntil, type Wharf } from './harness.js';

const runtime = new DockerRuntime();
let wharf: Wharf;
let ecs: ECSClient;
const hosts: ChildProcess[] = [];
const instanceArns: string[] = [];
const zoneOf = new Map<string, string>();
const CLUSTER = 'zones';

beforeAll(async () => {
  await ensureBusybox(runtime);
  wharf = await startWharf({ mode: 'up', env: { WHARF_LB_WORKERS: '0' } });
  ecs = wharf.ecs();
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  for (const zone of ['us-east-1a', 'us-east-1b']) hosts.push(joinAgent(wharf, CLUSTER, ['--availability-zone', zone]));
  const connected = () => connectedInstances(ecs, CLUSTER);
  for (const ci of await waitUntil(connected, (l) => l.length === 2, 60_000)) {
    instanceArns.push(ci.containerInstanceArn!);
    zoneOf.set(ci.containerInstanceArn!, ci.attributes!.find((a) => a.name === 'ecs.availability-zone')!.value!);
  }
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'zone-app',
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

/** The zones the service's running tasks are in, sorted. */
async function zones(service: string): Promise<string[]> {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: service, desiredStatus: 'RUNNING' }))).taskArns!;
  if (arns.length === 0) return [];
  const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks!;
  return tasks.filter((t) => t.lastStatus === 'RUNNING').map((t) => zoneOf.get(t.containerInstanceArn!)!).sort();
}
const events = async (service: string) =>
  (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [service] }))).services![0]!.events!.map((e) => e.message!);
const instanceIn = (zone: string) => [...zoneOf].find(([, z]) => z === zone)![0];
const setState = (zone: string, status: 'ACTIVE' | 'DRAINING') =>
  ecs.send(new UpdateContainerInstancesStateCommand({ cluster: CLUSTER, containerInstances: [instanceIn(zone)], status }));

describe('availability zone rebalancing', () => {
  it('evens a service out across zones once a drained instance is active again', async () => {
    const created = await ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'even', taskDefinition: 'zone-app', desiredCount: 2 }));
    expect(created.service!.availabilityZoneRebalancing).toBe('ENABLED');
    await expect.poll(() => zones('even'), { timeout: 120_000, interval: 500 }).toEqual(['us-east-1a', 'us-east-1b']);

    await setState('us-east-1a', 'DRAINING');
    await expect.poll(() => zones('even'), { timeout: 120_000, interval: 500 }).toEqual(['us-east-1b', 'us-east-1b']);
    // One zone can take tasks: nothing to even out.
    expect((await events('even')).some((m) => m.includes('AZ Rebalancing in progress'))).toBe(false);

    await setState('us-east-1a', 'ACTIVE');
    await expect
      .poll(() => events('even'), { timeout: 60_000, interval: 500 })
      .toContain('service (even) is not AZ balanced with 0 tasks in us-east-1a and 2 in us-east-1b. AZ Rebalancing in progress.');
    await expect
      .poll(() => events('even'), { timeout: 120_000, interval: 500 })
      .toContain('service (even) is AZ balanced with 1 tasks in us-east-1a and 1 tasks in us-east-1b.');
    expect(await zones('even')).toEqual(['us-east-1a', 'us-east-1b']);
    const messages = await events('even');
    expect(messages).toContainEqual(expect.stringMatching(/^even has started 1 tasks in us-east-1a to AZ Rebalance: \(task [0-9a-f]{32}\)\.$/));
    expect(messages).toContainEqual(expect.stringMatching(/^even has stopped 1 running tasks in us-east-1b due to AZ rebalancing: \(task [0-9a-f]{32}\)\.$/));
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['even'] }))).services![0]!;
    expect(svc).toMatchObject({ runningCount: 2, desiredCount: 2 });
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'even', desiredCount: 0 }));
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'even' }));
    await expect.poll(() => zones('even'), { timeout: 60_000, interval: 500 }).toEqual([]);
  }, 420_000);

  it('leaves a service with rebalancing DISABLED where it is', async () => {
    await ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'uneven', taskDefinition: 'zone-app', desiredCount: 2, availabilityZoneRebalancing: 'DISABLED' }),
    );
    await expect.poll(() => zones('uneven'), { timeout: 120_000, interval: 500 }).toEqual(['us-east-1a', 'us-east-1b']);
    await setState('us-east-1a', 'DRAINING');
    await expect.poll(() => zones('uneven'), { timeout: 120_000, interval: 500 }).toEqual(['us-east-1b', 'us-east-1b']);
    await setState('us-east-1a', 'ACTIVE');
    // Several controller passes (one a second) go by with both zones usable.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await zones('uneven')).toEqual(['us-east-1b', 'us-east-1b']);
    expect((await events('uneven')).some((m) => m.includes('AZ balanced'))).toBe(false);
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'uneven', force: true }));
  }, 300_000);
});
