// The whole path with real containers: `wharf up` with its embedded agent, and a second host joined with
// `wharf agent`; tasks become Docker containers that answer on loopback addresses, stop as ECS stops them, and
// survive a kill -9 of the control plane and agent without being lost or duplicated.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  CreateClusterCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { LABELS } from '../../src/agent/protocol.js';
import { removeLabelled } from '../support/cleanup.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { startWharf, taskAddressPool, tempDir, waitUntil, WHARF_BIN, WHARF_ENV, type Wharf } from './harness.js';

const runtime = new DockerRuntime();
let wharf: Wharf;
let ecs: ECSClient;
let dataDir: string;
const instanceArns = new Set<string>();
const extraAgents: ChildProcess[] = [];

async function task(cluster: string, arn: string): Promise<Task> {
  return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks![0]!;
}

async function running(cluster: string, arn: string): Promise<Task> {
  await expect.poll(async () => (await task(cluster, arn)).lastStatus, { timeout: 30_000 }).toBe('RUNNING');
  return task(cluster, arn);
}

async function stopped(cluster: string, arn: string): Promise<Task> {
  await expect.poll(async () => (await task(cluster, arn)).lastStatus, { timeout: 45_000 }).toBe('STOPPED');
  return task(cluster, arn);
}

async function instancesOf(cluster: string) {
  const l = await ecs.send(new ListContainerInstancesCommand({ cluster }));
  if (l.containerInstanceArns!.length === 0) return [];
  return (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: l.containerInstanceArns }))).containerInstances!;
}

beforeAll(async () => {
  await ensureBusybox(runtime);
  dataDir = tempDir();
  wharf = await startWharf({ dataDir, mode: 'up' });
  ecs = wharf.ecs();
  await waitUntil(async () => (await instancesOf('default')).filter((c) => c.agentConnected).length, (n) => n === 1);
  for (const c of await instancesOf('default')) instanceArns.add(c.containerInstanceArn!);
}, 120_000);

afterAll(async () => {
  for (const p of extraAgents) p.kill('SIGTERM');
  ecs?.destroy();
  await wharf?.stop();
  for (const arn of instanceArns) await removeLabelled(runtime, { [LABELS.instanceArn]: arn });
});

