// Three `wharf server` replicas on one three-member etcd cluster, and a real `wharf agent` that knows all three:
// exactly one replica leads; a write through one replica is read through another at once (SDK and aws CLI); the
// leader is killed with SIGKILL while a service runs on the agent connected to it, and a follower takes over the
// controllers (the service keeps its tasks, none duplicated, and a scale-up is carried out), the agent moves to a
// surviving replica without its containers being touched, and the instance stays connected throughout. Then etcd
// loses its quorum: reads go on, writes answer ServiceUnavailableException, /ready says 503, until it is back.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/agent/protocol.js';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { removeLabelled } from '../support/cleanup.js';
import { startEtcd, type EtcdCluster } from '../support/etcd.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { startWharf, tempDir, waitUntil, WHARF_BIN, WHARF_ENV, type Wharf } from './harness.js';
import type { RegistryWharf } from './registryHarness.js';
import { v2 } from './registryHarness.js';
import { pushImage } from './registryOci.js';

const runtime = new DockerRuntime();
// Replicas sharing a store share the key that seals secrets in it.
const ENV = { WHARF_SEALING_KEY: randomBytes(32).toString('base64'), WHARF_LEADER_LEASE_SECONDS: '3', WHARF_LB_WORKERS: '0', WHARF_INSTANCE_GRACE_SECONDS: '120' };
const CLUSTER = 'replicated';

let etcd: EtcdCluster;
let prefix: string;
const replicas: Wharf[] = [];
let agent: ChildProcess | undefined;
let agentLog = '';
let instanceArn = '';

interface Ready {
  ready: boolean;
  role: 'leader' | 'follower';
  replica: string;
  leader?: { replica: string; url: string };
}

const ready = async (w: Wharf): Promise<Ready> => (await fetch(`${w.url}/ready`, { signal: AbortSignal.timeout(5000) })).json() as Promise<Ready>;
const alive = () => replicas.filter((r) => r.proc.exitCode === null && r.proc.signalCode === null);
/** The replica that says it leads, once every live replica agrees on it. */
const agreedLeader = async (): Promise<Wharf | undefined> => {
  const all = alive();
  const states = await Promise.all(all.map((w) => ready(w).catch(() => undefined)));
  const leaders = all.filter((_, i) => states[i]?.role === 'leader');
  if (leaders.length !== 1) return undefined;
  return states.every((s) => s?.leader?.url === leaders[0]!.url) ? leaders[0] : undefined;
};

const instance = async (ecs: ECSClient) => {
  const d = await ecs.send(new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [instanceArn] }));
  return d.containerInstances![0]!;
};
const serviceTasks = async (ecs: ECSClient, name: string) => {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: name }))).taskArns!;
  return arns.length ? (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks! : [];
};

beforeAll(async () => {
  await ensureBusybox(runtime);
  etcd = await startEtcd(3);
  prefix = `wharf-${randomBytes(3).toString('hex')}`;
  const store = `etcd://${etcd.endpoints.join(',')}/${prefix}`;
  // One blob directory for all: in production a shared mount every replica reaches.
  const blobs = tempDir('wharf-shared-blobs-');
  replicas.push(...(await Promise.all([0, 1, 2].map(() => startWharf({ mode: 'server', args: ['--store', store, '--dns-address', '127.0.0.1:0', '--blob-dir', blobs], env: ENV })))));
}, 120_000);

afterAll(async () => {
  agent?.kill('SIGTERM');
  await Promise.all(alive().map((r) => r.stop()));
  await etcd?.stop();
  if (instanceArn) await removeLabelled(runtime, { [LABELS.instanceArn]: instanceArn });
}, 60_000);

