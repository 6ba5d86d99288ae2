// Starts a real Wharf process for end-to-end tests and gives them clients: the AWS SDK and the Debian `aws` CLI.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent as HttpAgent } from 'node:http';
import { createInterface } from 'node:readline';
import { ECSClient } from '@aws-sdk/client-ecs';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The command as installed (package.json "bin"); dist/src/cli/main.js is the same as an ES module. */
export const WHARF_BIN = join(ROOT, 'dist/src/cli/wharf.cjs');
/** Debian's awscli package; a different `aws` may come first on PATH. */
export const AWS_CLI = '/usr/bin/aws';

export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIAWHARFTESTKEY0001',
  secretAccessKey: 'wharf-test-secret-key-0000000000000000000',
};

/** The environment for running `wharf` commands (agent, logs) with the test credentials. */
export const WHARF_ENV = { ...process.env, WHARF_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, WHARF_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey };

export interface Wharf {
  url: string;
  dataDir: string;
  proc: ChildProcess;
  /** The bridge tasks' dynamic host ports this Wharf was given (WHARF_DYNAMIC_HOST_PORT_RANGE), lowest and highest. */
  dynamicPorts: [number, number];
  /** Everything the process wrote to stdout so far. */
  output: string[];
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  ecs(region?: string): ECSClient;
  /** Runs `aws ARGS --endpoint-url URL --output json`; resolves with parsed stdout, or rejects with stderr. */
  aws(...args: string[]): Promise<any>;
  awsRaw(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Ranges a Wharf or agent of this test run has to itself: Vitest's worker id (1 to maxWorkers, distinct among the
 * files running at once) picks a band, and a counter moves through it, so test files running side by side never
 * hand two tasks one address, two load balancers one port 80, or two bridge tasks one dynamic host port.
 * 127.1.250.0/24 and 127.2.250.0/24 and above are left for tests that name their range.
 */
const worker = Math.max(0, Number(process.env.VITEST_POOL_ID ?? 1) - 1) % 3;
let handedOut = Math.floor(Math.random() * 40);
function nextSlot(): number {
  return worker * 40 + (handedOut++ % 40);
}

/** A /24 of awsvpc task addresses (127.1.1.0/24 to 127.1.120.0/24). */
export function taskAddressPool(): string {
  return `127.1.${1 + nextSlot()}.0/24`;
}

/**
 * Load balancer addresses, a task address /24, and 96 dynamic host ports, for one Wharf. The ports (20000-31615) lie
 * below Linux's ephemeral range (32768-60999): a client socket of any test holding 127.0.0.1:PORT as its local
 * address would make a bridge task's bind of that port fail.
 */
function wharfRanges(): Record<string, string> {
  const slot = nextSlot();
  const lo = 20000 + slot * 96;
  return {
    WHARF_TASK_ADDRESS_POOL: `127.1.${1 + slot}.0/24`,
    WHARF_LB_ADDRESS_POOL: `127.2.${1 + slot}.0/24`,
    WHARF_DYNAMIC_HOST_PORT_RANGE: `${lo}-${lo + 95}`,
  };
}

/** The Wharf processes of this test file that have not exited: a failed test prints their logs' tail (setup.ts). */
export const runningWharfs = new Set<Wharf>();

export function tempDir(prefix = 'wharf-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startWharf(
  opts: {
    dataDir?: string;
    mode?: 'up' | 'server';
    env?: Record<string, string>;
    credentials?: boolean;
    port?: number;
    args?: string[];
    /** Another Node.js and the wharf it runs (the Node 22 test); this process's Node and WHARF_BIN by default. */
    runtime?: { node: string; bin: string };
    /** Sees every line of standard output as it comes, before the server listens too. */
    onLine?: (line: string) => void;
  } = {},
): Promise<Wharf> {
  const dataDir = opts.dataDir ?? tempDir();
  // Each Wharf takes ranges of its own (wharfRanges), so test files running side by side never clash.
  const env: Record<string, string> = { ...process.env, WHARF_LOG_LEVEL: 'info', ...wharfRanges(), ...(opts.env ?? {}) } as Record<string, string>;
  if (opts.credentials !== false) {
    env.WHARF_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    env.WHARF_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  }
  const proc = spawn(opts.runtime?.node ?? process.execPath, [opts.runtime?.bin ?? WHARF_BIN, opts.mode ?? 'server', '--port', String(opts.port ?? 0), '--data-dir', dataDir, ...(opts.args ?? [])], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      opts.onLine?.(line);
      if (!line.startsWith('{')) return;
      try {
        const rec = JSON.parse(line) as { msg?: string; url?: string };
        if (rec.msg === 'wharf is listening' && rec.url) resolveUrl(rec.url);
      } catch {
        // not a log line
      }
    });
    proc.once('exit', (code) => reject(new Error(`wharf exited with ${code} before listening: ${stderr}`)));
  });

  const creds = opts.credentials === false ? undefined : TEST_CREDENTIALS;
  const awsRaw = (args: string[], extraEnv: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        AWS_CLI,
        [...args, '--endpoint-url', url, '--output', 'json'],
        {
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: dataDir,
            AWS_ACCESS_KEY_ID: creds?.accessKeyId ?? '',
            AWS_SECRET_ACCESS_KEY: creds?.secretAccessKey ?? '',
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_PAGER: '',
            ...extraEnv,
          },
        },
        (err, stdout, stderrOut) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr: stderrOut }),
      );
    });

  const wharf: Wharf = {
    url,
    dataDir,
    proc,
    dynamicPorts: (env.WHARF_DYNAMIC_HOST_PORT_RANGE ?? '49153-65535').split('-').map(Number) as [number, number],
    output,
    stderr: () => stderr,
    ecs: (region = 'us-east-1') =>
      new ECSClient({
        endpoint: url,
        region,
        credentials: creds ?? { accessKeyId: 'x', secretAccessKey: 'y' },
        maxAttempts: 1,
        // Idle keep-alive sockets are closed by the client well before the gateway's 65 s: with one attempt, a call
        // that met the server's close of a socket idle for about 65 s would fail (tests that poll for a minute).
        requestHandler: { httpAgent: new HttpAgent({ keepAlive: true, timeout: 30_000 }) },
      }),
    awsRaw,
    async aws(...args: string[]) {
      const r = await awsRaw(args);
      if (r.code !== 0) throw new Error(r.stderr.trim());
      return r.stdout.trim() ? JSON.parse(r.stdout) : {};
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
      return new Promise((done) => {
        proc.once('exit', (code) => done(code));
        proc.kill(signal);
      });
    },
  };
  runningWharfs.add(wharf);
  proc.once('exit', () => runningWharfs.delete(wharf));
  return wharf;
}

