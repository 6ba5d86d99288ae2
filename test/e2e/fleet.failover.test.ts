// The leader killed in the middle of a rolling deployment behind a load balancer, under traffic. Three etcd members
// and three `wharf server` replicas on loopback, each serving every load balancer on an address of its own
// (--lb-bind-pool: the simulated hosts' own addresses), and three `wharf agent` processes (simulated hosts, each with
// its own task address pool) running real containers. A service of four awsvpc tasks behind an application load
// balancer is rolled to a new revision; once the first new task runs, the leader (which holds two of the agents) is
// killed with SIGKILL. Requests sent without a break through both surviving replicas' data planes all succeed; a
// follower takes over and its controllers act within 15 s; the deployment completes; every task of the service is
// one container on one host, and each old task was stopped by the deployment, none lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
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
  UpdateServiceCommand,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/agent/protocol.js';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { removeLabelled } from '../support/cleanup.js';
import { startEtcd, type EtcdCluster } from '../support/etcd.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { traffic } from './deploymentsHarness.js';
import { startWharf, TEST_CREDENTIALS, tempDir, waitUntil, WHARF_BIN, WHARF_ENV, type Wharf } from './harness.js';

const runtime = new DockerRuntime();
const CLUSTER = 'failover';
const FAMILY = 'failover-web';
const DESIRED = 4;
// Load balancer addresses come from one pool the replicas share; nothing binds it: each replica serves the load
// balancer at its Nth address on the Nth address of its own range, as each host would on its own address.
const LB_POOL = '127.60.0.0/24';
const bindPool = (i: number) => `127.${61 + i}.0.0/24`;
const ENV = {
  WHARF_SEALING_KEY: randomBytes(32).toString('base64'),
  WHARF_LEADER_LEASE_SECONDS: '3',
  WHARF_LB_WORKERS: '0',
  WHARF_INSTANCE_GRACE_SECONDS: '120',
  WHARF_LB_ADDRESS_POOL: LB_POOL,
};

let etcd: EtcdCluster;
const replicas: Wharf[] = [];
const agents: { proc: ChildProcess; log: string }[] = [];
const instanceArns = new Set<string>();
let leader: Wharf;
let followers: Wharf[];
let ecs: ECSClient;
let elb: ElasticLoadBalancingV2Client;
let lbAddress = '';
let lbName = '';
let targetGroupArn = '';

const alive = () => replicas.filter((r) => r.proc.exitCode === null && r.proc.signalCode === null);
const role = async (w: Wharf) =>
  ((await (await fetch(`${w.url}/ready`, { signal: AbortSignal.timeout(5000) })).json()) as { role: string; leader?: { url: string } });
/** The replica that says it leads, once every live replica agrees on it. */
const agreedLeader = async (): Promise<Wharf | undefined> => {
  const all = alive();
  const states = await Promise.all(all.map((w) => role(w).catch(() => undefined)));
  const leaders = all.filter((_, i) => states[i]?.role === 'leader');
  if (leaders.length !== 1) return undefined;
  return states.every((s) => s?.leader?.url === leaders[0]!.url) ? leaders[0] : undefined;
};
/** The address a replica serves the load balancer on: its bind pool's counterpart of the load balancer's address. */
const servedOn = (w: Wharf) => `127.${61 + replicas.indexOf(w)}.${lbAddress.split('.').slice(2).join('.')}`;
/** The replica's DNS server, from its start-up line. */
const dnsOf = (w: Wharf) => {
  const line = w.output.map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg?: string; dns?: { address: string; port: number } }) : {})).find((r) => r.msg === 'wharf is listening');
  return line!.dns!;
};

