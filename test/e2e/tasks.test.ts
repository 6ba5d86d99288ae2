// Tasks through the real API: placement (strategies, constraints, resources, ports), the lifecycle as agents
// report it, StopTask, listing, idempotency, concurrency, FARGATE capacity, and host loss over the agent channel.
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  SubmitTaskStateChangeCommand,
  DiscoverPollEndpointCommand,
  type ECSClient,
  type Resource,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type Wharf } from './harness.js';
import { connectAgent, type ChannelClient } from './agentClient.js';

// A dynamic host port range of this file's own (--dynamic-host-port-range): tasks get their bridge ports from it.
const DYNAMIC_PORTS = `${64600 + Math.floor(Math.random() * 400)}-64999`;
let wharf: Wharf;
let ecs: ECSClient;
/** Agent channels opened for registered instances: ECS places only on instances whose agent is connected. */
const agents: ChannelClient[] = [];
beforeAll(async () => {
  wharf = await startWharf({ env: { WHARF_INSTANCE_GRACE_SECONDS: '1', WHARF_DYNAMIC_HOST_PORT_RANGE: DYNAMIC_PORTS } });
  ecs = wharf.ecs();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  ecs?.destroy();
  await wharf?.stop();
});

const resources = (cpu: number, memory: number): Resource[] => [
  { name: 'CPU', type: 'INTEGER', integerValue: cpu },
  { name: 'MEMORY', type: 'INTEGER', integerValue: memory },
  { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22'] },
  { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
];

async function instance(
  cluster: string,
  az: string,
  opts: { cpu?: number; memory?: number; type?: string; attrs?: Record<string, string>; connect?: boolean } = {},
) {
  const out = await ecs.send(
    new RegisterContainerInstanceCommand({
      cluster,
      instanceIdentityDocument: JSON.stringify({ availabilityZone: az, instanceType: opts.type ?? 't3.medium' }),
      totalResources: resources(opts.cpu ?? 2048, opts.memory ?? 4096),
      attributes: Object.entries(opts.attrs ?? {}).map(([name, value]) => ({ name, value })),
    }),
  );
  const arn = out.containerInstance!.containerInstanceArn!;
  if (opts.connect !== false) {
    const agent = await connectAgent(wharf.url, `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`, arn);
    agents.push(agent);
    await expect.poll(() => agent.payloads().length).toBe(1);
  }
  return arn;
}

async function family(name: string, extra: object = {}) {
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: name,
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 256, cpu: 128 }],
      ...extra,
    }),
  );
}

