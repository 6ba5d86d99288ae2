// Deployment strategies under continuous load, with real containers behind a Wharf load balancer on loopback: for
// ROLLING (the peer, measured in the same run), BLUE_GREEN, LINEAR (50% steps) and CANARY (10%), all bake times 0,
// a service of 2 tasks rolled to a new revision while 4 clients send requests one after another; and BLUE_GREEN once
// more with a bake of 1 minute, a minute lasting BAKE_SECONDS here (WHARF_DEPLOYMENT_MINUTE_SECONDS), so that the
// bake ends by time alone. Prints per strategy the requests that failed during the rollout, the time from the end of
// the last bake (production reaching the new revision, plus the bake) to the service deployment's finishedAt (for
// ROLLING: from UpdateService to COMPLETED, as it has no shift), and the control plane's CPU time (user + system,
// from /proc) per task replaced, with its ratio to ROLLING's. For the traffic-shifting rows that time is split by
// Docker's own events for the blue tasks' containers: bake end -> the last SIGTERM Docker sent (`kill`: Wharf's
// decision, deregistration and draining, the push to the agent), -> the last container gone (`die`: Docker's stop,
// after the process exits on SIGTERM), -> finishedAt (the agent's STOPPED report and the controller's completion).
// Run: npm run build && node dist/bench/strategies.js [--clients 4]
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
} from '@aws-sdk/client-ecs';
import Docker from 'dockerode';
import { LABELS } from '../src/agent/protocol.js';
import { lineSplitter } from '../src/agent/runtime/lines.js';
import { DockerRuntime } from '../src/agent/runtime/docker.js';
import { removeLabelled } from '../test/support/cleanup.js';
import { ensureBusybox } from '../test/support/images.js';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { forwarding, get, registerVersion, shiftingLoadBalancer, traffic } from '../test/e2e/deploymentsHarness.js';
import { embeddedInstance, TEST_CREDENTIALS } from '../test/e2e/harness.js';
import { arg, serverCpuMs, startServer } from './support.js';

const clients = arg('clients', 4);
const TASKS = 2;
const BAKE_SECONDS = 3;

const STRATEGIES: [string, DeploymentConfiguration][] = [
  ['ROLLING', { minimumHealthyPercent: 100, maximumPercent: 200 }],
  ['BLUE_GREEN', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 }],
  ['LINEAR', { strategy: 'LINEAR', linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 0 }, bakeTimeInMinutes: 0 }],
  ['CANARY', { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 0 }, bakeTimeInMinutes: 0 }],
  ['BLUE_GREEN+bake', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 }],
];