const tasksOf = async (service: string, desiredStatus?: 'STOPPED'): Promise<Task[]> => {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: service, desiredStatus }))).taskArns!;
  return arns.length ? (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks! : [];
};
const allTasksOf = async (service: string) => [...(await tasksOf(service)), ...(await tasksOf(service, 'STOPPED'))];
const service = async (name: string) => (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).services![0]!;
/** Running task containers (not pause containers) of the family on the agents' hosts, by task ARN. */
const runningContainers = async () => {
  const out: string[] = [];
  for (const arn of instanceArns) {
    for (const c of await runtime.list({ [LABELS.instanceArn]: arn })) {
      if (c.running && c.labels[LABELS.family] === FAMILY && c.labels[LABELS.containerName] === 'web') out.push(c.labels[LABELS.taskArn]!);
    }
  }
  return out;
};

const registerVersion = async (version: string) =>
  (
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: FAMILY,
        networkMode: 'awsvpc',
        containerDefinitions: [
          {
            name: 'web',
            image: BUSYBOX,
            memory: 32,
            stopTimeout: 2,
            // sh stays PID 1 to act on SIGTERM at once.
            command: ['sh', '-c', `trap 'exit 0' TERM; mkdir -p /w && echo ${version} > /w/index.html && httpd -f -p 80 -h /w & wait`],
            portMappings: [{ containerPort: 80 }],
          },
        ],
      }),
    )
  ).taskDefinition!.taskDefinitionArn!;

beforeAll(async () => {
  await ensureBusybox(runtime);
  etcd = await startEtcd(3);
  const store = `etcd://${etcd.endpoints.join(',')}/wharf-${randomBytes(3).toString('hex')}`;
  replicas.push(
    ...(await Promise.all(
      [0, 1, 2].map((i) => startWharf({ mode: 'server', args: ['--store', store, '--dns-address', '127.0.0.1:0', '--dns-upstream', 'none'], env: { ...ENV, WHARF_LB_BIND_POOL: bindPool(i) } })),
    )),
  );
  leader = (await waitUntil(agreedLeader, (l) => l !== undefined, 30_000))!;
  followers = replicas.filter((r) => r !== leader);
  // Every call of the test goes through a follower, which survives.
  ecs = followers[0]!.ecs();
  elb = new ElasticLoadBalancingV2Client({ endpoint: followers[0]!.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  // Three hosts: two hold their channel on the leader (and must move), one on a follower.
  for (let i = 0; i < 3; i++) {
    const order = i < 2 ? [leader, ...followers] : [...followers, leader];
    const proc = spawn(
      process.execPath,
      [WHARF_BIN, 'agent', '--endpoint', order.map((r) => r.url).join(','), '--cluster', CLUSTER, '--state-dir', tempDir(), '--task-address-pool', `127.64.${1 + i}.0/24`],
      { env: WHARF_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const agent = { proc, log: '' };
    proc.stdout!.on('data', (d) => (agent.log += d));
    proc.stderr!.on('data', (d) => (agent.log += d));
    agents.push(agent);
  }
  const connected = await waitUntil(
    async () => {
      const l = (await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns!;
      if (!l.length) return [];
      const d = await ecs.send(new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: l }));
      return d.containerInstances!.filter((c) => c.agentConnected).map((c) => c.containerInstanceArn!);
    },
    (l) => l.length === 3,
    60_000,
  );
  connected.forEach((a) => instanceArns.add(a));

  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'failover' }))).LoadBalancers![0]!;
  lbAddress = lb.AvailabilityZones![0]!.LoadBalancerAddresses![0]!.IpAddress!;
  lbName = lb.DNSName!;
  targetGroupArn = (await elb.send(new CreateTargetGroupCommand({ Name: 'failover-web', Protocol: 'HTTP', Port: 80, TargetType: 'ip', VpcId: 'vpc-1' }))).TargetGroups![0]!.TargetGroupArn!;
  // Checks with room for a loaded machine: a target is taken out only after five failures in a row.
  await elb.send(
    new ModifyTargetGroupCommand({
      TargetGroupArn: targetGroupArn, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 4, HealthyThresholdCount: 2, UnhealthyThresholdCount: 5, HealthCheckPath: '/',
    }),
  );
  await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }] }));

  const v1 = await registerVersion('v1');
  await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: 'web',
      taskDefinition: v1,
      desiredCount: DESIRED,
      // Two new tasks at a time, none of the old stopped before new ones are healthy: the rollout takes two rounds.
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 150 },
      healthCheckGracePeriodSeconds: 120,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } },
      loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 80 }],
    }),
  );
  // A second service, with no task yet: after the kill, its scale-up shows when the new leader's controllers act.
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'failover-probe',
      containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, cpu: 16, stopTimeout: 1, command: ['sleep', '3600'] }],
    }),
  );
  await ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'probe', taskDefinition: 'failover-probe', desiredCount: 0 }));
  await waitUntil(
    async () => {
      const s = await service('web');
      const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))).TargetHealthDescriptions!;
      return s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && health.filter((h) => h.TargetHealth!.State === 'healthy').length === DESIRED;
    },
    (ok) => ok,
    150_000,
  );
}, 240_000);

