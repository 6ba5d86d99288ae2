// ECS services in Cloud Map with real containers: a service's serviceRegistries puts each RUNNING (and HEALTHY)
// task in DNS with ECS's attributes, `dig` against Wharf's DNS server answers the task addresses, a task whose
// health check fails leaves the answers, a rolling update under continuous lookups never hands out a task that no
// longer answers, a change of serviceRegistries rolls out as a new deployment, and CreateService refuses registries
// without the port their records need.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand,
  RegisterTaskDefinitionCommand, UpdateServiceCommand, type Task,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const DNS_ADDRESS = '127.0.0.73';
const DNS_PORT = 46301 + Math.floor(Math.random() * 500);
const up = useWharfUp({}, ['--dns-address', `${DNS_ADDRESS}:${DNS_PORT}`]);
const run = promisify(execFile);

const dig = async (...args: string[]) =>
  (await run('dig', [`@${DNS_ADDRESS}`, '-p', String(DNS_PORT), '+time=2', '+tries=1', '+short', ...args])).stdout.trim().split('\n').filter(Boolean).sort();
const cli = (...args: string[]) => up.wharf.aws('servicediscovery', ...args);

async function cloudMapService(name: string, records: string): Promise<{ id: string; arn: string }> {
  const ns = await cli('list-namespaces');
  let nsId = ns.Namespaces.find((n: { Name: string }) => n.Name === 'corp.test')?.Id;
  if (!nsId) {
    const op = await cli('create-private-dns-namespace', '--name', 'corp.test', '--vpc', 'vpc-0abc');
    nsId = (await cli('get-operation', '--operation-id', op.OperationId)).Operation.Targets.NAMESPACE;
  }
  const svc = await cli('create-service', '--name', name, '--namespace-id', nsId, '--dns-config', `RoutingPolicy=MULTIVALUE,DnsRecords=${records}`,
    '--health-check-custom-config', 'FailureThreshold=1');
  return { id: svc.Service.Id, arn: svc.Service.Arn };
}

/** busybox httpd answering VERSION, healthy while /w/ok exists, gone at once on SIGTERM. */
const register = (family: string, version: string, networkMode: 'awsvpc' | 'bridge') =>
  up.ecs.send(new RegisterTaskDefinitionCommand({
    family,
    networkMode,
    containerDefinitions: [{
      name: 'web',
      image: BUSYBOX,
      memory: 32,
      stopTimeout: 2,
      // Stops answering the moment it is told to stop (SIGTERM), as a server that shuts down cleanly does.
      command: ['sh', '-c', `mkdir -p /w && echo ${version} > /w/index.html && touch /w/ok && trap 'exit 0' TERM; httpd -f -p 80 -h /w & wait`],
      portMappings: [{ containerPort: 80, ...(networkMode === 'bridge' ? { hostPort: 0 } : {}) }],
      healthCheck: { command: ['CMD-SHELL', 'test -f /w/ok'], interval: 5, timeout: 5, retries: 2, startPeriod: 0 },
    }],
  }));

