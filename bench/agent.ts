// The agent's path against plain Docker, in the same run: RunTask to RUNNING for a one-container task (image cached,
// one port published) through `wharf up` and its embedded agent, bridge and awsvpc (FARGATE), each against the
// `docker run -d -p` of the same image closest to it; then 50 tasks at once against 50 `docker run -d` five at a time
// from a shell loop. It prints where an awsvpc task's start goes (the agent logs each step with its first RUNNING).
// Run: npm run build && node dist/bench/agent.js [--rounds 10]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { DockerRuntime } from '../src/agent/runtime/docker.js';
import { LABELS } from '../src/agent/protocol.js';
import { WARM_PAUSE_LABEL } from '../src/agent/engine/warmPause.js';
import { ensureBusybox, BUSYBOX } from '../test/support/images.js';
import { arg, connectedInstance, median, startServer } from './support.js';

const run = promisify(execFile);
const rounds = arg('rounds', 10);
const creds = { accessKeyId: 'AKIAWHARFBENCH000003', secretAccessKey: 'wharf-bench-secret' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
const BENCH_LABEL = 'wharf.bench.agent=1';
/** The awsvpc peer's own loopback address, as an awsvpc task has one. */
const PEER_ADDRESS = '127.1.0.9';
/** Removes what the run left on Docker; set once the instance is known, run on failure too. */
let leftovers: () => Promise<void> = async () => {};

interface Timeline {
  acceptedAt: number;
  steps: Record<string, number>;
}

async function main() {
  const runtime = new DockerRuntime();
  await ensureBusybox(runtime);
  const timelines = new Map<string, Timeline>();
  const { url, proc } = await startServer({
    credentials: creds,
    command: 'up',
    onLog: (e) => {
      if (e.msg === 'task running') timelines.set(e.task as string, { acceptedAt: e.acceptedAt as number, steps: e.steps as Record<string, number> });
    },
  });
  process.on('exit', () => proc.kill('SIGKILL')); // never leave `wharf up` behind, even when the bench fails
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
  const instanceArn = await connectedInstance(ecs);
  leftovers = async () => {
    proc.kill('SIGKILL');
    for (const c of await ours()) await runtime.remove(c.id).catch(() => undefined);
    await run('sh', ['-c', `docker ps -aq --filter label=${BENCH_LABEL} | xargs -r docker rm -f >/dev/null`]);
  };
  const ours = async () => [...(await runtime.list({ [LABELS.instanceArn]: instanceArn })), ...(await runtime.list({ [WARM_PAUSE_LABEL]: instanceArn }))];
  // The agent keeps a warm pause container for awsvpc tasks, started again after each one is taken. Each timed run,
  // Wharf's or the peer's, starts once it is there, so that neither shares the host with its start.
  const warmReady = async () => (await runtime.list({ [WARM_PAUSE_LABEL]: instanceArn })).some((c) => c.running && !c.name.startsWith('ecs-'));
  const waitWarm = async (ms: number) => {
    for (const t = Date.now(); Date.now() - t < ms; await sleep(20)) if (await warmReady()) return true;
    return false;
  };
  const warm = await waitWarm(15_000);
  const quiet = async () => {
    if (warm) await waitWarm(15_000);
  };
  const port = [{ containerPort: 8080, protocol: 'tcp' as const }];
  // A fixed host port: Wharf's dynamic host ports come from the range Docker itself hands out, where other
  // containers on a shared machine may already hold one.
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench',
      containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, stopTimeout: 1, command: ['sleep', '3600'], portMappings: [{ ...port[0], hostPort: 18080 }] }],
    }),
  );
  // The burst's tasks publish nothing (fifty of one host port cannot share a host), nor do the shell loop's.
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench-burst',
      containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, stopTimeout: 1, command: ['sleep', '3600'] }],
    }),
  );
  // The same container in awsvpc: a pause container first, the task's address, the metadata endpoint in its namespace.
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench-awsvpc',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'main', image: BUSYBOX, stopTimeout: 2, command: ['sleep', '3600'], portMappings: port }],
    }),
  );
  /** Polls until every task is RUNNING (or, with `until: 'STOPPED'`, stopped); when each got there. */
  // RUNNING reaches the API with the agent's report, and the agent logs its 'task running' line as it sends it. Until
  // then DescribeTasks cannot say RUNNING, so it is asked only every 100 ms (a failed task still shows); from then on
  // every 2 ms. Asked every few milliseconds throughout, the calls themselves took CPU from the Docker start being
  // measured, on two cores; the peer's `docker run` has no such cost.
  const waitFor = async (arns: string[], until: 'RUNNING' | 'STOPPED' = 'RUNNING') => {
    const seen = new Map<string, number>();
    let asked = 0;
    for (;;) {
      const reported = until === 'RUNNING' && arns.every((a) => timelines.has(a));
      if (until === 'RUNNING' && !reported && performance.now() - asked < 100) {
        await sleep(1);
        continue;
      }
      asked = performance.now();
      for (let i = 0; i < arns.length; i += 100) {
        const d = await ecs.send(new DescribeTasksCommand({ tasks: arns.slice(i, i + 100) }));
        for (const t of d.tasks!) {
          if (until === 'RUNNING' && t.lastStatus === 'STOPPED') throw new Error(`task ${t.taskArn} stopped: ${t.stoppedReason} ${JSON.stringify(t.containers?.map((c) => c.reason))}`);
          if (t.lastStatus === until && !seen.has(t.taskArn!)) seen.set(t.taskArn!, now());
        }
      }
      if (seen.size === arns.length) return seen;
      await sleep(until === 'RUNNING' ? 2 : 5);
    }
  };
  const stop = async (arns: string[]) => {
    await Promise.all(arns.map((task) => ecs.send(new StopTaskCommand({ task }))));
    await waitFor(arns, 'STOPPED');
  };
  const dockerRun = async (publish: string) => {
    const t0 = performance.now();
    const { stdout } = await run('docker', ['run', '-d', '--label', BENCH_LABEL, '--stop-timeout', '1', '-p', publish, BUSYBOX, 'sleep', '3600']);
    const ms = performance.now() - t0;
    await run('docker', ['rm', '-f', stdout.trim()]);
    return ms;
  };

  const bridgeMs: number[] = [];
  const awsvpcMs: number[] = [];
  const dockerMs: number[] = [];
  const peerMs: number[] = [];
  /** Per round: ms from RunTask sent to each step, then to RUNNING seen by DescribeTasks. */
  const bridgeSteps: Record<string, number>[] = [];
  const awsvpcSteps: Record<string, number>[] = [];
  const timeline = (arn: string, sent: number, answered: number, seen: number) => {
    const tl = timelines.get(arn);
    if (!tl) return undefined;
    const steps: Record<string, number> = { 'RunTask answered': answered - sent, 'agent accepted': tl.acceptedAt - sent };
    for (const [k, ms] of Object.entries(tl.steps)) if (k !== 'accepted') steps[k] = tl.acceptedAt + ms - sent;
    steps['RUNNING seen'] = seen - sent;
    return steps;
  };
  for (let i = 0; i < rounds; i++) {
    await quiet();
    const bsent = now();
    let t0 = performance.now();
    const r = await ecs.send(new RunTaskCommand({ taskDefinition: 'bench' }));
    const banswered = now();
    const arn = r.tasks![0]!.taskArn!;
    const bseen = (await waitFor([arn])).get(arn)!;
    bridgeMs.push(performance.now() - t0);
    const bsteps = timeline(arn, bsent, banswered, bseen);
    if (bsteps) bridgeSteps.push(bsteps);
    await stop([arn]);
    await quiet();
    dockerMs.push(await dockerRun('127.0.0.1:18081:8080'));

    await quiet();
    const sent = now();
    t0 = performance.now();
    const v = await ecs.send(
      new RunTaskCommand({ taskDefinition: 'bench-awsvpc', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-bench'] } } }),
    );
    const answered = now();
    const varn = v.tasks![0]!.taskArn!;
    const seen = (await waitFor([varn])).get(varn)!;
    awsvpcMs.push(performance.now() - t0);
    const steps = timeline(varn, sent, answered, seen);
    if (steps) awsvpcSteps.push(steps);
    await stop([varn]);
    await quiet();
    peerMs.push(await dockerRun(`${PEER_ADDRESS}:8080:8080`));
  }

  await quiet();
  // A burst: five RunTask calls of ten at once, against fifty `docker run -d` five at a time from a shell loop.
  let t0 = performance.now();
  const batches = await Promise.all(Array.from({ length: 5 }, () => ecs.send(new RunTaskCommand({ taskDefinition: 'bench-burst', count: 10 }))));
  const arns = batches.flatMap((b) => b.tasks!.map((t) => t.taskArn!));
  await waitFor(arns);
  const burst = (performance.now() - t0) / 1000;
  await stop(arns);
  t0 = performance.now();
  await run('sh', ['-c', `seq 50 | xargs -P 5 -I{} docker run -d --label ${BENCH_LABEL} ${BUSYBOX} sleep 3600 >/dev/null`]);
  const shell = (performance.now() - t0) / 1000;
  await run('sh', ['-c', `docker ps -aq --filter label=${BENCH_LABEL} | xargs -r docker rm -f >/dev/null`]);

  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
  const line = (label: string, xs: number[], peer: number[], peerLabel: string, goal: number) => {
    const [w, d] = [median(xs), median(peer)];
    console.log(`  ${label.padEnd(24)} ${w.toFixed(0).padStart(5)} ms (${spread(xs)})   ${peerLabel.padEnd(36)} ${d.toFixed(0).padStart(5)} ms (${spread(peer)})   ratio ${(w / d).toFixed(2)}  (goal <= ${goal}: ${w / d <= goal ? 'met' : 'NOT met'})`);
  };
  console.log(`agent: one-container task, one port, image cached, ${rounds} rounds (medians, min-max); warm pause containers: ${warm ? 'yes' : 'none'}`);
  line('bridge RunTask->RUNNING', bridgeMs, dockerMs, 'docker run -d -p 127.0.0.1:18081:8080', 1.1);
  line('awsvpc RunTask->RUNNING', awsvpcMs, peerMs, `docker run -d -p ${PEER_ADDRESS}:8080:8080`, 1.3);
  const [tps, sps] = [arns.length / burst, 50 / shell];
  console.log(`  burst of 50 (5 x count 10): ${burst.toFixed(2)} s, ${tps.toFixed(1)} tasks/s   shell loop, 5 at a time: ${shell.toFixed(2)} s, ${sps.toFixed(1)} runs/s   ratio ${(tps / sps).toFixed(2)}  (goal >= 0.8: ${tps / sps >= 0.8 ? 'met' : 'NOT met'})`);
  for (const [kind, all] of [['a bridge', bridgeSteps], ['an awsvpc', awsvpcSteps]] as const) {
    if (!all.length) continue;
    console.log(`  where ${kind} task's start goes (ms after RunTask was sent, median of ${all.length}):`);
    const keys = Object.keys(all[0]!).sort((a, b) => median(all.map((s) => s[a] ?? 0)) - median(all.map((s) => s[b] ?? 0)));
    let prev = 0;
    for (const k of keys) {
      const at = median(all.map((s) => s[k] ?? 0));
      console.log(`    ${k.padEnd(36)} ${at.toFixed(1).padStart(7)}   (+${(at - prev).toFixed(1)})`);
      prev = at;
    }
  }

  ecs.destroy();
  proc.kill('SIGTERM');
  await sleep(1500);
  for (const c of await ours()) await runtime.remove(c.id).catch(() => undefined);
}

main().catch(async (e) => {
  console.error(e);
  await leftovers().catch(() => undefined);
  process.exit(1);
});