/** Polls `probe` until `ok` holds (for hooks, where expect.poll is not available). */
export async function waitUntil<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The container instances of `cluster` whose agent holds its channel now (for tests that start `wharf agent`s). */
export async function connectedInstances(ecs: import('@aws-sdk/client-ecs').ECSClient, cluster: string): Promise<import('@aws-sdk/client-ecs').ContainerInstance[]> {
  const { DescribeContainerInstancesCommand, ListContainerInstancesCommand } = await import('@aws-sdk/client-ecs');
  const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns!;
  if (arns.length === 0) return [];
  return (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }))).containerInstances!.filter((c) => c.agentConnected);
}

/**
 * A `wharf agent` joining `cluster` from this machine as a host of its own: a state directory and a task address pool
 * of its own, so its awsvpc tasks get addresses no other host in the test hands out. `args` adds its attributes,
 * zone and the like.
 */
export function joinAgent(wharf: Pick<Wharf, 'url'>, cluster: string, args: string[] = []): ChildProcess {
  return spawn(
    process.execPath,
    [WHARF_BIN, 'agent', '--endpoint', wharf.url, '--cluster', cluster, '--state-dir', tempDir(), '--task-address-pool', taskAddressPool(), ...args],
    { env: WHARF_ENV, stdio: 'ignore' },
  );
}

/** The one container instance of `default` under `wharf up`, once its agent holds the channel. */
export async function embeddedInstance(ecs: import('@aws-sdk/client-ecs').ECSClient): Promise<string> {
  const { DescribeContainerInstancesCommand, ListContainerInstancesCommand } = await import('@aws-sdk/client-ecs');
  return waitUntil(
    async () => {
      const l = await ecs.send(new ListContainerInstancesCommand({}));
      if (!l.containerInstanceArns!.length) return '';
      const d = await ecs.send(new DescribeContainerInstancesCommand({ containerInstances: l.containerInstanceArns }));
      return d.containerInstances![0]!.agentConnected ? d.containerInstances![0]!.containerInstanceArn! : '';
    },
    (arn) => arn !== '',
  );
}
