// Two `wharf server` replicas on one etcd and a real `wharf agent` connected to one of them only: a task's output and
// resource use, which the agent ships to its replica, are read through the other (GetLogEvents, FilterLogEvents,
// GetMetricStatistics); PutLogEvents and PutMetricData through one replica are read through the other at once; an
// alarm fed through the follower fires on the leader and scales its service once, not once per replica; and after
// the agent's replica is killed with SIGKILL, everything it took in is still read through the survivor.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CreateClusterCommand, CreateServiceCommand, DescribeContainerInstancesCommand, DescribeServicesCommand, ListContainerInstancesCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/agent/protocol.js';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { removeLabelled } from '../support/cleanup.js';
import { startEtcd, type EtcdCluster } from '../support/etcd.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { startWharf, tempDir, waitUntil, WHARF_BIN, WHARF_ENV, type Wharf } from './harness.js';

const runtime = new DockerRuntime();
const ENV = { WHARF_SEALING_KEY: randomBytes(32).toString('base64'), WHARF_LEADER_LEASE_SECONDS: '3', WHARF_LB_WORKERS: '0' };
const CLUSTER = 'telemetry';

let etcd: EtcdCluster;
let a: Wharf; // the agent's replica
let b: Wharf;
let agent: ChildProcess | undefined;
let instanceArn = '';
let taskId = '';

interface Ready {
  role: 'leader' | 'follower';
}
const role = async (w: Wharf) => ((await (await fetch(`${w.url}/ready`)).json()) as Ready).role;

beforeAll(async () => {
  await ensureBusybox(runtime);
  etcd = await startEtcd(1);
  const store = `etcd://${etcd.endpoints.join(',')}/wharf-${randomBytes(3).toString('hex')}`;
  [a, b] = await Promise.all([0, 1].map(() => startWharf({ mode: 'server', args: ['--store', store, '--dns-address', '127.0.0.1:0', '--metric-period', '1'], env: ENV }))) as [Wharf, Wharf];
  const ecs = b.ecs();
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  agent = spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', a.url, '--cluster', CLUSTER, '--state-dir', tempDir(), '--task-address-pool', '127.1.251.0/24'], {
    env: WHARF_ENV,
    stdio: 'ignore',
  });
  const list = await waitUntil(async () => (await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns!, (l) => l.length === 1, 60_000);
  instanceArn = list[0]!;
  ecs.destroy();
}, 120_000);

afterAll(async () => {
  agent?.kill('SIGTERM');
  await Promise.all([a, b].filter((w) => w && w.proc.exitCode === null && w.proc.signalCode === null).map((w) => w.stop()));
  await etcd?.stop();
  if (instanceArn) await removeLabelled(runtime, { [LABELS.instanceArn]: instanceArn });
}, 60_000);

