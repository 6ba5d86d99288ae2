// The task metadata endpoint v4 against the real engine: containers read their own and their task's metadata and
// stats at ECS_CONTAINER_METADATA_URI_V4 from inside their network namespace (awsvpc from their first instruction,
// bridge), host-mode containers on the host's loopback, one task cannot read another's, and an agent restart brings
// the endpoint back for the containers it adopts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetadataServer } from '../../src/agent/metadata/server.js';
import { endpointId } from '../../src/agent/metadata/endpointId.js';
import { ensureBusybox } from '../support/images.js';
import { makeTask } from '../support/tasks.js';
import { cleanupAll, newEngine, runtime, type Harness } from './setup.js';

const servers: MetadataServer[] = [];

/** An engine with its own metadata endpoint (a free host port, so tests do not collide with a running agent). */
async function withMetadata(instanceArn?: string): Promise<Harness & { metadata: MetadataServer }> {
  const metadata = new MetadataServer({ runtime, host: { publishAddress: '127.0.0.1' } });
  servers.push(metadata);
  await metadata.start();
  const h = await newEngine({ metadata }, instanceArn);
  metadata.source(() => h.engine.allTasks());
  return { ...h, metadata };
}

/** The JSON a container printed on one line after `tag`. */
function printed(h: Harness, taskArn: string, container: string, tag: string): Record<string, any> | undefined {
  const line = h.logs.messages(taskArn, container).find((m) => m.startsWith(`${tag} `));
  return line === undefined ? undefined : JSON.parse(line.slice(tag.length + 1));
}

const randomIp = () => `127.0.${100 + Math.floor(Math.random() * 100)}.${2 + Math.floor(Math.random() * 250)}`;

beforeAll(() => ensureBusybox(runtime), 120_000);
afterAll(async () => {
  for (const s of servers) await s.stop();
  await cleanupAll();
});

