// How long `wharf up` takes to answer: from the command to its first answered ListClusters, with an empty data
// directory and with one holding 10,000 stopped tasks and 1,000 task definitions; its memory (RSS) once it answers.
// Beside it, in the same run, the floor any Node program pays here: `node -e 0`.
// Run: npm run build && node dist/bench/startup.js [--rounds 5]
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { SqliteStore } from '../src/store/sqlite.js';
import { decodeValue } from '../src/store/codec.js';
import type { TaskRecord } from '../src/domain/task.js';
import { ensureBusybox, BUSYBOX } from '../test/support/images.js';
import { DockerRuntime } from '../src/agent/runtime/docker.js';
import { LABELS } from '../src/agent/protocol.js';
import { arg, connectedInstance, median, presign, serverCpuMs, startServer } from './support.js';

const run = promisify(execFile);
const rounds = arg('rounds', 5);
/** `empty`, `full` or `both`; with --data-dir, `full` starts on that (already seeded) directory instead of seeding one. */
const only = arg('only', 'both');
const seededDir = arg('data-dir', '');
/** Extra arguments to `wharf up`, space-separated (e.g. `--no-agent`: the control plane alone). */
const upArgs = arg('up-args', '').split(' ').filter(Boolean);
const creds = { accessKeyId: 'AKIAWHARFBENCH000004', secretAccessKey: 'wharf-bench-secret' };
const env = { ...process.env, WHARF_ACCESS_KEY_ID: creds.accessKeyId, WHARF_SECRET_ACCESS_KEY: creds.secretAccessKey, WHARF_LOG_LEVEL: 'info' };
/** The `wharf` to start: this build's, or another's (--bin PATH/dist/src/cli/main.js, to compare two builds in one run). */
const bin = resolve(arg('bin', resolve(import.meta.dirname, '../src/cli/main.js')));
/** Another build started alternately with this one, start by start (--compare PATH/dist/src/cli/main.js): a fair before/after on a host whose load drifts. */
const compare = arg('compare', '');
const TASKS = 10_000;
const DEFINITIONS = 1_000;

interface Start {
  /** Wall time from the command to the first answered ListClusters. */
  ms: number;
  /** Wall time from the command to its 'listening' line (the gateway's address). */
  listenMs: number;
  /** The process's CPU time (user + system) by then, every thread: what a loaded host cannot stretch. */
  cpuMs: number;
  /** Its main thread's alone (the API's; the agent's thread, GC helpers and file system threads are apart). */
  mainCpuMs: number;
  rssMiB: number;
}

/** One start of `wharf up`: ms to its first answered ListClusters, its CPU time and its RSS (MiB) then. */
async function startOnce(dataDir: string, which = bin): Promise<Start> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [which, 'up', '--port', '0', '--data-dir', dataDir, ...upArgs], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const url = await new Promise<string>((ok, fail) => {
      createInterface({ input: proc.stdout! }).on('line', (l) => {
        const m = /"url":"([^"]+)"/.exec(l);
        if (m) ok(m[1]!);
      });
      proc.once('exit', (c) => fail(new Error(`wharf up exited ${c}`)));
    });
    const listenMs = performance.now() - t0;
    const signed = await presign(url, { credentials: creds, target: 'AmazonEC2ContainerServiceV20141113.ListClusters' }, {});
    for (;;) {
      const status = await new Promise<number>((ok) => {
        const u = new URL(url);
        const req = request({ host: u.hostname, port: u.port, method: 'POST', path: '/', headers: signed.headers }, (res) => {
          res.resume();
          res.on('end', () => ok(res.statusCode ?? 0));
        });
        req.on('error', () => ok(0));
        req.end(signed.body);
      });
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = performance.now() - t0;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
    const cpuMs = serverCpuMs(proc.pid!);
    const mainCpuMs = serverCpuMs(proc.pid!, proc.pid!);
    return { ms, listenMs, cpuMs, mainCpuMs, rssMiB: rss ? Number(rss[1]) / 1024 : 0 };
  } finally {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
}