const tasksOf = async (name: string): Promise<Task[]> => {
  const arns = (await up.ecs.send(new ListTasksCommand({ serviceName: name }))).taskArns!;
  return arns.length ? (await up.ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks! : [];
};
const addressOf = (t: Task) => t.attachments![0]!.details!.find((d) => d.name === 'privateIPv4Address')!.value!;
const idOf = (t: Task) => t.taskArn!.split('/').pop()!;
const events = async (name: string) => (await up.ecs.send(new DescribeServicesCommand({ services: [name] }))).services![0]!.events!.map((e) => e.message!);
const get = async (url: string) => (await (await fetch(url, { signal: AbortSignal.timeout(3000) })).text()).trim();

let webRegistryArn = '';

describe('ECS services with serviceRegistries', () => {
  it('puts healthy awsvpc tasks in DNS with ECS attributes and drops an unhealthy one', async () => {
    const { id: srvId, arn } = await cloudMapService('web', '[{Type=A,TTL=1}]');
    webRegistryArn = arn;
    await register('web', 'v1', 'awsvpc');
    await up.ecs.send(new CreateServiceCommand({
      serviceName: 'web', taskDefinition: 'web', desiredCount: 2,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } },
      serviceRegistries: [{ registryArn: arn }],
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
    }));
    await expect.poll(async () => (await dig('web.corp.test')).length, { timeout: 90_000, interval: 500 }).toBe(2);
    const tasks = await tasksOf('web');
    expect(await dig('web.corp.test')).toEqual(tasks.map(addressOf).sort());
    for (const a of await dig('web.corp.test')) expect(await get(`http://${a}/`)).toBe('v1');

    const listed = await cli('list-instances', '--service-id', srvId);
    const t0 = tasks[0]!;
    expect(listed.Instances.find((i: { Id: string }) => i.Id === idOf(t0)).Attributes).toEqual({
      AWS_INSTANCE_IPV4: addressOf(t0),
      AVAILABILITY_ZONE: t0.availabilityZone,
      REGION: 'us-east-1',
      ECS_CLUSTER_NAME: 'default',
      ECS_SERVICE_NAME: 'web',
      ECS_TASK_DEFINITION_FAMILY: 'web',
    });
    expect(await events('web')).toContain(`(service web) registered 1 instances in (service-registry ${arn})`);

    // One task's health check starts failing: it leaves the answers (UNHEALTHY in Cloud Map) well before it is replaced.
    await run('docker', ['exec', t0.containers![0]!.runtimeId!, 'rm', '/w/ok']);
    await expect.poll(() => dig('web.corp.test'), { timeout: 60_000, interval: 250 }).not.toContain(addressOf(t0));
    // Then the service replaces it and the replacement joins (it may be handed the address t0 had, once t0 stopped).
    await expect.poll(async () => {
      const others = (await tasksOf('web')).filter((t) => idOf(t) !== idOf(t0) && t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
      const now = await dig('web.corp.test');
      return others.length === 2 && JSON.stringify(now) === JSON.stringify(others.map(addressOf).sort());
    }, { timeout: 120_000, interval: 500 }).toBe(true);
  }, 480_000);

  // Runs on from the service the test above leaves.
  it('rolls without handing out stopping tasks', async () => {
    const arn = webRegistryArn;
    // A rolling update under continuous lookups: every address DNS hands out answers.
    await register('web', 'v2', 'awsvpc');
    const old = new Set((await tasksOf('web')).map(idOf));
    await up.ecs.send(new UpdateServiceCommand({ service: 'web', taskDefinition: 'web' }));
    let calls = 0;
    const failures: string[] = [];
    const seen = new Set<string>();
    const deadline = Date.now() + 120_000;
    for (;;) {
      const askedAt = Date.now();
      const answers = await dig('web.corp.test');
      for (const a of answers) {
        calls++;
        const startedAt = Date.now();
        try {
          seen.add(await get(`http://${a}/`));
        } catch (err) {
          // A client that keeps an answer past its TTL (1 s here, and the 1 s a deregistered task stays up) may find
          // the task gone, on ECS too; only a call made while the answer was fresh must succeed.
          if (startedAt - askedAt < 1000) failures.push(`${a}: ${(err as Error).message}`);
        }
      }
      const current = await tasksOf('web');
      const running = current.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
      // The answers are a moment old by now (an old task may have gone since): only a fresh look decides the end.
      const fresh = running.length === 2 && running.every((t) => !old.has(idOf(t))) ? await dig('web.corp.test') : [];
      const versions = await Promise.all(fresh.map((a) => get(`http://${a}/`).catch(() => 'gone')));
      if (fresh.length === 2 && versions.every((v) => v === 'v2')) {
        seen.add('v2'); // A quick rollout may first show itself here.
        break;
      }
      if (Date.now() > deadline) throw new Error('the rolling update did not finish');
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(10);
    expect(seen).toEqual(new Set(['v1', 'v2']));
    // Each old task left Cloud Map well before its containers stopped (the agent's report of the stop).
    const ops = (await cli('list-operations')).Operations as { Id: string }[];
    const deregisteredAt = new Map<string, number>();
    for (const op of ops) {
      const o = (await cli('get-operation', '--operation-id', op.Id)).Operation;
      if (o.Type === 'DEREGISTER_INSTANCE') deregisteredAt.set(o.Targets.INSTANCE, typeof o.CreateDate === 'number' ? o.CreateDate * 1000 : Date.parse(o.CreateDate));
    }
    for (const id of old) {
      const stopped = async () => (await up.ecs.send(new DescribeTasksCommand({ tasks: [id] }))).tasks![0]!;
      await expect.poll(async () => (await stopped()).lastStatus, { timeout: 60_000 }).toBe('STOPPED');
      const left = deregisteredAt.get(id);
      expect(left, `task ${id} was never deregistered`).toBeDefined();
      expect((await stopped()).executionStoppedAt!.getTime() - left!).toBeGreaterThan(500);
    }
    const msgs = await events('web');
    expect(msgs.filter((m) => m === `(service web) deregistered 1 instances in (service-registry ${arn})`).length).toBeGreaterThan(0);
  }, 480_000);

  it('moves to another registry with a new deployment when serviceRegistries change', async () => {
    const { arn } = await cloudMapService('www', '[{Type=A,TTL=1}]');
    const before = (await tasksOf('web')).filter((t) => t.lastStatus === 'RUNNING').map(idOf);
    const updated = (await up.ecs.send(new UpdateServiceCommand({ service: 'web', serviceRegistries: [{ registryArn: arn }] }))).service!;
    expect(updated.deployments!.length).toBe(2);
    expect(updated.deployments![0]!.status).toBe('PRIMARY');
    expect(updated.serviceRegistries).toEqual([{ registryArn: arn }]);
    // New tasks answer under the new name; the old ones leave the old name as they stop, and never join the new one.
    await expect.poll(async () => {
      const running = (await tasksOf('web')).filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
      const [www, web] = [await dig('www.corp.test'), await dig('web.corp.test')];
      return running.length === 2 && running.every((t) => !before.includes(idOf(t))) && web.length === 0 &&
        JSON.stringify(www) === JSON.stringify(running.map(addressOf).sort());
    }, { timeout: 180_000, interval: 500 }).toBe(true);
    const listed = await cli('list-instances', '--service-id', arn.split('/').pop()!);
    expect(listed.Instances.map((i: { Id: string }) => i.Id).filter((id: string) => before.includes(id))).toEqual([]);
    await up.ecs.send(new DeleteServiceCommand({ service: 'web', force: true }));
    await expect.poll(() => dig('www.corp.test'), { timeout: 30_000 }).toEqual([]);
  }, 300_000);

  it('registers bridge tasks with SRV records on their host port, and refuses registries without the port they need', async () => {
    const { arn } = await cloudMapService('api', '[{Type=SRV,TTL=5}]');
    await register('api', 'srv', 'bridge');
    const refused = await up.wharf.awsRaw(['ecs', 'create-service', '--service-name', 'api', '--task-definition', 'api', '--desired-count', '1',
      '--service-registries', `registryArn=${arn}`]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('InvalidParameterException');
    expect(refused.stderr).toContain('containerName and containerPort');
    const wrongPort = await up.wharf.awsRaw(['ecs', 'create-service', '--service-name', 'api', '--task-definition', 'api', '--desired-count', '1',
      '--service-registries', `registryArn=${arn},containerName=web,containerPort=81`]);
    expect(wrongPort.stderr).toContain('The container web did not have a container port 81 defined.');
    expect((await up.ecs.send(new DescribeServicesCommand({ services: ['api'] }))).failures![0]!.reason).toBe('MISSING');

    await up.ecs.send(new CreateServiceCommand({
      serviceName: 'api', taskDefinition: 'api', desiredCount: 1, serviceRegistries: [{ registryArn: arn, containerName: 'web', containerPort: 80 }],
    }));
    await expect.poll(() => dig('SRV', 'api.corp.test'), { timeout: 60_000, interval: 500 }).toHaveLength(1);
    const [task] = await tasksOf('api');
    const hostPort = task!.containers![0]!.networkBindings![0]!.hostPort!;
    const [srv] = await dig('SRV', 'api.corp.test');
    expect(srv).toBe(`1 1 ${hostPort} ${idOf(task!)}.api.corp.test.`);
    expect(await dig(`${idOf(task!)}.api.corp.test`)).toEqual(['127.0.0.1']);
    expect(await get(`http://127.0.0.1:${hostPort}/`)).toBe('srv');
    await up.ecs.send(new DeleteServiceCommand({ service: 'api', force: true }));
    await expect.poll(() => dig('SRV', 'api.corp.test'), { timeout: 30_000 }).toEqual([]);
  }, 180_000);
});
