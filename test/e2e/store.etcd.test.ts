// `wharf server --store etcd://...` on a real etcd: state outlives the server (and its data directory), two servers on
// one etcd read each other's writes, and an etcd that does not answer at start is waited for, then given up on
// with a message, never half started.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { CreateClusterCommand, RegisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import { connectAgent, type ChannelClient } from './agentClient.js';
import { startWharf, type Wharf } from './harness.js';

// Replicas sharing a store share the key that seals secrets in it.
const SEALING = { WHARF_SEALING_KEY: randomBytes(32).toString('base64') };

describe('wharf server --store etcd://', () => {
  let etcd: EtcdCluster;
  const servers: Wharf[] = [];
  const server = async (args: string[] = [], env: Record<string, string> = {}) => {
    const w = await startWharf({ mode: 'server', args: ['--store', `etcd://${etcd.endpoints.join(',')}/wharf`, ...args], env: { ...SEALING, ...env } });
    servers.push(w);
    return w;
  };

  beforeAll(async () => {
    etcd = await startEtcd(1);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await etcd?.stop();
  });

  it('keeps a cluster created with the aws CLI across a restart, on another data directory', async () => {
    const first = await server();
    const created = await first.aws('ecs', 'create-cluster', '--cluster-name', 'on-etcd');
    expect(created.cluster.status).toBe('ACTIVE');
    expect(await first.stop()).toBe(0);
    const second = await server();
    const found = await second.aws('ecs', 'describe-clusters', '--clusters', 'on-etcd', 'default');
    expect(found.clusters.map((c: { clusterName: string }) => c.clusterName)).toEqual(['on-etcd', 'default']);
    expect(found.failures).toEqual([]);
    await second.stop();
  }, 120_000);

  it('shows a write through one server to the other as soon as the watch delivers it', async () => {
    const [a, b] = await Promise.all([server(), server()]);
    await a.aws('ecs', 'create-cluster', '--cluster-name', 'from-a');
    await expect
      .poll(async () => (await b.aws('ecs', 'describe-clusters', '--clusters', 'from-a')).clusters.map((c: { status: string }) => c.status), { timeout: 10_000 })
      .toEqual(['ACTIVE']);
    const td = await b.aws('ecs', 'register-task-definition', '--family', 'from-b', '--container-definitions', JSON.stringify([{ name: 'app', image: 'busybox', memory: 32 }]));
    expect(td.taskDefinition.revision).toBe(1);
    await expect
      .poll(async () => (await a.aws('ecs', 'list-task-definitions', '--family-prefix', 'from-b')).taskDefinitionArns, { timeout: 10_000 })
      .toEqual([td.taskDefinition.taskDefinitionArn]);
    // Both register the next revision of one family at once: revisions are never handed out twice.
    const [ra, rb] = await Promise.all(
      [a, b].map((s) => s.aws('ecs', 'register-task-definition', '--family', 'from-b', '--container-definitions', JSON.stringify([{ name: 'app', image: 'busybox', memory: 64 }]))),
    );
    expect([ra.taskDefinition.revision, rb.taskDefinition.revision].sort()).toEqual([2, 3]);
    await Promise.all([a.stop(), b.stop()]);
  }, 120_000);

  it('opens an agent\'s channel on one server right after its instance was registered through the other', async () => {
    const [a, b] = await Promise.all([server(), server()]);
    const ecsA = a.ecs();
    await ecsA.send(new CreateClusterCommand({ clusterName: 'channels' }));
    const channels: ChannelClient[] = [];
    for (let i = 0; i < 10; i++) {
      const out = await ecsA.send(
        new RegisterContainerInstanceCommand({
          cluster: 'channels',
          totalResources: [{ name: 'CPU', type: 'INTEGER', integerValue: 1024 }, { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 }],
        }),
      );
      // At once, on the other server: it catches up with the store before it looks the instance up.
      channels.push(await connectAgent(b.url, 'channels', out.containerInstance!.containerInstanceArn!));
    }
    expect(channels).toHaveLength(10);
    await Promise.all(channels.map((c) => c.close()));
    ecsA.destroy();
    await Promise.all([a.stop(), b.stop()]);
  }, 120_000);
});

describe('wharf server --store etcd:// when etcd does not answer', () => {
  let late: EtcdCluster | undefined;
  afterAll(async () => {
    await late?.stop();
  });

  it('gives up after the connect timeout with a message naming the endpoint, and never listens', async () => {
    const port = await freePort();
    const started = startWharf({ mode: 'server', args: ['--store', `etcd://127.0.0.1:${port}`], env: { ...SEALING, WHARF_STORE_CONNECT_SECONDS: '2' } });
    const err = await started.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(new RegExp(`exited with 1 before listening: wharf: etcd at 127\\.0\\.0\\.1:${port} did not answer`));
  });

  it('waits for an etcd that comes up within the connect timeout', async () => {
    const port = await freePort();
    let retried = false;
    const onLine = (l: string) => (retried ||= l.includes('the store does not answer yet'));
    const started = startWharf({ mode: 'server', args: ['--store', `etcd://127.0.0.1:${port}`], env: { ...SEALING, WHARF_STORE_CONNECT_SECONDS: '60' }, onLine });
    let listening = false;
    void started.then(() => (listening = true), () => {});
    // Something on the port that is not etcd: it sees the server's first attempt and hangs up.
    let attempts = 0;
    const impostor = createServer((c) => (attempts++, c.destroy()));
    await new Promise<void>((ok) => impostor.listen(port, '127.0.0.1', ok));
    await expect.poll(() => attempts, { timeout: 30_000 }).toBeGreaterThan(0);
    // etcd's client may reconnect within one attempt: the impostor stays until the server has given that attempt up.
    await expect.poll(() => retried, { timeout: 30_000 }).toBe(true);
    await new Promise((ok) => impostor.close(ok));
    expect(listening).toBe(false);
    late = await startEtcd(1, { clientPorts: [port] });
    const w = await started;
    expect(w.output.some((l) => l.includes('the store does not answer yet'))).toBe(true);
    expect((await w.aws('ecs', 'describe-clusters', '--clusters', 'default')).clusters[0].status).toBe('ACTIVE');
    await w.stop();
  }, 90_000);
});