describe('control plane replicas on one etcd', () => {
  it('elects exactly one leader, which every replica names; /health answers on each', async () => {
    const leader = await waitUntil(agreedLeader, (l) => l !== undefined, 30_000);
    expect(leader).toBeDefined();
    for (const w of replicas) {
      const res = await fetch(`${w.url}/health`);
      expect(res.status).toBe(200);
      expect((await res.json()) as { status: string }).toMatchObject({ status: 'ok' });
      const r = await ready(w);
      expect(r.ready).toBe(true);
      expect(r.role).toBe(w === leader ? 'leader' : 'follower');
    }
    // The log says which replica leads.
    expect(leader!.output.some((l) => l.includes('this replica leads'))).toBe(true);
  });

  it('reads a write made through one replica through another at once (SDK and aws CLI)', async () => {
    const [a, b, c] = replicas as [Wharf, Wharf, Wharf];
    const ecsA = a.ecs();
    const ecsB = b.ecs();
    for (let i = 0; i < 5; i++) {
      await ecsA.send(new CreateClusterCommand({ clusterName: `ryw-${i}` }));
      const seen = await ecsB.send(new DescribeClustersCommand({ clusters: [`ryw-${i}`] }));
      expect(seen.clusters!.map((x) => x.status)).toEqual(['ACTIVE']);
    }
    const td = await c.aws('ecs', 'register-task-definition', '--family', 'ryw', '--container-definitions', JSON.stringify([{ name: 'app', image: BUSYBOX, memory: 16 }]));
    const listed = await a.aws('ecs', 'list-task-definitions', '--family-prefix', 'ryw');
    expect(listed.taskDefinitionArns).toEqual([td.taskDefinition.taskDefinitionArn]);
    ecsA.destroy();
    ecsB.destroy();
  });

  it('serves an image pushed through one replica from another (layers in the shared --blob-dir)', async () => {
    const [a, b] = replicas as [Wharf, Wharf];
    await a.aws('ecr', 'create-repository', '--repository-name', 'shared/app');
    const pwA = (await a.awsRaw(['ecr', 'get-login-password'])).stdout.trim();
    const pushed = await pushImage({ url: a.url } as RegistryWharf, pwA, 'shared/app', 'v1', 'across replicas');
    const pwB = (await b.awsRaw(['ecr', 'get-login-password'])).stdout.trim();
    const m = await v2({ url: b.url } as RegistryWharf, pwB, 'GET', '/v2/shared/app/manifests/v1', undefined, { accept: 'application/vnd.oci.image.manifest.v1+json' });
    expect(m.status).toBe(200);
    expect(m.headers.get('docker-content-digest')).toBe(pushed.digest);
    const manifest = JSON.parse(await m.text()) as { layers: { digest: string }[] };
    const layer = await v2({ url: b.url } as RegistryWharf, pwB, 'GET', `/v2/shared/app/blobs/${manifest.layers[0]!.digest}`);
    expect(layer.status).toBe(200);
    expect(await layer.text()).toBe('layer of across replicas');
  });

  it('keeps a service at its desired count when the leader is killed with SIGKILL; the agent moves to a survivor', async () => {
    const leader = (await waitUntil(agreedLeader, (l) => l !== undefined, 30_000))!;
    const others = replicas.filter((r) => r !== leader);
    const ecsA = others[0]!.ecs();
    await ecsA.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    // The agent starts on the leader (first in its list), so killing the leader also takes the agent's replica.
    agent = spawn(
      process.execPath,
      [WHARF_BIN, 'agent', '--endpoint', [leader, ...others].map((r) => r.url).join(','), '--cluster', CLUSTER, '--state-dir', tempDir(), '--task-address-pool', '127.1.250.0/24'],
      { env: WHARF_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    agent.stdout!.on('data', (d) => (agentLog += d));
    agent.stderr!.on('data', (d) => (agentLog += d));
    const list = await waitUntil(
      async () => (await ecsA.send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns!,
      (l) => l.length === 1,
      60_000,
    );
    instanceArn = list[0]!;
    await expect.poll(async () => (await instance(ecsA)).agentConnected, { timeout: 30_000 }).toBe(true);

    await ecsA.send(
      new RegisterTaskDefinitionCommand({
        family: 'replicated-app',
        containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, cpu: 16, stopTimeout: 1, command: ['sleep', '3600'] }],
      }),
    );
    // Created through a follower: the leader's controller places the tasks.
    await ecsA.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'web', taskDefinition: 'replicated-app', desiredCount: 2 }));
    await expect.poll(async () => (await serviceTasks(ecsA, 'web')).filter((t) => t.lastStatus === 'RUNNING').length, { timeout: 60_000 }).toBe(2);
    const before = (await serviceTasks(ecsA, 'web')).map((t) => t.taskArn!).sort();
    const containersBefore = (await runtime.list({ [LABELS.instanceArn]: instanceArn })).filter((c) => c.running).map((c) => c.id).sort();
    expect(containersBefore).toHaveLength(2);

    leader.proc.kill('SIGKILL');
    const killedAt = Date.now();
    const next = (await waitUntil(agreedLeader, (l) => l !== undefined && l !== leader, 30_000))!;
    const takeoverMs = Date.now() - killedAt;
    // Lease of 3 s, checks every second: well under 15 s even on a loaded machine.
    expect(takeoverMs).toBeLessThan(15_000);
    expect(others).toContain(next);

    // The agent reconnected to a survivor: the instance is connected through it, and its containers were not touched.
    await expect.poll(() => agentLog.match(/channel connected/g)?.length ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await instance(ecsA)).agentConnected, { timeout: 30_000 }).toBe(true);
    const after = await serviceTasks(ecsA, 'web');
    expect(after.map((t) => t.taskArn!).sort()).toEqual(before);
    expect(after.every((t) => t.lastStatus === 'RUNNING')).toBe(true);
    expect((await runtime.list({ [LABELS.instanceArn]: instanceArn })).filter((c) => c.running).map((c) => c.id).sort()).toEqual(containersBefore);

    // Once the dead replica's lease has expired (its agent sessions went with it), the instance is still connected:
    // the survivor's session holds it.
    await new Promise((ok) => setTimeout(ok, 4000));
    expect((await instance(ecsA)).agentConnected).toBe(true);

    // The new leader's controllers act: a scale-up through the other survivor is carried out, with no duplicate.
    const ecsB = others[1]!.ecs();
    await ecsB.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', desiredCount: 3 }));
    await expect.poll(async () => (await serviceTasks(ecsB, 'web')).filter((t) => t.lastStatus === 'RUNNING').length, { timeout: 60_000 }).toBe(3);
    const three = await serviceTasks(ecsB, 'web');
    expect(three).toHaveLength(3);
    expect(three.map((t) => t.taskArn).filter((a) => before.includes(a!))).toHaveLength(2);
    await ecsB.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'web', force: true }));
    await expect.poll(async () => (await runtime.list({ [LABELS.instanceArn]: instanceArn })).filter((c) => c.running).length, { timeout: 60_000 }).toBe(0);
    ecsA.destroy();
    ecsB.destroy();
  }, 240_000);

  it('keeps serving reads and answers writes ServiceUnavailableException while etcd has no quorum', async () => {
    const w = alive()[0]!;
    const ecs = w.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'before-outage' }));
    const [m1, m2] = etcd.members;
    await Promise.all([etcd.kill(m1!), etcd.kill(m2!)]);
    try {
      // Reads are served from the replica's state, as it was.
      const seen = await ecs.send(new DescribeClustersCommand({ clusters: ['before-outage'] }));
      expect(seen.clusters!.map((c) => c.status)).toEqual(['ACTIVE']);
      // A write fails plainly, with the AWS error for a service that cannot answer now.
      const err = await ecs.send(new CreateClusterCommand({ clusterName: 'during-outage' })).then(
        () => undefined,
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => e,
      );
      // On a failure, the replica's own account of the error is the message.
      const failed = () => w.output.filter((l) => /internal error|did not answer/.test(l)).slice(-3).join('\n');
      expect(err?.name, failed()).toBe('ServiceUnavailableException');
      expect(err?.$metadata?.httpStatusCode).toBe(503);
      // /ready says so.
      const res = await fetch(`${w.url}/ready`, { signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { reason: string }).reason).toMatch(/the store does not answer/);
    } finally {
      await Promise.all([etcd.restart(m1!), etcd.restart(m2!)]);
    }
    // Quorum back: writes go through again, and every replica is ready.
    await expect.poll(async () => (await ecs.send(new CreateClusterCommand({ clusterName: 'after-outage' })).catch(() => undefined))?.cluster?.status, { timeout: 30_000 }).toBe('ACTIVE');
    await expect.poll(async () => (await Promise.all(alive().map((r) => ready(r).catch(() => undefined)))).every((r) => r?.ready), { timeout: 30_000 }).toBe(true);
    ecs.destroy();
  }, 90_000);
});