describe('wharf up runs real containers', () => {
  it('registers this host with its real resources and Docker version', async () => {
    const [ci] = await instancesOf('default');
    expect(ci!.versionInfo!.dockerVersion).toMatch(/^DockerVersion: \d+/);
    const cpu = ci!.registeredResources!.find((r) => r.name === 'CPU')!.integerValue!;
    expect(cpu % 1024).toBe(0);
    expect(ci!.attributes!.map((a) => a.name)).toEqual(expect.arrayContaining(['ecs.capability.task-eni', 'wharf.capacity.fargate']));
  });

  it('runs a bridge task whose dynamic host port answers on loopback, and stops it', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web-bridge',
        containerDefinitions: [
          {
            name: 'web',
            image: BUSYBOX,
            memory: 64,
            stopTimeout: 2,
            command: ['sh', '-c', 'mkdir -p /www && echo hello-bridge > /www/index.html && exec httpd -f -p 80 -h /www'],
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ taskDefinition: 'web-bridge' }));
    const t = await running('default', run.tasks![0]!.taskArn!);
    const binding = t.containers![0]!.networkBindings![0]!;
    expect(binding.hostPort).toBeGreaterThanOrEqual(wharf.dynamicPorts[0]);
    expect(binding.hostPort).toBeLessThanOrEqual(wharf.dynamicPorts[1]);
    const res = await fetch(`http://127.0.0.1:${binding.hostPort}/`);
    expect((await res.text()).trim()).toBe('hello-bridge');
    await ecs.send(new StopTaskCommand({ task: t.taskArn!, reason: 'test over' }));
    const s = await stopped('default', t.taskArn!);
    expect(s).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'test over' });
    expect(s.containers![0]!.exitCode).toBeDefined();
  });

  it('runs a FARGATE task on its own loopback address, its containers sharing localhost', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web-fargate',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'db',
            image: BUSYBOX,
            stopTimeout: 2,
            command: ['sh', '-c', 'mkdir -p /d && echo from-db > /d/index.html && exec httpd -f -p 27017 -h /d'],
          },
          {
            name: 'app',
            image: BUSYBOX,
            // The app reaches its sidecar on localhost, as the seed's mongodb:27017 becomes localhost:27017.
            command: ['sh', '-c', 'mkdir -p /w; (while true; do wget -q -O /w/index.html http://localhost:27017/; sleep 1; done) & exec httpd -f -p 80 -h /w'],
            portMappings: [{ containerPort: 80 }],
            stopTimeout: 2,
            dependsOn: [{ containerName: 'db', condition: 'START' }],
          },
        ],
      }),
    );
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'default',
        taskDefinition: 'web-fargate',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-local'] } },
      }),
    );
    const t = await running('default', run.tasks![0]!.taskArn!);
    expect(t.containerInstanceArn).toBeUndefined();
    const address = t.attachments![0]!.details!.find((d) => d.name === 'privateIPv4Address')!.value!;
    expect(address).toMatch(/^127\.1\./);
    expect(t.containers![0]!.networkInterfaces![0]!.privateIpv4Address).toBe(address);
    await expect
      .poll(async () => (await fetch(`http://${address}:80/`).then((r) => r.text(), () => '')).trim(), { timeout: 20_000 })
      .toBe('from-db');
    await ecs.send(new StopTaskCommand({ task: t.taskArn! }));
    const s = await stopped('default', t.taskArn!);
    expect(s.attachments![0]!.status).toBe('DELETED');
  });

  it('stops a task whose essential container exits, with every exit code', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'exits',
        containerDefinitions: [
          { name: 'main', image: BUSYBOX, memory: 32, command: ['sh', '-c', 'sleep 1; exit 3'] },
          { name: 'side', image: BUSYBOX, memory: 32, essential: false, stopTimeout: 2, command: ['sleep', '300'] },
        ],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ taskDefinition: 'exits' }));
    const s = await stopped('default', run.tasks![0]!.taskArn!);
    expect(s.stopCode).toBe('EssentialContainerExited');
    expect(s.stoppedReason).toBe('Essential container in task exited');
    const codes = Object.fromEntries(s.containers!.map((c) => [c.name, c.exitCode]));
    expect(codes.main).toBe(3);
    expect(codes.side).toBeDefined();
  });

  it('an essential container that exits at once: EssentialContainerExited with its exit code, as ECS shows it', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'exits-at-once',
        containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 32, command: ['sh', '-c', 'exit 3'] }],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ taskDefinition: 'exits-at-once' }));
    const s = await stopped('default', run.tasks![0]!.taskArn!);
    expect(s).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });
    expect(s.containers![0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 3 });
  });

  it('an image that cannot be pulled: TaskFailedToStart with CannotPullContainerError', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'cannot-pull',
        // A registry address on loopback where nothing listens: the pull fails at once, nothing leaves the host.
        containerDefinitions: [{ name: 'main', image: '127.0.0.1:9/wharf-test/nothing-here:1', memory: 32 }],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ taskDefinition: 'cannot-pull' }));
    const s = await stopped('default', run.tasks![0]!.taskArn!);
    expect(s.stopCode).toBe('TaskFailedToStart');
    expect(s.stoppedReason).toMatch(/^CannotPullContainerError: /);
    expect(s.containers![0]!.reason).toMatch(/^CannotPullContainerError: /);
    expect(s.containers![0]!.exitCode).toBeUndefined();
  });
});

