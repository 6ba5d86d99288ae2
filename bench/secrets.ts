// Secrets benchmark: signed GetSecretValue and GetParameter (WithDecryption, a SecureString) beside signed
// DescribeClusters, one server process, 64 concurrent keep-alive clients (autocannon), each measured alone in the
// same run. Prints requests/s, p50/p99 latency and the server's CPU time per request, and each read's throughput as
// a share of DescribeClusters'.
// Run: npm run bench:secrets [-- --duration 5 --rounds 3 --connections 64]
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
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const duration = arg('duration', 5);
const connections = arg('connections', 64);
const creds = { accessKeyId: 'AKIAWHARFBENCH000001', secretAccessKey: 'wharf-bench-secret' };

async function startServer() {
  const bin = resolve(import.meta.dirname, '../src/cli/main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-secrets-'));
  // BENCH_CPU_PROF=DIR writes a CPU profile of the server to DIR.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const proc = spawn(process.execPath, [...prof, bin, 'server', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, WHARF_ACCESS_KEY_ID: creds.accessKeyId, WHARF_SECRET_ACCESS_KEY: creds.secretAccessKey, WHARF_LOG_LEVEL: 'info' },
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
async function presign(url: string, service: string, target: string, body: object) {
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
  const signed = await new SignatureV4({ service, region: 'us-east-1', credentials: creds, sha256: Sha256 }).sign(req);
  const { host: _h, ...headers } = signed.headers;
  return { method: 'POST' as const, path: '/', headers, body: payload };
}

async function main() {
  const { url, proc } = await startServer();
  const client = { endpoint: url, region: 'us-east-1', credentials: creds };
  const ecs = new ECSClient(client);
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench', tags: [{ key: 'k', value: 'v' }] }));
  ecs.destroy();
  const sm = new SecretsManagerClient(client);
  await sm.send(new CreateSecretCommand({ Name: 'bench/db', SecretString: JSON.stringify({ username: 'app', password: 'x'.repeat(32) }) }));
  sm.destroy();
  const ssm = new SSMClient(client);
  await ssm.send(new PutParameterCommand({ Name: '/bench/db/password', Value: 'y'.repeat(32), Type: 'SecureString' }));
  ssm.destroy();

  const cases = [
    { name: 'DescribeClusters', request: await presign(url, 'ecs', 'AmazonEC2ContainerServiceV20141113.DescribeClusters', { clusters: ['bench', 'default'], include: ['TAGS', 'SETTINGS'] }) },
    { name: 'GetSecretValue', request: await presign(url, 'secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: 'bench/db' }) },
    { name: 'GetParameter (WithDecryption)', request: await presign(url, 'ssm', 'AmazonSSM.GetParameter', { Name: '/bench/db/password', WithDecryption: true }) },
  ];
  // Rounds interleave the cases (A B C, B C A, C A B, ...) so a neighbour's load on a shared machine falls on all of them
  // alike; each case reports its median round.
  const rounds = arg('rounds', 3);
  console.log(`secrets: signed reads, ${connections} keep-alive clients, ${rounds} interleaved rounds of ${duration}s per case, medians`);
  const only = process.env.BENCH_ONLY;
  const picked = cases.filter((c) => !only || c.name.startsWith(only));
  for (const c of picked) await autocannon({ url, connections, duration: 2, requests: [c.request] }); // warm up
  const samples = new Map(picked.map((c) => [c.name, [] as { rps: number; p50: number; p99: number; bad: number; cpuUs: number }[]]));
  for (let round = 0; round < rounds; round++) {
    // Each round starts with another case, so no case always follows the same one.
    for (const c of [...picked.slice(round % picked.length), ...picked.slice(0, round % picked.length)]) {
      const cpu0 = serverCpuMs(proc.pid!);
      const r = await autocannon({ url, connections, duration, requests: [c.request] });
      const cpuUs = ((serverCpuMs(proc.pid!) - cpu0) * 1000) / Math.max(1, r.requests.total);
      samples.get(c.name)!.push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors, cpuUs });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const results = [...samples].map(([name, xs]) => ({
    name,
    rps: median(xs.map((x) => x.rps)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
    cpuUs: median(xs.map((x) => x.cpuUs)),
    bad: xs.reduce((n, x) => n + x.bad, 0),
  }));
  proc.kill('SIGTERM');
  const base = results[0]!.rps;
  for (const r of results) {
    const share = ((r.rps / base) * 100).toFixed(1);
    console.log(
      `  ${r.name.padEnd(30)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  server CPU ${r.cpuUs.toFixed(0)} µs/req  non-2xx/errors ${r.bad}  ${share}% of DescribeClusters`,
    );
  }
  if (results.length < 3) return;
  const worst = Math.min(...results.slice(1).map((r) => r.rps / base));
  console.log(`  goal         secrets reads within 10% of DescribeClusters: ${worst >= 0.9 ? 'met' : 'NOT met'} (worst ${(worst * 100).toFixed(1)}%)`);
}

/** The server's user + system CPU time so far, from /proc (Linux), in milliseconds. */
function serverCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime and stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