const until = async (check: () => Promise<boolean>, timeoutMs = 180_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** Docker's `kill` (a stop's SIGTERM; the first per task) and `die` (the last per task) times, epoch ms, by task ARN. */
async function dockerStops(instanceArn: string) {
  const kills = new Map<string, number>();
  const dies = new Map<string, number>();
  const filters = { type: ['container' as const], event: ['kill', 'die'], label: [`${LABELS.instanceArn}=${instanceArn}`] };
  const stream = (await new Docker().getEvents({ filters })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const split = lineSplitter((line) => {
    if (!line.trim()) return;
    const ev = JSON.parse(line) as { Action?: string; timeNano?: number; Actor?: { Attributes?: Record<string, string> } };
    const task = ev.Actor?.Attributes?.[LABELS.taskArn];
    if (!task || !ev.timeNano) return;
    if (ev.Action === 'kill' && !kills.has(task)) kills.set(task, ev.timeNano / 1e6);
    else if (ev.Action === 'die') dies.set(task, ev.timeNano / 1e6);
  });
  stream.on('data', (chunk: Buffer) => split.push(chunk));
  return { kills, dies, close: () => stream.destroy() };
}

async function main() {
  const runtime = new DockerRuntime();
  await ensureBusybox(runtime);
  const { url, proc } = await startServer({ credentials: TEST_CREDENTIALS, command: 'up', dataDirPrefix: 'wharf-bench-strategies-', env: { WHARF_DEPLOYMENT_MINUTE_SECONDS: String(BAKE_SECONDS) } });
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  const elb = new ElasticLoadBalancingV2Client({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  const instanceArn = await embeddedInstance(ecs);
  const docker = await dockerStops(instanceArn);
  const rows: { name: string; failed: number; total: number; finishMs: number; cpuPerTask: number; split?: number[] }[] = [];
  try {
    for (const [name, config] of STRATEGIES) {
      const svc = `s-${name.toLowerCase().replace(/[^a-z]/g, '')}`;
      const lb = await shiftingLoadBalancer(elb, `b-${svc}`);
      const shifting = config.strategy !== undefined;
      await ecs.send(
        new CreateServiceCommand({
          serviceName: svc,
          taskDefinition: await registerVersion(ecs, svc, 'v1'),
          desiredCount: TASKS,
          loadBalancers: [
            {
              targetGroupArn: lb.blue, containerName: 'web', containerPort: 80,
              ...(shifting ? { advancedConfiguration: { alternateTargetGroupArn: lb.green, productionListenerRule: lb.prodRule, testListenerRule: lb.testRule } } : {}),
            },
          ],
          deploymentConfiguration: config,
        }),
      );
      const newest = async () => {
        const arn = (await ecs.send(new ListServiceDeploymentsCommand({ service: svc }))).serviceDeployments![0]!.serviceDeploymentArn!;
        return (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!;
      };
      await until(async () => (await get(lb.prodUrl)) === 'v1' && (await newest()).status === 'SUCCESSFUL');
      const v2 = await registerVersion(ecs, svc, 'v2');
      const load = Array.from({ length: clients }, () => traffic(lb.prodUrl));
      const cpu0 = serverCpuMs(proc.pid!);
      const t0 = Date.now();
      await ecs.send(new UpdateServiceCommand({ service: svc, taskDefinition: v2 }));
      let shiftedAt = shifting ? 0 : t0;
      await until(async () => {
        // Until the shift only the production rule is read, so the moment it is seen is close to the moment it was made.
        if (!shiftedAt) {
          const groups = await forwarding(elb, lb.prodRule);
          if (groups.length === 1 && groups[0]!.arn === lb.green) shiftedAt = Date.now();
          else return false;
        }
        return (await newest()).status === 'SUCCESSFUL';
      });
      const cpu = serverCpuMs(proc.pid!) - cpu0;
      const finished = (await newest()).finishedAt!.getTime();
      let split: number[] | undefined;
      if (shifting) {
        await new Promise((r) => setTimeout(r, 300)); // Docker's events of the last stop, if still on their way
        const blue = (await ecs.send(new ListTasksCommand({ serviceName: svc, desiredStatus: 'STOPPED' }))).taskArns ?? [];
        const kill = Math.max(...blue.map((t) => docker.kills.get(t) ?? NaN));
        const die = Math.max(...blue.map((t) => docker.dies.get(t) ?? NaN));
        const bakeEnd = shiftedAt + (config.bakeTimeInMinutes ?? 0) * BAKE_SECONDS * 1000;
        split = [kill - bakeEnd, die - kill, finished - die].map(Math.round);
      }
      await Promise.all(load.map((l) => l.stop()));
      const samples = load.flatMap((l) => l.samples);
      rows.push({
        name,
        failed: samples.filter((s) => s.answer.startsWith('ERR')).length,
        total: samples.length,
        finishMs: finished - (shiftedAt ? shiftedAt + (config.bakeTimeInMinutes ?? 0) * BAKE_SECONDS * 1000 : finished),
        cpuPerTask: cpu / TASKS,
        split,
      });
      await ecs.send(new DeleteServiceCommand({ service: svc, force: true }));
    }
  } finally {
    const rolling = rows.find((r) => r.name === 'ROLLING');
    console.log(`rollout of ${TASKS} tasks under ${clients} sequential clients, bake times 0 but +bake's ${BAKE_SECONDS} s (peer: ROLLING, same run)`);
    console.log('strategy          failed/requests  bake end->finished  CPU/task replaced  vs ROLLING  (->SIGTERM, ->exited, ->finished)');
    for (const r of rows) {
      const ratio = rolling ? (r.cpuPerTask / rolling.cpuPerTask).toFixed(2) : '-';
      console.log(
        `${r.name.padEnd(17)} ${`${r.failed}/${r.total}`.padStart(15)}  ${`${r.finishMs} ms`.padStart(18)}  ${`${r.cpuPerTask.toFixed(0)} ms`.padStart(17)}  ${ratio.padStart(10)}${r.split ? `  (${r.split.join(', ')} ms)` : ''}`,
      );
    }
    docker.close();
    elb.destroy();
    ecs.destroy();
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    await removeLabelled(runtime, { [LABELS.instanceArn]: instanceArn });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
