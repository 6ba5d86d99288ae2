// The agent's path against plain Docker, in the same run: RunTask to RUNNING for a one-container task (image cached)
// through `wharf up` and its embedded agent, against `docker run -d` of the same image; then 50 tasks at once.
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
import { ensureBusybox, BUSYBOX } from '../test/support/images.js';
import { connectedInstance, median, startServer } from './support.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 10);
const creds = { accessKeyId: 'AKIAWHARFBENCH000003', secretAccessKey: 'wharf-bench-secret' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const runtime = new DockerRuntime();
  await ensureBusybox(runtime);
  const { url, proc } = await startServer({ credentials: creds, command: 'up' });
  process.on('exit', () => proc.kill('SIGKILL')); // never leave `wharf up` behind, even when the bench fails
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
  const instanceArn = await connectedInstance(ecs);
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench',
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
      containerDefinitions: [{ name: 'main', image: BUSYBOX, stopTimeout: 2, command: ['sleep', '3600'] }],
    }),
  );
  const waitRunning = async (arns: string[]) => {
    for (;;) {
      const pending: string[] = [];
      for (let i = 0; i < arns.length; i += 100) {
        const d = await ecs.send(new DescribeTasksCommand({ tasks: arns.slice(i, i + 100) }));
        for (const t of d.tasks!) {
          if (t.lastStatus === 'STOPPED') throw new Error(`task ${t.taskArn} stopped: ${t.stoppedReason} ${JSON.stringify(t.containers?.map((c) => c.reason))}`);
          if (t.lastStatus !== 'RUNNING') pending.push(t.taskArn!);
        }
      }
      if (pending.length === 0) return;
      await sleep(5);
    }
  };
  const stopAll = async (arns: string[]) => {
    await Promise.all(arns.map((task) => ecs.send(new StopTaskCommand({ task }))));
  };

  const wharfMs: number[] = [];
  const awsvpcMs: number[] = [];
  const dockerMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    const r = await ecs.send(new RunTaskCommand({ taskDefinition: 'bench' }));
    await waitRunning([r.tasks![0]!.taskArn!]);
    wharfMs.push(performance.now() - t0);
    await stopAll([r.tasks![0]!.taskArn!]);

    t0 = performance.now();
    const { stdout } = await run('docker', ['run', '-d', '--label', 'wharf.bench=1', BUSYBOX, 'sleep', '3600']);
    dockerMs.push(performance.now() - t0);
    await run('docker', ['rm', '-f', stdout.trim()]);
  }

  // awsvpc after the bridge rounds, so that its stops (pause containers included) do not overlap them.
  for (let i = 0; i < rounds; i++) {
    const t1 = performance.now();
    const v = await ecs.send(
      new RunTaskCommand({ taskDefinition: 'bench-awsvpc', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-bench'] } } }),
    );
    await waitRunning([v.tasks![0]!.taskArn!]);
    awsvpcMs.push(performance.now() - t1);
    await stopAll([v.tasks![0]!.taskArn!]);
  }

  const t0 = performance.now();
  const batches = await Promise.all(Array.from({ length: 5 }, () => ecs.send(new RunTaskCommand({ taskDefinition: 'bench', count: 10 }))));
  const arns = batches.flatMap((b) => b.tasks!.map((t) => t.taskArn!));
  await waitRunning(arns);
  const burst = (performance.now() - t0) / 1000;
  await stopAll(arns);

  const w = median(wharfMs);
  const d = median(dockerMs);
  console.log(`agent: one-container task, image cached, ${rounds} rounds (medians)`);
  console.log(`  wharf RunTask -> RUNNING   ${w.toFixed(0)} ms`);
  console.log(`  docker run -d              ${d.toFixed(0)} ms`);
  console.log(`  ratio wharf/docker         ${(w / d).toFixed(2)}   (goal <= 1.3: ${w / d <= 1.3 ? 'met' : 'NOT met'})`);
  const a = median(awsvpcMs);
  console.log(`  awsvpc (FARGATE) task      ${a.toFixed(0)} ms   (${(a / d).toFixed(2)}x docker run -d; adds the pause container and the metadata endpoint)`);
  console.log(`  50 tasks at once: all RUNNING in ${burst.toFixed(2)} s (${(arns.length / burst).toFixed(1)} tasks/s)`);

  ecs.destroy();
  proc.kill('SIGTERM');
  await sleep(1500);
  for (const c of await runtime.list({ [LABELS.instanceArn]: instanceArn })) await runtime.remove(c.id).catch(() => undefined);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