const describeAll = async (cluster: string, arns: string[]) =>
  (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks!;

describe('placement', () => {
  it('spreads across availability zones, then honours distinctInstance', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'spread' }));
    const arns = [await instance('spread', 'us-east-1a'), await instance('spread', 'us-east-1b'), await instance('spread', 'us-east-1c')];
    await family('spread-app');
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'spread',
        taskDefinition: 'spread-app',
        count: 6,
        placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
      }),
    );
    expect(run.failures).toEqual([]);
    const perInstance = new Map<string, number>();
    for (const t of run.tasks!) perInstance.set(t.containerInstanceArn!, (perInstance.get(t.containerInstanceArn!) ?? 0) + 1);
    expect([...perInstance.keys()].sort()).toEqual([...arns].sort());
    expect([...perInstance.values()]).toEqual([2, 2, 2]);
    expect(run.tasks![0]).toMatchObject({
      lastStatus: 'PENDING',
      desiredStatus: 'RUNNING',
      launchType: 'EC2',
      group: 'family:spread-app',
      clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/spread',
    });
    expect(run.tasks![0]!.taskArn).toMatch(/^arn:aws:ecs:us-east-1:000000000000:task\/spread\/[0-9a-f]{32}$/);

    const distinct = await ecs.send(
      new RunTaskCommand({
        cluster: 'spread',
        taskDefinition: 'spread-app',
        count: 4,
        group: 'singletons',
        placementConstraints: [{ type: 'distinctInstance' }],
      }),
    );
    expect(new Set(distinct.tasks!.map((t) => t.containerInstanceArn)).size).toBe(3);
    expect(distinct.tasks).toHaveLength(3);
    expect(distinct.failures?.length).toBeGreaterThan(0);
  });

  it('binpacks on memory and filters with memberOf', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'pack' }));
    const small = await instance('pack', 'us-east-1a', { memory: 1024, type: 't3.small' });
    const big = await instance('pack', 'us-east-1a', { memory: 8192, type: 'm5.large' });
    await family('pack-app');
    const packed = await ecs.send(
      new RunTaskCommand({ cluster: 'pack', taskDefinition: 'pack-app', count: 3, placementStrategy: [{ type: 'binpack', field: 'memory' }] }),
    );
    expect(packed.tasks!.map((t) => t.containerInstanceArn)).toEqual([small, small, small]);
    const member = await wharf.aws(
      'ecs', 'run-task', '--cluster', 'pack', '--task-definition', 'pack-app', '--count', '2',
      '--placement-constraints', 'type=memberOf,expression=attribute:ecs.instance-type =~ m5.*',
    );
    expect(member.tasks.map((t: any) => t.containerInstanceArn)).toEqual([big, big]);
    const filtered = await ecs.send(new ListContainerInstancesCommand({ cluster: 'pack', filter: 'attribute:ecs.instance-type == t3.small' }));
    expect(filtered.containerInstanceArns).toEqual([small]);
    await expect(
      ecs.send(new ListContainerInstancesCommand({ cluster: 'pack', filter: 'attribute:ecs.instance-type ==' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('reports what cannot be placed with ECS reasons and keeps remaining resources exact', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'tight' }));
    const ci = await instance('tight', 'us-east-1a', { cpu: 1024, memory: 600 });
    await family('tight-app');
    const first = await ecs.send(new RunTaskCommand({ cluster: 'tight', taskDefinition: 'tight-app', count: 3 }));
    expect(first.tasks).toHaveLength(2);
    expect(first.failures).toEqual([{ arn: ci, reason: 'RESOURCE:MEMORY' }]);
    const d = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'tight', containerInstances: [ci] }));
    const remaining = Object.fromEntries(d.containerInstances![0]!.remainingResources!.map((r) => [r.name, r.integerValue]));
    expect(remaining).toMatchObject({ CPU: 1024 - 256, MEMORY: 600 - 512 });
    expect(d.containerInstances![0]).toMatchObject({ pendingTasksCount: 2, runningTasksCount: 0 });

    await family('port-app', {
      containerDefinitions: [{ name: 'web', image: 'busybox', memory: 16, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
    });
    const p1 = await ecs.send(new RunTaskCommand({ cluster: 'tight', taskDefinition: 'port-app' }));
    expect(p1.tasks).toHaveLength(1);
    const p2 = await ecs.send(new RunTaskCommand({ cluster: 'tight', taskDefinition: 'port-app' }));
    expect(p2.failures).toEqual([{ arn: ci, reason: 'RESOURCE:PORTS' }]);
  });

  it('never oversubscribes under concurrent RunTask calls', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'race' }));
    const cis = [await instance('race', 'us-east-1a', { memory: 2560 }), await instance('race', 'us-east-1b', { memory: 2560 })];
    await family('race-app');
    const clients = Array.from({ length: 8 }, () => wharf.ecs());
    const results = await Promise.all(
      clients.map((c) => c.send(new RunTaskCommand({ cluster: 'race', taskDefinition: 'race-app', count: 5 }))),
    );
    clients.forEach((c) => c.destroy());
    const placed = results.flatMap((r) => r.tasks!);
    expect(placed).toHaveLength(20); // 2 x 2560 MiB / 256 MiB
    const d = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'race', containerInstances: cis }));
    for (const ci of d.containerInstances!) {
      expect(ci.remainingResources!.find((r) => r.name === 'MEMORY')!.integerValue).toBe(0);
      expect(ci.pendingTasksCount).toBe(10);
    }
  });

  it('places concurrent calls together: one with a bad definition fails alone, one client token places once', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'group' }));
    await instance('group', 'us-east-1a', { memory: 4096 });
    await family('group-app');
    const clients = Array.from({ length: 8 }, () => wharf.ecs());
    const calls = clients.map((c, i) =>
      c.send(
        new RunTaskCommand({
          cluster: 'group',
          taskDefinition: i === 7 ? 'no-such-family' : 'group-app',
          count: 2,
          ...(i < 4 ? { clientToken: 'group-token' } : {}),
        }),
      ).then((r) => r, (e: Error) => e),
    );
    const results = await Promise.all(calls);
    clients.forEach((c) => c.destroy());
    expect(results[7]).toMatchObject({ name: 'ClientException', message: 'Unable to describe task definition.' });
    const ok = results.slice(0, 7) as { tasks?: { taskArn?: string }[] }[];
    // The four calls with one token answer the same two tasks.
    const tokenArns = ok.slice(0, 4).map((r) => r.tasks!.map((t) => t.taskArn).sort());
    expect(tokenArns[0]).toHaveLength(2);
    for (const a of tokenArns) expect(a).toEqual(tokenArns[0]);
    const listed = (await ecs.send(new ListTasksCommand({ cluster: 'group' }))).taskArns!;
    expect(listed.sort()).toEqual([...tokenArns[0]!, ...ok.slice(4).flatMap((r) => r.tasks!.map((t) => t.taskArn!))].sort());
    expect(listed).toHaveLength(8);
  });

  it('answers an empty cluster, an unknown definition and a bad count as ECS does', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'empty' }));
    await family('empty-app');
    await expect(ecs.send(new RunTaskCommand({ cluster: 'empty', taskDefinition: 'empty-app' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'No Container Instances were found in your cluster.',
    });
    await expect(ecs.send(new RunTaskCommand({ cluster: 'empty', taskDefinition: 'nope' }))).rejects.toMatchObject({ name: 'ClientException' });
    await expect(ecs.send(new RunTaskCommand({ cluster: 'empty', taskDefinition: 'empty-app', count: 11 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});

describe('task lifecycle', () => {
  it('follows agent reports forward, refuses going back, and releases resources when stopped', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'life' }));
    const ci = await instance('life', 'us-east-1a', { memory: 1024 });
    await family('life-app');
    const run = await wharf.aws('ecs', 'run-task', '--cluster', 'life', '--task-definition', 'life-app', '--started-by', 'tester');
    const arn = run.tasks[0].taskArn;
    await ecs.send(
      new SubmitTaskStateChangeCommand({
        cluster: 'life',
        task: arn,
        status: 'RUNNING',
        containers: [{ containerName: 'app', status: 'RUNNING', runtimeId: 'abc' }],
        pullStartedAt: new Date(),
        pullStoppedAt: new Date(),
      }),
    );
    let [t] = await describeAll('life', [arn]);
    expect(t).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING', connectivity: 'CONNECTED' });
    expect(t!.startedAt).toBeInstanceOf(Date);
    expect(t!.containers![0]).toMatchObject({ lastStatus: 'RUNNING', runtimeId: 'abc' });
    await expect(
      ecs.send(new SubmitTaskStateChangeCommand({ cluster: 'life', task: arn, status: 'PENDING' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });

    const listed = await wharf.aws('ecs', 'list-tasks', '--cluster', 'life', '--started-by', 'tester');
    expect(listed.taskArns).toEqual([arn]);
    const stop = await wharf.aws('ecs', 'stop-task', '--cluster', 'life', '--task', arn, '--reason', 'done for today');
    expect(stop.task).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'STOPPING', stopCode: 'UserInitiated', stoppedReason: 'done for today' });
    await ecs.send(
      new SubmitTaskStateChangeCommand({
        cluster: 'life',
        task: arn,
        status: 'STOPPED',
        containers: [{ containerName: 'app', status: 'STOPPED', exitCode: 143 }],
      }),
    );
    [t] = await describeAll('life', [arn]);
    expect(t).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'done for today' });
    expect(t!.containers![0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 143 });
    const d = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'life', containerInstances: [ci] }));
    expect(d.containerInstances![0]!.remainingResources!.find((r) => r.name === 'MEMORY')!.integerValue).toBe(1024);
    expect(d.containerInstances![0]).toMatchObject({ runningTasksCount: 0, pendingTasksCount: 0 });
    const stopped = await ecs.send(new ListTasksCommand({ cluster: 'life', desiredStatus: 'STOPPED' }));
    expect(stopped.taskArns).toEqual([arn]);
    const missing = await ecs.send(new DescribeTasksCommand({ cluster: 'life', tasks: ['0123456789abcdef0123456789abcdef'] }));
    expect(missing.failures?.[0]?.reason).toBe('MISSING');
  });

  it('answers a repeated clientToken with the same tasks', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'idem' }));
    await instance('idem', 'us-east-1a');
    await family('idem-app');
    const a = await ecs.send(new RunTaskCommand({ cluster: 'idem', taskDefinition: 'idem-app', count: 2, clientToken: 'tok-1' }));
    const b = await ecs.send(new RunTaskCommand({ cluster: 'idem', taskDefinition: 'idem-app', count: 2, clientToken: 'tok-1' }));
    expect(b.tasks!.map((t) => t.taskArn)).toEqual(a.tasks!.map((t) => t.taskArn));
    const all = await ecs.send(new ListTasksCommand({ cluster: 'idem' }));
    expect(all.taskArns).toHaveLength(2);
  });

  it('starts tasks on named instances with StartTask', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'start' }));
    const a = await instance('start', 'us-east-1a');
    await instance('start', 'us-east-1b');
    await family('start-app');
    const out = await ecs.send(new StartTaskCommand({ cluster: 'start', taskDefinition: 'start-app', containerInstances: [a] }));
    expect(out.tasks!.map((t) => t.containerInstanceArn)).toEqual([a]);
  });
});