describe('task metadata endpoint v4', () => {
  it('serves awsvpc containers their task, themselves and their stats from their first instruction', async () => {
    const h = await withMetadata();
    const ip = randomIp();
    // No retry on the first read: the endpoint must answer at the container's first instruction. The rest waits
    // until the agent has seen the container running.
    const read = 'echo "task $(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task)"; ' +
      'until wget -qO- $ECS_CONTAINER_METADATA_URI_V4 | grep -q KnownStatus.:.RUNNING; do sleep 0.05; done; ' +
      'echo "self $(wget -qO- $ECS_CONTAINER_METADATA_URI_V4)"; ' +
      'echo "stats $(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/stats)"; echo "taskstats $(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task/stats)"; sleep 300';
    const task = makeTask(
      [
        { name: 'app', command: ['sh', '-c', read], cpu: 128, memory: 64, portMappings: [{ containerPort: 8080 }], dockerLabels: { team: 'core' } },
        { name: 'side', command: ['sleep', '300'], essential: false },
      ],
      { networkMode: 'awsvpc', privateIPv4Address: ip, cpu: '256', memory: '512', serviceName: 'web', availabilityZone: 'local-1a' },
    );
    h.engine.apply([task]);
    await expect.poll(() => printed(h, task.taskArn, 'app', 'taskstats'), { timeout: 30_000 }).toBeDefined();
    const runtimeIds = Object.fromEntries(['app', 'side'].map((n) => [n, h.reporter.lastContainer(task.taskArn, n)?.runtimeId]));

    const t = printed(h, task.taskArn, 'app', 'task')!;
    expect(t).toMatchObject({
      Cluster: task.clusterArn,
      TaskARN: task.taskArn,
      Family: 'agent-test',
      Revision: '1',
      ServiceName: 'web',
      DesiredStatus: 'RUNNING',
      Limits: { CPU: 0.25, Memory: 512 },
      AvailabilityZone: 'local-1a',
      LaunchType: 'EC2',
    });
    expect(t.Containers.map((c: { Name: string }) => c.Name).sort()).toEqual(['app', 'side']);
    expect(t.PullStartedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const self = printed(h, task.taskArn, 'app', 'self')!;
    expect(self).toMatchObject({
      DockerId: runtimeIds.app,
      Name: 'app',
      Image: task.containers[0]!.definition.image,
      KnownStatus: 'RUNNING',
      DesiredStatus: 'RUNNING',
      Limits: { CPU: 128, Memory: 64 },
      Type: 'NORMAL',
      ContainerARN: task.containers[0]!.containerArn,
      Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: [ip] }],
      Ports: [{ ContainerPort: 8080, Protocol: 'tcp', HostPort: 8080, HostIp: ip }],
    });
    expect(self.Labels).toMatchObject({ team: 'core', 'com.amazonaws.ecs.task-arn': task.taskArn, 'com.amazonaws.ecs.container-name': 'app' });
    expect(self.ImageID).toMatch(/^sha256:/);
    expect(self.DockerName).toContain('app');

    const stats = printed(h, task.taskArn, 'app', 'stats')!;
    expect(stats.memory_stats.usage).toBeGreaterThan(0);
    expect(stats.cpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);
    const taskStats = printed(h, task.taskArn, 'app', 'taskstats')!;
    expect(Object.keys(taskStats).sort()).toEqual([runtimeIds.app, runtimeIds.side].sort());
  });

  it('serves bridge containers in their own namespace, and one task cannot read another', async () => {
    const h = await withMetadata();
    const first = makeTask([{ name: 'app', command: ['sleep', '300'] }]);
    h.engine.apply([first]);
    const foreign = `http://127.0.0.1:51679/v4/${endpointId(first.taskArn, 'app')}`;
    const read = 'until s=$(wget -qO- $ECS_CONTAINER_METADATA_URI_V4); do sleep 0.05; done; echo "self $s"; ' +
      `wget -qO- ${foreign} || echo "foreign refused"; sleep 300`;
    const second = makeTask([{ name: 'reader', command: ['sh', '-c', read], portMappings: [{ containerPort: 80, hostPort: 0 }] }]);
    h.engine.apply([second]);
    await expect.poll(() => h.logs.messages(second.taskArn, 'reader'), { timeout: 30_000 }).toContain('foreign refused');
    const self = printed(h, second.taskArn, 'reader', 'self')!;
    expect(self).toMatchObject({ Name: 'reader', KnownStatus: 'RUNNING', Networks: [{ NetworkMode: 'bridge' }] });
    expect(self.Networks[0].IPv4Addresses).toHaveLength(1);
    expect(self.Ports[0]).toMatchObject({ ContainerPort: 80, Protocol: 'tcp', HostIp: '127.0.0.1' });
    expect(self.Ports[0].HostPort).toBeGreaterThan(1024);
  });

  it("serves host-mode containers on the host's loopback, and answers bad requests plainly", async () => {
    const h = await withMetadata();
    const task = makeTask([{ name: 'app', command: ['sh', '-c', 'echo "uri $ECS_CONTAINER_METADATA_URI_V4"; echo "v3 $ECS_CONTAINER_METADATA_URI"; sleep 300'] }], { networkMode: 'host' });
    h.engine.apply([task]);
    // The two lines can reach the log collector apart: wait for the second.
    await expect.poll(() => h.logs.messages(task.taskArn, 'app').find((m) => m.startsWith('v3 ')), { timeout: 30_000 }).toBeDefined();
    const uri = h.logs.messages(task.taskArn, 'app').find((m) => m.startsWith('uri '))!.slice(4);
    expect(uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v4\/[0-9a-f]{32}-[0-9a-f]{10}$/);
    const self = await (await fetch(uri)).json();
    expect(self).toMatchObject({ Name: 'app', KnownStatus: 'RUNNING', Networks: [{ NetworkMode: 'host', IPv4Addresses: ['127.0.0.1'] }] });
    expect((await (await fetch(`${uri}/task`)).json()).TaskARN).toBe(task.taskArn);
    const v3 = h.logs.messages(task.taskArn, 'app').find((m) => m.startsWith('v3 '))!.slice(3);
    expect(v3).toBe(uri.replace('/v4/', '/v3/'));
    expect((await (await fetch(`${v3}/task`)).json()).TaskARN).toBe(task.taskArn);

    const base = new URL(uri).origin;
    const missing = await fetch(`${base}/v4/0123456789abcdef0123456789abcdef-0123456789`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).message).toContain('no container');
    expect((await fetch(`${base}/v2/metadata`)).status).toBe(404);
    expect((await fetch(uri, { method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('comes back for adopted containers after an agent restart', async () => {
    const h = await withMetadata();
    const loop = 'while true; do if wget -qO /dev/null $ECS_CONTAINER_METADATA_URI_V4/task; then echo up; else echo down; fi; sleep 0.2; done';
    const task = makeTask([{ name: 'app', command: ['sh', '-c', loop] }], { networkMode: 'awsvpc', privateIPv4Address: randomIp() });
    h.engine.apply([task]);
    await expect.poll(() => h.logs.messages(task.taskArn, 'app'), { timeout: 30_000 }).toContain('up');
    h.engine.close();
    await h.metadata.stop();

    const again = await withMetadata(h.instanceArn);
    again.engine.apply([task]);
    await expect.poll(() => again.logs.messages(task.taskArn, 'app').at(-1), { timeout: 30_000 }).toBe('up');
    expect(again.reporter.lastContainer(task.taskArn, 'app')?.runtimeId).toBe(h.reporter.lastContainer(task.taskArn, 'app')?.runtimeId);
  });
});
