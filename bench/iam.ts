// Authorization cost: signed DescribeClusters with the root key (no policy evaluation) beside the same request signed
// by an IAM user's key whose policies hold 20 statements (the Allow that matches is the last one, so every statement
// is looked at), one server process, 64 keep-alive clients (autocannon), interleaved rounds, medians. Prints
// requests/s, p50/p99 latency, the server's CPU time per request, and the user's throughput as a share of root's.
// Run: npm run bench:iam [-- --duration 5 --rounds 3 --connections 64]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import autocannon from 'autocannon';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateAccessKeyCommand, CreatePolicyCommand, AttachUserPolicyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';

const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const duration = arg('duration', 5);
const connections = arg('connections', 64);
const root = { accessKeyId: 'AKIAWHARFBENCH000001', secretAccessKey: 'wharf-bench-secret' };

async function startServer() {
  const bin = resolve(import.meta.dirname, '../src/cli/main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-iam-'));
  // BENCH_CPU_PROF=DIR writes a CPU profile of the server to DIR.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const proc = spawn(process.execPath, [...prof, bin, 'server', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, WHARF_ACCESS_KEY_ID: root.accessKeyId, WHARF_SECRET_ACCESS_KEY: root.secretAccessKey, WHARF_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok, fail) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const m = /"url":"([^"]+)"/.exec(l);
      if (m) ok(m[1]!);
    });
    proc.once('exit', (c) => fail(new Error(`server exited ${c}`)));
  });
  return { url, proc };
}

/** A signed request that can be replayed: SigV4 has no nonce, only a 15-minute window. */
async function presign(url: string, credentials: { accessKeyId: string; secretAccessKey: string }, target: string, body: object) {
  const u = new URL(url);
  const payload = JSON.stringify(body);
  const req = new HttpRequest({
    method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/',
    headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: payload,
  });
  const signed = await new SignatureV4({ service: 'ecs', region: 'us-east-1', credentials, sha256: Sha256 }).sign(req);
  const { host: _h, ...headers } = signed.headers;
  return { method: 'POST' as const, path: '/', headers, body: payload };
}

/** 20 statements: 19 that do not match DescribeClusters (wildcards, resources, conditions), then the Allow. */
function policies(): string[] {
  const st = (i: number) => {
    const kinds = [
      { Effect: 'Allow', Action: [`ecr:Get${i}*`, `logs:Put${i}?`], Resource: '*' },
      { Effect: 'Deny', Action: 'ecs:Delete*', Resource: `arn:aws:ecs:*:*:cluster/prod-${i}` },
      { Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': `eu-west-${i}` } } },
      { Effect: 'Allow', NotAction: ['ecs:*', 'iam:*', 'sts:*', 'secretsmanager:*'], Resource: '*' },
    ];
    return kinds[i % kinds.length];
  };
  const statements = Array.from({ length: 19 }, (_, i) => st(i));
  statements.push({ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' } as never);
  // Split over an inline policy and a managed one, as a real user's would be.
  return [statements.slice(0, 10), statements.slice(10)].map((s) => JSON.stringify({ Version: '2012-10-17', Statement: s }));
}

async function main() {
  const { url, proc } = await startServer();
  const client = { endpoint: url, region: 'us-east-1', credentials: root };
  const ecs = new ECSClient(client);
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench', tags: [{ key: 'k', value: 'v' }] }));
  ecs.destroy();
  const iam = new IAMClient(client);
  const [inline, managed] = policies();
  await iam.send(new CreateUserCommand({ UserName: 'bench' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'bench', PolicyName: 'inline', PolicyDocument: inline }));
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'bench', PolicyDocument: managed }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'bench', PolicyArn: Policy!.Arn }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'bench' }));
  iam.destroy();
  const user = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };

  const target = 'AmazonEC2ContainerServiceV20141113.DescribeClusters';
  const body = { clusters: ['bench', 'default'], include: ['TAGS', 'SETTINGS'] };
  const all = [
    { name: 'DescribeClusters (root key)', request: await presign(url, root, target, body) },
    { name: 'DescribeClusters (user, 20 statements)', request: await presign(url, user, target, body) },
  ];
  // BENCH_ONLY=root|user measures one case (e.g. for a profile).
  const only = process.env.BENCH_ONLY;
  const cases = only ? all.filter((c) => c.name.includes(only === 'user' ? 'user' : 'root')) : all;
  const rounds = arg('rounds', 3);
  console.log(`iam: signed DescribeClusters, ${connections} keep-alive clients, ${rounds} interleaved rounds of ${duration}s per case, medians`);
  for (const c of cases) await autocannon({ url, connections, duration: 2, requests: [c.request] }); // warm up
  const samples = new Map(cases.map((c) => [c.name, [] as { rps: number; p50: number; p99: number; bad: number; cpuUs: number }[]]));
  for (let round = 0; round < rounds; round++) {
    for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
      const cpu0 = serverCpuMs(proc.pid!);
      const r = await autocannon({ url, connections, duration, requests: [c.request] });
      const cpuUs = ((serverCpuMs(proc.pid!) - cpu0) * 1000) / Math.max(1, r.requests.total);
      samples.get(c.name)!.push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors, cpuUs });
    }
  }
  proc.kill('SIGTERM');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const results = [...samples].map(([name, xs]) => ({
    name,
    rps: median(xs.map((x) => x.rps)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
    cpuUs: median(xs.map((x) => x.cpuUs)),
    bad: xs.reduce((n, x) => n + x.bad, 0),
  }));
  const base = results[0]!.rps;
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(40)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  server CPU ${r.cpuUs.toFixed(0)} µs/req  non-2xx/errors ${r.bad}  ${((r.rps / base) * 100).toFixed(1)}% of root`,
    );
  }
  if (results.length < 2) return;
  const ratio = results[1]!.rps / base;
  console.log(`  goal         user key at least 0.9x the root key: ${ratio >= 0.9 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
}

/** The server's user + system CPU time so far, from /proc (Linux), in milliseconds. */
function serverCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