/** A data directory with DEFINITIONS task definitions (through the API) and TASKS stopped tasks (one real, cloned in the store). */
async function seeded(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-startup-'));
  await ensureBusybox(new DockerRuntime());
  const { url, proc } = await startServer({ credentials: creds, command: 'up', dataDir });
  try {
    const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
    await connectedInstance(ecs);
    for (let i = 0; i < DEFINITIONS; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          ecs.send(
            new RegisterTaskDefinitionCommand({
              family: `seed-${(i + j) % 100}`,
              containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, command: ['true'], environment: [{ name: 'N', value: String(i + j) }] }],
            }),
          ),
        ),
      );
    }
    const r = await ecs.send(new RunTaskCommand({ taskDefinition: 'seed-0' }));
    const arn = r.tasks![0]!.taskArn!;
    for (;;) {
      const d = await ecs.send(new DescribeTasksCommand({ tasks: [arn] }));
      if (d.tasks![0]!.lastStatus === 'STOPPED') break;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    // Its stopped container is kept, as ECS keeps them for a while; the bench needs only the record.
    const runtime = new DockerRuntime();
    for (const c of await runtime.list({ [LABELS.taskArn]: arn })) await runtime.remove(c.id).catch(() => undefined);
    ecs.destroy();
  } finally {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  const store = new SqliteStore(join(dataDir, 'state.db'));
  const { kvs } = await store.range('ecs/tasks/');
  const template = kvs[0]!;
  const rec = decodeValue<TaskRecord>(template.value);
  const id = rec.task.taskArn!.split('/').pop()!;
  const prefix = template.key.slice(0, template.key.length - id.length);
  for (let i = 1; i < TASKS; i += 500) {
    const ops = [];
    for (let j = i; j < Math.min(TASKS, i + 500); j++) {
      const newId = `${id.slice(0, 24)}${String(j).padStart(8, '0')}`;
      ops.push({ type: 'put' as const, key: prefix + newId, value: template.value.replaceAll(id, newId) });
    }
    await store.txn([], ops);
  }
  await store.close();
  return dataDir;
}

async function main() {
  const floor: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await run(process.execPath, ['-e', '0']);
    floor.push(performance.now() - t0);
  }
  const empty: Start[] = [];
  const full: Start[] = [];
  const other = { empty: [] as Start[], full: [] as Start[] };
  if (only !== 'full') {
    for (let i = 0; i < rounds; i++) {
      empty.push(await startOnce(mkdtempSync(join(tmpdir(), 'wharf-bench-startup-'))));
      if (compare) other.empty.push(await startOnce(mkdtempSync(join(tmpdir(), 'wharf-bench-startup-')), resolve(compare)));
    }
  }
  if (only !== 'empty') {
    const dir = seededDir || (await seeded());
    if (!seededDir) console.log(`seeded data directory: ${dir} (reuse with --data-dir)`);
    for (let i = 0; i < rounds; i++) {
      full.push(await startOnce(dir));
      if (compare) other.full.push(await startOnce(dir, resolve(compare)));
    }
  }

  const show = (label: string, xs: Start[], goal: number) => {
    if (xs.length === 0) return;
    const listen = xs.map((x) => x.listenMs);
    const ms = xs.map((x) => x.ms);
    const cpu = xs.map((x) => x.cpuMs);
    const main = xs.map((x) => x.mainCpuMs);
    const m = median(ms);
    console.log(
      `  ${label.padEnd(44)} ${m.toFixed(0).padStart(5)} ms (${Math.min(...ms).toFixed(0)}-${Math.max(...ms).toFixed(0)})   listening ${median(listen).toFixed(0)} ms   CPU ${median(cpu).toFixed(0)} ms (${Math.min(...cpu).toFixed(0)}-${Math.max(...cpu).toFixed(0)}), main thread ${median(main).toFixed(0)} ms   RSS ${median(xs.map((x) => x.rssMiB)).toFixed(0)} MiB   (goal < ${goal} ms: ${m < goal ? 'met' : 'NOT met'})`,
    );
  };
  console.log(`startup: \`wharf up\` to its first answered ListClusters, ${rounds} starts each (median, min-max)`);
  console.log(`  ${'node -e 0 (the floor, same run)'.padEnd(44)} ${median(floor).toFixed(0).padStart(5)} ms (${Math.min(...floor).toFixed(0)}-${Math.max(...floor).toFixed(0)})`);
  show('empty data directory', empty, 700);
  show(`${TASKS} stopped tasks, ${DEFINITIONS} task definitions`, full, 1500);
  if (compare) {
    console.log(`  started alternately with ${compare}:`);
    show('empty data directory', other.empty, 700);
    show(`${TASKS} stopped tasks, ${DEFINITIONS} task definitions`, other.full, 1500);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