describe('logs and metrics shared by replicas', () => {
  it('serves through one replica the output and stats an agent shipped to the other', async () => {
    const ecs = b.ecs();
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'talker',
        containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, cpu: 64, command: ['sh', '-c', 'echo hello from the task; sleep 3600'] }],
      }),
    );
    await expect
      .poll(async () => (await ecs.send(new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [instanceArn] }))).containerInstances![0]!.agentConnected, { timeout: 30_000 })
      .toBe(true);
    const run = await ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'talker' }));
    expect(run.failures).toEqual([]);
    taskId = run.tasks![0]!.taskArn!.split('/').at(-1)!;
    const group = `/wharf/tasks/${CLUSTER}`;
    const events = await waitUntil(
      () => b.aws('logs', 'get-log-events', '--log-group-name', group, '--log-stream-name', `${taskId}/main`).catch(() => ({ events: [] })),
      (r: { events: { message: string }[] }) => r.events.length > 0,
      60_000,
    );
    expect(events.events.map((e: { message: string }) => e.message)).toContain('hello from the task');
    const filtered = await b.aws('logs', 'filter-log-events', '--log-group-name', group, '--filter-pattern', 'hello');
    expect(filtered.events.map((e: { message: string }) => e.message)).toEqual(['hello from the task']);

    // The agent samples every 10 s; the datapoints it shipped to A are read through B.
    const stats = await waitUntil(
      () =>
        b.aws('cloudwatch', 'get-metric-statistics', '--namespace', 'AWS/ECS', '--metric-name', 'CPUUtilization', '--dimensions', `Name=ClusterName,Value=${CLUSTER}`,
          '--start-time', new Date(Date.now() - 600_000).toISOString(), '--end-time', new Date(Date.now() + 60_000).toISOString(), '--period', '60', '--statistics', 'Maximum', 'SampleCount'),
      (r: { Datapoints: unknown[] }) => r.Datapoints.length > 0,
      60_000,
    );
    expect((stats.Datapoints as { SampleCount: number }[]).every((d) => d.SampleCount > 0)).toBe(true);
    ecs.destroy();
  }, 150_000);

  it('reads PutLogEvents and PutMetricData through the other replica at once', async () => {
    await b.aws('logs', 'create-log-group', '--log-group-name', '/app/shared');
    await a.aws('logs', 'create-log-stream', '--log-group-name', '/app/shared', '--log-stream-name', 's1');
    // The group exists on every replica: creating it again through the other is refused there too.
    expect((await a.awsRaw(['logs', 'create-log-group', '--log-group-name', '/app/shared'])).stderr).toContain('ResourceAlreadyExistsException');
    for (let i = 0; i < 3; i++) {
      await a.aws('logs', 'put-log-events', '--log-group-name', '/app/shared', '--log-stream-name', 's1', '--log-events', JSON.stringify([{ timestamp: Date.now(), message: `line ${i}` }]));
      const got = await b.aws('logs', 'get-log-events', '--log-group-name', '/app/shared', '--log-stream-name', 's1', '--start-from-head');
      expect(got.events.map((e: { message: string }) => e.message)).toEqual(Array.from({ length: i + 1 }, (_, j) => `line ${j}`));
    }
    expect((await b.awsRaw(['logs', 'put-log-events', '--log-group-name', '/app/shared', '--log-stream-name', 'missing', '--log-events', JSON.stringify([{ timestamp: Date.now(), message: 'x' }])])).stderr).toContain('ResourceNotFoundException');

    const at = new Date().toISOString();
    await a.aws('cloudwatch', 'put-metric-data', '--namespace', 'App', '--metric-data', JSON.stringify([{ MetricName: 'Orders', Value: 7, Timestamp: at }, { MetricName: 'Orders', Value: 9, Timestamp: at }]));
    const got = await b.aws('cloudwatch', 'get-metric-data', '--start-time', new Date(Date.now() - 120_000).toISOString(), '--end-time', new Date(Date.now() + 60_000).toISOString(),
      '--metric-data-queries', JSON.stringify([{ Id: 'o', MetricStat: { Metric: { Namespace: 'App', MetricName: 'Orders' }, Period: 60, Stat: 'Sum' } }]));
    expect(got.MetricDataResults[0].Values).toEqual([16]);
  }, 180_000);

  it('fires an alarm fed through any replica on the leader alone: its service scales once', async () => {
    const ecs = a.ecs();
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'idle', containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, command: ['sleep', '3600'] }] }));
    await ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'scaled', taskDefinition: 'idle', desiredCount: 0 }));
    const id = `service/${CLUSTER}/scaled`;
    const target = ['--service-namespace', 'ecs', '--scalable-dimension', 'ecs:service:DesiredCount', '--resource-id', id];
    await a.aws('application-autoscaling', 'register-scalable-target', ...target, '--min-capacity', '0', '--max-capacity', '5');
    const pol = await b.aws('application-autoscaling', 'put-scaling-policy', ...target, '--policy-name', 'plus-one', '--policy-type', 'StepScaling',
      '--step-scaling-policy-configuration', JSON.stringify({ AdjustmentType: 'ChangeInCapacity', Cooldown: 600, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }));
    await a.aws('cloudwatch', 'put-metric-alarm', '--alarm-name', 'queue-deep', '--namespace', 'App', '--metric-name', 'Queue', '--statistic', 'Maximum',
      '--period', '10', '--evaluation-periods', '1', '--threshold', '100', '--comparison-operator', 'GreaterThanOrEqualToThreshold', '--alarm-actions', pol.PolicyARN);
    // Datapoints go to both replicas in turn (a CLI call takes a second or more here, so 10-second periods); whichever
    // leads sees them all.
    const leader = (await role(a)) === 'leader' ? a : b;
    expect(await role(leader === a ? b : a)).toBe('follower');
    let stop = false;
    const feed = (async () => {
      for (let i = 0; !stop; i++) {
        await (i % 2 ? a : b).aws('cloudwatch', 'put-metric-data', '--namespace', 'App', '--metric-data', JSON.stringify([{ MetricName: 'Queue', Value: 500 }])).catch(() => undefined);
      }
    })();
    const desired = async () => (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['scaled'] }))).services![0]!.desiredCount;
    try {
      await expect.poll(desired, { timeout: 60_000, interval: 500 }).toBe(1);
      // The alarm keeps firing while the feed goes on: the cooldown holds, and no second replica scales too.
      await new Promise((ok) => setTimeout(ok, 6000));
      expect(await desired()).toBe(1);
      const alarm = await b.aws('cloudwatch', 'describe-alarms', '--alarm-names', 'queue-deep');
      expect(alarm.MetricAlarms[0].StateValue).toBe('ALARM');
    } finally {
      stop = true;
      await feed;
    }
    const acts = await b.aws('application-autoscaling', 'describe-scaling-activities', '--service-namespace', 'ecs', '--resource-id', id);
    expect(acts.ScalingActivities.map((x: { StatusCode: string; Description: string }) => [x.StatusCode, x.Description])).toEqual([['Successful', 'Setting desired count to 1.']]);
    ecs.destroy();
  }, 120_000);

  it('still serves what the killed replica took in, through the survivor', async () => {
    a.proc.kill('SIGKILL');
    await new Promise<void>((ok) => (a.proc.exitCode !== null || a.proc.signalCode !== null ? ok() : a.proc.once('exit', () => ok())));
    const got = await b.aws('logs', 'get-log-events', '--log-group-name', `/wharf/tasks/${CLUSTER}`, '--log-stream-name', `${taskId}/main`, '--start-from-head');
    expect(got.events.map((e: { message: string }) => e.message)).toContain('hello from the task');
    const shared = await b.aws('logs', 'get-log-events', '--log-group-name', '/app/shared', '--log-stream-name', 's1', '--start-from-head');
    expect(shared.events).toHaveLength(3);
  }, 60_000);
});
