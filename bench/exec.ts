// ECS Exec's round trip against plain Docker, in the same run: `wharf exec TASK --command true` (a new process:
// ExecuteCommand, the signed stream, the relay to the agent, docker exec, the exit code back) against
// `docker exec CONTAINER true` on the task's own container. Rounds alternate so load on the machine hits both alike.
// Run: npm run build && node dist/bench/exec.js [--rounds 20] [--client-node PATH]
// --client-node runs `wharf exec` (and `node -e 0`) on another Node than the server's, e.g. Node 22 where the server's
// native modules were built for Node 20.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { LABELS } from '../src/agent/protocol.js';
import { DockerRuntime } from '../src/agent/runtime/docker.js';
import { BUSYBOX, ensureBusybox } from '../test/support/images.js';
import { arg, connectedInstance, median, runningTask, startServer } from './support.js';

const run = promisify(execFile);
const rounds = arg('rounds', 20);
const clientNode = arg('client-node', process.execPath);
const creds = { accessKeyId: 'AKIAWHARFBENCH000016', secretAccessKey: 'wharf-bench-secret' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The command as installed (package.json "bin").
const bin = resolve(import.meta.dirname, '../src/cli/wharf.cjs');

/**
 * CPU time in ms (user + system, from /proc on Linux; undefined elsewhere) of this process's waited-for children
 * (`children`) or of process `pid`. Wall time on a loaded machine is mostly waiting for a core; CPU time is not.
 */
function cpuMs(which: 'children' | number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${which === 'children' ? 'self' : which}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on: utime is the 14th
    const ticks = which === 'children' ? Number(f[13]) + Number(f[14]) : Number(f[11]) + Number(f[12]);
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

async function main() {
  const runtime = new DockerRuntime();
  await ensureBusybox(runtime);
  const { url, proc } = await startServer({ credentials: creds, command: 'up' });
  process.on('exit', () => proc.kill('SIGKILL')); // never leave `wharf up` behind, even when the bench fails
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
  const instanceArn = await connectedInstance(ecs);
  try {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'bench-exec',
      containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, stopTimeout: 1, command: ['sleep', '3600'] }],
    }));
    const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: 'bench-exec', enableExecuteCommand: true }))).tasks![0]!.taskArn!;
    const container = (await runningTask(ecs, arn)).containers![0]!.runtimeId!;
    const env = { ...process.env, WHARF_ACCESS_KEY_ID: creds.accessKeyId, WHARF_SECRET_ACCESS_KEY: creds.secretAccessKey };
    // Run as a command, as a person runs it (the file's launcher finds `node` on PATH: the client's Node first).
    const wharf = () => run(bin, ['exec', arn, '--command', 'true', '--endpoint-url', url], { env: { ...env, PATH: `${dirname(clientNode)}:${process.env.PATH ?? ''}` } });
    const docker = () => run('docker', ['exec', container, 'true']);
    await wharf();
    await docker();

    const wharfMs: number[] = [];
    const dockerMs: number[] = [];
    const cpu = { wharf: 0, docker: 0, server: 0 };
    for (let i = 0; i < rounds; i++) {
      let c = cpuMs('children');
      let s = cpuMs(proc.pid!);
      let t = performance.now();
      await wharf();
      wharfMs.push(performance.now() - t);
      cpu.wharf += (cpuMs('children') ?? 0) - (c ?? 0);
      cpu.server += (cpuMs(proc.pid!) ?? 0) - (s ?? 0);
      c = cpuMs('children');
      t = performance.now();
      await docker();
      dockerMs.push(performance.now() - t);
      cpu.docker += (cpuMs('children') ?? 0) - (c ?? 0);
    }
    // What a Node process costs to start, for reading the figures: wharf exec is one.
    const nodeMs: number[] = [];
    const nodeCpu0 = cpuMs('children');
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await run(clientNode, ['-e', '0']);
      nodeMs.push(performance.now() - t);
    }
    const nodeCpu = ((cpuMs('children') ?? 0) - (nodeCpu0 ?? 0)) / 5;

    const w = median(wharfMs);
    const d = median(dockerMs);
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} ms`;
    const version = (await run(clientNode, ['--version'])).stdout.trim();
    console.log(`exec: a command that does nothing, ${rounds} rounds each (medians; min-max), wharf exec on Node ${version}`);
    console.log(`  wharf exec TASK --command true   ${w.toFixed(0)} ms   (${spread(wharfMs)})`);
    console.log(`  docker exec CONTAINER true       ${d.toFixed(0)} ms   (${spread(dockerMs)})`);
    console.log(`  ratio wharf/docker               ${(w / d).toFixed(2)}   (goal <= 1.3: ${w / d <= 1.3 ? 'met' : 'NOT met'})`);
    console.log(`  node -e 0 (process start alone)  ${median(nodeMs).toFixed(0)} ms   (${spread(nodeMs)})${process.env.NODE_EXTRA_CA_CERTS ? ', NODE_EXTRA_CA_CERTS set (Node 20 reads it at every start; wharf exec to http:// leaves it out)' : ''}`);
    if (nodeCpu0 !== undefined) {
      const per = (ms: number) => `${(ms / rounds).toFixed(0)} ms`;
      console.log(`  CPU per run (means): wharf exec ${per(cpu.wharf)} + the wharf up process ${per(cpu.server)}; docker exec ${per(cpu.docker)} (dockerd not counted); node -e 0 ${nodeCpu.toFixed(0)} ms`);
    }

  } finally {
    // The task's container goes even when the bench fails (a wrong --client-node, a refused exec).
    ecs.destroy();
    proc.kill('SIGTERM');
    await sleep(1500);
    for (const c of await runtime.list({ [LABELS.instanceArn]: instanceArn })) await runtime.remove(c.id).catch(() => undefined);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
