// Starts a real Wharf process for end-to-end tests and gives them clients: the AWS SDK and the Debian `aws` CLI.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent as HttpAgent } from 'node:http';
import { createInterface } from 'node:readline';
import { ECSClient } from '@aws-sdk/client-ecs';

export const ROOT = resolve(import.meta.dirname, '../..');
export const WHARF_BIN = join(ROOT, 'dist/src/cli/main.js');
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
 * A /24 of awsvpc task addresses for one agent of a test run, picked at random so that test files running side by side
 * do not hand two tasks one address. 127.1.250.0/24 and above are left for tests that name their range.
 */
export function taskAddressPool(): string {
  return `127.1.${1 + Math.floor(Math.random() * 249)}.0/24`;
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
  } = {},
): Promise<Wharf> {
  const dataDir = opts.dataDir ?? tempDir();
  // Each Wharf of a test run gets awsvpc task addresses of its own, so test files running side by side never hand
  // two tasks one address.
  // Load balancers likewise, so two of them never both want port 80 on one address.
  const pool = taskAddressPool();
  const lbPool = `127.2.${1 + Math.floor(Math.random() * 249)}.0/24`;
  const env: Record<string, string> = { ...process.env, WHARF_LOG_LEVEL: 'info', WHARF_TASK_ADDRESS_POOL: pool, WHARF_LB_ADDRESS_POOL: lbPool, ...(opts.env ?? {}) } as Record<string, string>;
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