afterAll(async () => {
  ecs?.destroy();
  elb?.destroy();
  await Promise.all(
    agents.map(
      (a) =>
        new Promise<void>((ok) => {
          if (a.proc.exitCode !== null || a.proc.signalCode !== null) return ok();
          a.proc.once('exit', () => ok());
          a.proc.kill('SIGTERM');
        }),
    ),
  );
  await Promise.all(alive().map((r) => r.stop()));
  await etcd?.stop();
  for (const arn of instanceArns) await removeLabelled(runtime, { [LABELS.instanceArn]: arn });
}, 120_000);

describe('kill -9 of the leader during a rolling deployment behind a load balancer', () => {
  it('serves the load balancer on every replica\'s own address, and its name answers each of them', async () => {
    const answer = (w: Wharf) =>
      fetch(`http://${servedOn(w)}/`, { signal: AbortSignal.timeout(5000) }).then(async (r) => `${r.status} ${(await r.text()).trim()}`, (e: Error) => e.message);
    // Each replica's own health checks pass on their own schedule.
    for (const w of replicas) await expect.poll(() => answer(w), { timeout: 30_000 }).toBe('200 v1');
    // Nothing serves the address of the pool itself: each replica has its own.
    await expect(fetch(`http://${lbAddress}/`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
    const resolver = new Resolver();
    const dns = dnsOf(followers[0]!);
    resolver.setServers([`${dns.address}:${dns.port}`]);
    expect((await resolver.resolve4(lbName)).sort()).toEqual(replicas.map(servedOn).sort());
  });

  it('loses no request through the surviving replicas, completes the deployment, and keeps every task exactly once', async () => {
    const before = await tasksOf('web');
    expect(before.filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(DESIRED);
    // Continuous traffic through each follower's data plane, two clients each.
    const flows = followers.flatMap((f) => [traffic(`http://${servedOn(f)}/`), traffic(`http://${servedOn(f)}/`)]);
    let killedAt = 0;
    let leaderlessUntil = 0;
    try {
      const v2 = await registerVersion('v2');
      await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: v2 }));
      // Mid-deployment: the first new task runs, and old ones still do.
      await waitUntil(async () => (await tasksOf('web')).some((t) => t.taskDefinitionArn === v2 && t.lastStatus === 'RUNNING'), (ok) => ok, 120_000);
      const midway = await tasksOf('web');
      const oldRunning = midway.filter((t) => t.taskDefinitionArn !== v2 && t.lastStatus === 'RUNNING').length;
      expect(oldRunning).toBeGreaterThan(0);

      leader.proc.kill('SIGKILL');
      killedAt = Date.now();
      // Asked of the controllers while no replica leads: the new leader places this task.
      await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'probe', desiredCount: 1 }));
      const probe = await waitUntil(() => tasksOf('probe'), (t) => t.length > 0, 60_000);
      const decisionMs = probe[0]!.createdAt!.getTime() - killedAt;
      const next = (await waitUntil(agreedLeader, (l) => l !== undefined && l !== leader, 30_000))!;
      expect(followers).toContain(next);
      const led = next.output.map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg?: string; time?: number }) : {})).find((r) => r.msg?.startsWith('this replica leads'));
      const leadMs = led!.time! - killedAt;
      leaderlessUntil = led!.time!;
      console.log(
        `leader killed with ${oldRunning} old and ${midway.filter((t) => t.taskDefinitionArn === v2).length} new tasks: a follower leads after ${leadMs} ms; ` +
          `its controllers' first decision (the probe task placed) after ${decisionMs} ms`,
      );
      expect(leadMs).toBeGreaterThan(0);
      expect(decisionMs).toBeGreaterThan(0);
      expect(decisionMs).toBeLessThan(15_000);

      // The deployment completes under the new leader.
      await waitUntil(
        async () => {
          const s = await service('web');
          return s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && s.runningCount === DESIRED;
        },
        (ok) => ok,
        180_000,
      );
      // Traffic goes on for a while on the new tasks alone.
      const end = flows.reduce((n, f) => n + f.samples.length, 0) + 20;
      await waitUntil(async () => flows.reduce((n, f) => n + f.samples.length, 0), (n) => n >= end, 30_000);

      // The agents that held their channel on the leader moved to a survivor.
      for (const a of agents.slice(0, 2)) expect(a.log.match(/channel connected/g)?.length ?? 0).toBeGreaterThanOrEqual(2);

      // Every task exactly once: the four new ones running, one container each; the four old ones stopped by the
      // deployment (none lost with its host, none started again); no other task of the service was ever made.
      const all = await allTasksOf('web');
      const running = all.filter((t) => t.lastStatus === 'RUNNING');
      expect(running.map((t) => t.taskDefinitionArn)).toEqual(Array(DESIRED).fill(v2));
      const old = all.filter((t) => t.taskDefinitionArn !== v2);
      expect(old.map((t) => t.taskArn).sort()).toEqual(before.map((t) => t.taskArn).sort());
      for (const t of old) {
        expect(t.lastStatus).toBe('STOPPED');
        expect(t.stopCode).toBe('ServiceSchedulerInitiated');
        expect(t.stoppedReason).toMatch(/^Scaling activity initiated by \(deployment /);
      }
      expect(all.filter((t) => t.taskDefinitionArn === v2)).toHaveLength(DESIRED);
      await expect.poll(async () => (await runningContainers()).sort(), { timeout: 30_000 }).toEqual(running.map((t) => t.taskArn!).sort());
    } finally {
      await Promise.all(flows.map((f) => f.stop()));
    }

    // Zero failed requests through the load balancer, before, during and after the failover.
    const samples = flows.flatMap((f) => f.samples);
    const failed = samples.filter((s) => s.answer !== 'v1' && s.answer !== 'v2');
    expect(failed).toEqual([]);
    expect(samples.length).toBeGreaterThan(100);
    // Requests went on, answered, while no replica led.
    const leaderless = samples.filter((s) => s.start > killedAt && s.end < leaderlessUntil);
    console.log(`${samples.length} requests, ${leaderless.length} of them while no replica led; slowest ${Math.max(...samples.map((s) => s.end - s.start))} ms`);
    expect(leaderless.length).toBeGreaterThan(0);
    expect(samples.some((s) => s.answer === 'v1')).toBe(true);
    for (const f of flows) expect(f.last()).toBe('v2');

    // The load balancer's name now answers the survivors alone.
    const resolver = new Resolver();
    const dns = dnsOf(followers[1]!);
    resolver.setServers([`${dns.address}:${dns.port}`]);
    await expect.poll(async () => (await resolver.resolve4(lbName)).sort(), { timeout: 30_000 }).toEqual(followers.map(servedOn).sort());
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'web', force: true }));
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'probe', force: true }));
  }, 400_000);
});
