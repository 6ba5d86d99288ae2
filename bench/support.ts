// What the benchmarks share: reading their options, starting a Wharf process to measure, signing replayable requests,
// and the server's CPU time. Importing it also quiets the AWS SDK's Node version notice, as `wharf` does.
import '../src/cli/quietSdk.js';
import { DescribeContainerInstancesCommand, DescribeTasksCommand, ListContainerInstancesCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import autocannon from 'autocannon';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const argv = process.argv.slice(2);

/** The value after `--name` on the command line (a number when `def` is one), or `def` when the option is absent. */
export function arg(name: string, def: number): number;
export function arg(name: string, def: string): string;
export function arg(name: string, def: number | string): number | string {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return def;
  return typeof def === 'number' ? Number(argv[i + 1]) : argv[i + 1]!;
}

export interface ServerOptions {
  /** The root key the server accepts (WHARF_ACCESS_KEY_ID, WHARF_SECRET_ACCESS_KEY). */
  credentials: Credentials;
  /** The prefix of the temporary data directory's name. */
  dataDirPrefix?: string;
  /** `server` (the control plane alone) or `up` (with an embedded agent). */
  command?: 'server' | 'up';
  /** When set, the server writes a CPU profile (node --cpu-prof) to this directory. */
  cpuProfileDir?: string;
  /** More environment for the server. */
  env?: Record<string, string>;
  /** Use this data directory rather than a fresh temporary one. */
  dataDir?: string;
  /** Called with each JSON log line the server writes (its structured log on stdout). */
  onLog?: (entry: Record<string, unknown>) => void;
}

/** Spawns `wharf <command>` on a free port and a fresh data directory; resolves with its URL once it listens. */
export async function startServer(opts: ServerOptions): Promise<{ url: string; proc: ChildProcess }> {
  const { credentials, dataDirPrefix = 'wharf-bench-', command = 'server', cpuProfileDir, env = {}, onLog } = opts;
  const bin = resolve(import.meta.dirname, '../src/cli/main.js');
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), dataDirPrefix));
  const prof = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
  const proc = spawn(process.execPath, [...prof, bin, command, '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, ...env, WHARF_ACCESS_KEY_ID: credentials.accessKeyId, WHARF_SECRET_ACCESS_KEY: credentials.secretAccessKey, WHARF_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok, fail) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const m = /"url":"([^"]+)"/.exec(l);
      if (m) ok(m[1]!);
      if (onLog && l.startsWith('{')) {
        try {
          onLog(JSON.parse(l) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
    });
    proc.once('exit', (c) => fail(new Error(`server exited ${c}`)));
  });
  return { url, proc };
}

export interface SignedTarget {
  credentials: Credentials;
  /** The X-Amz-Target header, e.g. `AmazonEC2ContainerServiceV20141113.DescribeClusters`. */
  target: string;
  /** The SigV4 service name; `ecs` unless given. */
  service?: string;
}

/** A signed request that can be replayed: SigV4 has no nonce, only a 15-minute window. */
export async function presign(url: string, { credentials, target, service = 'ecs' }: SignedTarget, body: object) {
  const u = new URL(url);
  const payload = JSON.stringify(body);
  const req = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: payload,
  });
  const signed = await new SignatureV4({ service, region: 'us-east-1', credentials, sha256: Sha256 }).sign(req);
  const { host: _h, ...headers } = signed.headers;
  return { method: 'POST' as const, path: '/', headers, body: payload };
}

/**
 * The server's user + system CPU time so far, from /proc (Linux), in milliseconds; 0 where there is no /proc. With
 * `tid`, one thread's alone (a process's main thread has the pid as its tid).
 */
export function serverCpuMs(pid: number, tid?: number): number {
  try {
    const fields = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime and stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One measured run of a case. */
export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  cpuUs: number;
}

/** Each case's median requests/s, latencies and CPU per request over its rounds, and its non-2xx/errors in all. */
export function summarise(samples: Map<string, Sample[]>) {
  return [...samples].map(([name, xs]) => ({
    name,
    rps: median(xs.map((x) => x.rps)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
    cpuUs: median(xs.map((x) => x.cpuUs)),
    bad: xs.reduce((n, x) => n + x.bad, 0),
  }));
}

/** Runs one signed request from `connections` keep-alive clients for `duration` seconds (autocannon), as a Sample. */
export async function measure(url: string, pid: number, connections: number, duration: number, request: autocannon.Request): Promise<Sample> {
  const cpu0 = serverCpuMs(pid);
  const r = await autocannon({ url, connections, duration, requests: [request] });
  const cpuUs = ((serverCpuMs(pid) - cpu0) * 1000) / Math.max(1, r.requests.total);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors, cpuUs };
}

/** Waits for `wharf up`'s embedded agent to register and connect; its container instance ARN. */
export async function connectedInstance(ecs: ECSClient): Promise<string> {
  for (;;) {
    const l = await ecs.send(new ListContainerInstancesCommand({}));
    if (l.containerInstanceArns!.length) {
      const d = await ecs.send(new DescribeContainerInstancesCommand({ containerInstances: l.containerInstanceArns }));
      if (d.containerInstances![0]!.agentConnected) return d.containerInstances![0]!.containerInstanceArn!;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for a task to be RUNNING (throws if it stops first); the task as DescribeTasks then shows it. */
export async function runningTask(ecs: ECSClient, arn: string): Promise<Task> {
  for (;;) {
    const t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;
    if (t.lastStatus === 'RUNNING') return t;
    if (t.lastStatus === 'STOPPED') throw new Error(`task ${arn} stopped: ${t.stoppedReason}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