describe('agent channel and host loss', () => {
  it('pushes assignments, scopes reports to the instance, and stops the tasks of a lost host', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'chan' }));
    const clusterArn = 'arn:aws:ecs:us-east-1:000000000000:cluster/chan';
    const mine = await instance('chan', 'us-east-1a', { memory: 512, connect: false });
    const other = await instance('chan', 'us-east-1b', { memory: 512 });
    const poll = await ecs.send(new DiscoverPollEndpointCommand({ cluster: 'chan', containerInstance: mine }));
    expect(poll.endpoint).toBe(`${wharf.url.replace('http', 'ws')}/_wharf/acs`);
    const agent = await connectAgent(wharf.url, clusterArn, mine);
    await expect.poll(() => agent.payloads().length).toBe(1);
    expect(agent.payloads()[0]).toMatchObject({ full: true, tasks: [] });
    let d = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'chan', containerInstances: [mine] }));
    expect(d.containerInstances![0]!.agentConnected).toBe(true);

    await family('chan-app', {
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 256, portMappings: [{ containerPort: 80, hostPort: 0 }] }],
    });
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'chan',
        taskDefinition: 'chan-app',
        count: 2,
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]' }],
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      }),
    );
    const onMine = run.tasks!.find((t) => t.containerInstanceArn === mine)!;
    const onOther = run.tasks!.find((t) => t.containerInstanceArn === other)!;
    await expect.poll(() => agent.payloads().flatMap((p) => p.tasks).map((t: any) => t.taskArn)).toContain(onMine.taskArn);
    const pushed = agent.payloads().flatMap((p) => p.tasks).find((t: any) => t.taskArn === onMine.taskArn);
    expect(pushed).toMatchObject({ desiredStatus: 'RUNNING', networkMode: 'bridge', family: 'chan-app' });
    // The lowest free port of the control plane's dynamic host port range.
    expect(pushed.containers[0].hostPorts[0].hostPort).toBe(Number(DYNAMIC_PORTS.split('-')[0]));
    expect(agent.payloads().flatMap((p) => p.tasks).map((t: any) => t.taskArn)).not.toContain(onOther.taskArn);

    const own = agent.ecs();
    await own.send(new SubmitTaskStateChangeCommand({ cluster: 'chan', task: onMine.taskArn, status: 'RUNNING' }));
    await expect(
      own.send(new SubmitTaskStateChangeCommand({ cluster: 'chan', task: onOther.taskArn, status: 'RUNNING' })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    own.destroy();

    await ecs.send(new StopTaskCommand({ cluster: 'chan', task: onMine.taskArn }));
    await expect
      .poll(() => agent.payloads().flatMap((p) => p.tasks).some((t: any) => t.taskArn === onMine.taskArn && t.desiredStatus === 'STOPPED'))
      .toBe(true);

    const second = await ecs.send(new RunTaskCommand({ cluster: 'chan', taskDefinition: 'chan-app', placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${d.containerInstances![0]!.ec2InstanceId}` }] }));
    const lostArn = second.tasks![0]!.taskArn!;
    await agent.close();
    d = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'chan', containerInstances: [mine] }));
    await expect
      .poll(async () => (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'chan', containerInstances: [mine] }))).containerInstances![0]!.agentConnected)
      .toBe(false);
    await expect.poll(async () => (await describeAll('chan', [lostArn]))[0]!.lastStatus, { timeout: 10_000 }).toBe('STOPPED');
    const [lost] = await describeAll('chan', [lostArn]);
    expect(lost!.stoppedReason).toContain('host lost');
    expect(lost!.stopCode).toBe('TaskFailedToStart');
    // The other instance's agent is still connected: its task is untouched.
    const [untouched] = await describeAll('chan', [onOther.taskArn!]);
    expect(untouched!.lastStatus).toBe('PENDING');
  });
});

describe('FARGATE', () => {
  it('places FARGATE tasks on Wharf-managed capacity with their own loopback address', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'serverless' }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'fg-app',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'web', image: 'busybox', portMappings: [{ containerPort: 80 }] }],
      }),
    );
    // Capacity as the embedded agent of `wharf up` registers it: the FARGATE marker and the capabilities it has.
    const capabilities = Object.fromEntries(td.taskDefinition!.requiresAttributes!.map((a) => [a.name!, a.value ?? 'true']));
    await instance('default', 'us-east-1a', {
      memory: 8192,
      cpu: 4096,
      attrs: { 'wharf.capacity.fargate': 'true', ...capabilities },
    });
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'serverless',
        taskDefinition: 'fg-app',
        count: 2,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' } },
      }),
    );
    expect(run.failures).toEqual([]);
    for (const t of run.tasks!) {
      expect(t).toMatchObject({ launchType: 'FARGATE', lastStatus: 'PROVISIONING', platformVersion: '1.4.0' });
      expect(t.containerInstanceArn).toBeUndefined();
      const addr = t.attachments![0]!.details!.find((x) => x.name === 'privateIPv4Address')!.value!;
      expect(addr).toMatch(/^127\.1\.\d+\.\d+$/);
    }
    const addrs = run.tasks!.map((t) => t.attachments![0]!.details!.find((x) => x.name === 'privateIPv4Address')!.value);
    expect(new Set(addrs).size).toBe(2);
    await expect(
      ecs.send(new RunTaskCommand({ cluster: 'serverless', taskDefinition: 'fg-app', launchType: 'FARGATE' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const viaStrategy = await ecs.send(
      new RunTaskCommand({
        cluster: 'serverless',
        taskDefinition: 'fg-app',
        count: 2,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      }),
    );
    expect(viaStrategy.tasks!.map((t) => t.capacityProviderName)).toEqual(['FARGATE_SPOT', 'FARGATE_SPOT']);
  });
});