describe('images from Wharf\'s own registry', () => {
  it('runs an image pushed with docker, pulled by the agent with a token it gets for itself', async () => {
    const host = new URL(wharf.url).host;
    const image = `${host}/pushed:1`;
    const cfg = tempDir('wharf-docker-');
    const docker = (args: string[], input?: string) =>
      new Promise<{ code: number; out: string }>((done) => {
        const p = execFile('docker', ['--config', cfg, ...args], (err, stdout, stderr) =>
          done({ code: err ? 1 : 0, out: stdout + stderr }),
        );
        if (input !== undefined) p.stdin!.end(input);
      });
    await wharf.aws('ecr', 'create-repository', '--repository-name', 'pushed');
    const pw = await wharf.awsRaw(['ecr', 'get-login-password']);
    expect((await docker(['login', '--username', 'AWS', '--password-stdin', host], pw.stdout.trim())).code).toBe(0);
    expect((await docker(['tag', BUSYBOX, image])).code).toBe(0);
    const push = await docker(['push', image]);
    expect(push.code, push.out).toBe(0);
    // Gone from the local cache: the agent must pull it from the registry, with credentials.
    expect((await docker(['rmi', image])).code).toBe(0);
    try {
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'pushed',
          containerDefinitions: [{ name: 'main', image, memory: 32, stopTimeout: 2, command: ['sleep', '600'] }],
        }),
      );
      const run = await ecs.send(new RunTaskCommand({ taskDefinition: 'pushed' }));
      const t = await running('default', run.tasks![0]!.taskArn!);
      expect(t.pullStartedAt).toBeInstanceOf(Date);
      expect(t.pullStoppedAt).toBeInstanceOf(Date);
      await ecs.send(new StopTaskCommand({ task: t.taskArn! }));
      await stopped('default', t.taskArn!);
    } finally {
      await removeLabelled(runtime, { [LABELS.family]: 'pushed' });
      await docker(['rmi', image]);
    }
  });
});

describe('a second host with wharf agent', () => {
  it('joins a cluster with its attributes and runs what is placed on it', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'fleet' }));
    const agent = spawn(
      process.execPath,
      [WHARF_BIN, 'agent', '--endpoint', wharf.url, '--cluster', 'fleet', '--attribute', 'stack=blue', '--state-dir', tempDir(), '--task-address-pool', taskAddressPool()],
      {
        env: WHARF_ENV,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    extraAgents.push(agent);
    createInterface({ input: agent.stdout! }).on('line', () => undefined);
    await expect.poll(async () => (await instancesOf('fleet')).filter((c) => c.agentConnected).length, { timeout: 30_000 }).toBe(1);
    const [ci] = await instancesOf('fleet');
    instanceArns.add(ci!.containerInstanceArn!);
    expect(ci!.attributes).toContainEqual({ name: 'stack', value: 'blue' });
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'fleet',
        taskDefinition: 'web-bridge',
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == blue' }],
      }),
    );
    const t = await running('fleet', run.tasks![0]!.taskArn!);
    expect(t.containerInstanceArn).toBe(ci!.containerInstanceArn);
    await ecs.send(new StopTaskCommand({ cluster: 'fleet', task: t.taskArn! }));
    await stopped('fleet', t.taskArn!);
  });
});

describe('kill -9', () => {
  it('adopts running containers after wharf up is killed and restarted: nothing lost, nothing duplicated', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'survivor',
        containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 32, stopTimeout: 2, command: ['sleep', '600'] }],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ taskDefinition: 'survivor' }));
    const arn = run.tasks![0]!.taskArn!;
    const before = await running('default', arn);
    wharf.proc.kill('SIGKILL');
    await wharf.stop();
    ecs.destroy();
    wharf = await startWharf({ dataDir, mode: 'up' });
    ecs = wharf.ecs();
    await expect.poll(async () => (await instancesOf('default')).filter((c) => c.agentConnected).length, { timeout: 30_000 }).toBe(1);
    const after = await task('default', arn);
    expect(after.lastStatus).toBe('RUNNING');
    expect(after.containers![0]!.runtimeId).toBe(before.containers![0]!.runtimeId);
    const containers = await runtime.list({ [LABELS.taskArn]: arn });
    expect(containers.filter((c) => c.labels?.[LABELS.containerName] === 'main')).toHaveLength(1);
    await ecs.send(new StopTaskCommand({ task: arn }));
    await stopped('default', arn);
  });
});
