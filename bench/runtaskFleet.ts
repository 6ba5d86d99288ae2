// RunTask end to end on etcd with several `wharf server` replicas, against one server on SQLite, in the same run
// (placement only, no containers: simulated container instances whose agent channels are spread over the replicas).
// Concurrent signed RunTask calls of count 10 go round robin to the replicas; every placed task is counted back
// through ListTasks (each acknowledged task exists exactly once). Also shown: the CPU the servers (and etcd's
// members) spent per task placed, and the store transactions the servers committed and had refused during the run
// (their /metrics), with tasks per committed transaction. etcd's own limit on this machine is a raw etcd3
// client loop of single-key transactions with the same concurrency. Goal (the fleet issue): >= 2,000 tasks/s on
// etcd, p99 under 100 ms.
// Run: npm run build && node dist/bench/runtaskFleet.js [--replicas 3] [--members 3] [--instances 60] [--tasks 6000]
//      [--concurrency 16] [--etcd etcd]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CreateClusterCommand, ECSClient, ListTasksCommand, RegisterContainerInstanceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Etcd3 } from 'etcd3';
import WebSocket from 'ws';
import { arg } from './support.js';
import { startEtcd } from './etcd.js';

const replicaCount = arg('replicas', 3);
const memberCount = arg('members', 3);
const instances = arg('instances', 60);
const totalTasks = arg('tasks', 6000);
const concurrency = arg('concurrency', 16);
const etcdBin = arg('etcd', 'etcd');
const creds = { accessKeyId: 'AKIAWHARFBENCH000017', secretAccessKey: randomBytes(20).toString('hex') };
const sealingKey = randomBytes(32).toString('base64');
const signer = new SignatureV4({ service: 'ecs', region: 'us-east-1', credentials: creds, sha256: Sha256 });
const children = new Set<ChildProcess>();
let shownErrors = 0;
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));


async function startReplica(store: string | undefined): Promise<{ url: string; proc: ChildProcess }> {
  const bin = resolve(import.meta.dirname, '../src/cli/main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-fleet-'));
  const proc = spawn(process.execPath, [bin, 'server', '--port', '0', '--data-dir', dataDir, '--dns-address', '127.0.0.1:0', ...(store ? ['--store', store] : [])], {
    env: {
      ...process.env, WHARF_ACCESS_KEY_ID: creds.accessKeyId, WHARF_SECRET_ACCESS_KEY: creds.secretAccessKey, WHARF_SEALING_KEY: sealingKey,
      WHARF_LEADER_LEASE_SECONDS: '5', WHARF_LB_WORKERS: '0', WHARF_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.add(proc);
  const url = await new Promise<string>((ok, fail) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      // Errors the server logs are shown (the first few), so a failed call has its cause beside it.
      if (/"level":(50|60)/.test(l) && shownErrors++ < 3) console.log(`  server error: ${l.slice(0, 600)}`);
      const m = /"msg":"wharf is listening".*"url":"([^"]+)"|"url":"([^"]+)".*"msg":"wharf is listening"/.exec(l);
      if (m) ok((m[1] ?? m[2])!);
    });
    proc.once('exit', (c) => fail(new Error(`wharf server exited ${c}`)));
  });
  return { url, proc };
}

/** Registers the simulated instances through the first replica and opens each one's channel on replica i mod n. */
async function prepare(urls: string[]): Promise<WebSocket[]> {
  const ecs = new ECSClient({ endpoint: urls[0], region: 'us-east-1', credentials: creds });
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'bench', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 32, cpu: 8 }] }));
  const sockets: WebSocket[] = [];
  for (let i = 0; i < instances; i++) {
    const out = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'bench',
        instanceIdentityDocument: JSON.stringify({ availabilityZone: `us-east-1${'abc'[i % 3]}`, instanceType: 'm5.24xlarge' }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 98304 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 393216 },
        ],
      }),
    );
    const u = new URL(urls[i % urls.length]!);
    const req = new HttpRequest({
      method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/_wharf/acs',
      query: { clusterArn: 'bench', containerInstanceArn: out.containerInstance!.containerInstanceArn! }, headers: { host: u.host },
    });
    const signed = await signer.presign(req, { expiresIn: 900 });
    const ws = new WebSocket(`ws://${u.host}/_wharf/acs?${new URLSearchParams(signed.query as Record<string, string>)}`);
    ws.on('message', () => undefined);
    await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
    sockets.push(ws);
  }
  ecs.destroy();
  // Every replica's cache holds every instance connected before the calls start.
  await new Promise((ok) => setTimeout(ok, 1000));
  return sockets;
}

/** CPU seconds a process has used (user + system), from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The store transactions a server committed and had refused so far, from its /metrics (signed with the root key). */
async function storeCommits(url: string): Promise<{ committed: number; refused: number }> {
  const u = new URL(url);
  const metricsSigner = new SignatureV4({ service: 'wharf', region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await metricsSigner.sign(new HttpRequest({ method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/metrics', headers: { host: u.host } }));
  const text = await (await fetch(`${url}/metrics`, { headers: signed.headers })).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { committed: gauge('wharf_store_transactions_committed'), refused: gauge('wharf_store_transactions_refused') };
}

interface RunResult {
  placed: number; stored: number; seconds: number; p50: number; p99: number; failed: number; firstError: string;
  cpuServers: number; cpuEtcd: number; committed: number; refused: number; load: number;
}

async function measured(urls: string[], servers: ChildProcess[], etcd: ChildProcess[]): Promise<RunResult> {
  const commits = async () => (await Promise.all(urls.map(storeCommits))).reduce((a, b) => ({ committed: a.committed + b.committed, refused: a.refused + b.refused }));
  const cpu = (procs: ChildProcess[]) => procs.reduce((n, p) => n + cpuSeconds(p.pid), 0);
  const [c0, s0, e0] = [await commits(), cpu(servers), cpu(etcd)];
  const r = await run(urls);
  const [s1, e1] = [cpu(servers), cpu(etcd)];
  const c1 = await commits();
  return { ...r, cpuServers: s1 - s0, cpuEtcd: e1 - e0, committed: c1.committed - c0.committed, refused: c1.refused - c0.refused, load: loadavg()[0]! };
}

async function run(urls: string[]): Promise<{ placed: number; stored: number; seconds: number; p50: number; p99: number; failed: number; firstError: string }> {
  const body = JSON.stringify({ cluster: 'bench', taskDefinition: 'bench', count: 10, placementStrategy: [{ type: 'binpack', field: 'memory' }] });
  const agents = urls.map(() => new http.Agent({ keepAlive: true, maxSockets: concurrency }));
  const runTask = async (i: number): Promise<{ ms: number; placed: number }> => {
    const u = new URL(urls[i % urls.length]!);
    const req = new HttpRequest({
      method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/',
      headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.RunTask' },
      body,
    });
    const signed = await signer.sign(req);
    const t0 = performance.now();
    return new Promise((ok, fail) => {
      const r = http.request({ host: u.hostname, port: u.port, method: 'POST', path: '/', headers: signed.headers, agent: agents[i % urls.length] }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => (res.statusCode !== 200 ? fail(new Error(text)) : ok({ ms: performance.now() - t0, placed: (JSON.parse(text) as { tasks: unknown[] }).tasks.length })));
      });
      r.on('error', fail);
      r.end(body);
    });
  };
  const calls = Math.ceil(totalTasks / 10);
  const latencies: number[] = [];
  let placed = 0;
  let failed = 0;
  let firstError = '';
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const i = next++;
        try {
          const r = await runTask(i);
          latencies.push(r.ms);
          placed += r.placed;
        } catch (e) {
          failed++;
          firstError ||= (e as Error).message.slice(0, 200);
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agents.forEach((a) => a.destroy());
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  // Counted back through the last replica: every acknowledged task exists once.
  const ecs = new ECSClient({ endpoint: urls.at(-1), region: 'us-east-1', credentials: creds });
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await ecs.send(new ListTasksCommand({ cluster: 'bench', maxResults: 100, nextToken: token }));
    page.taskArns!.forEach((a) => seen.add(a));
    token = page.nextToken;
  } while (token);
  ecs.destroy();
  return { placed, stored: seen.size, seconds, p50: pct(50), p99: pct(99), failed, firstError };
}

async function rawEtcd(endpoints: string[], seconds = 5): Promise<number> {
  const client = new Etcd3({ hosts: endpoints.map((e) => `http://${e}`) });
  const until = Date.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      while (Date.now() < until) {
        await client.if(`raw/${c}/${n % 100}`, 'Mod', '>', -1).then(client.put(`raw/${c}/${n % 100}`).value('x'.repeat(512))).commit();
        n++;
      }
    }),
  );
  client.close();
  return n / seconds;
}

const stopAll = (procs: ChildProcess[]) =>
  Promise.all(procs.map((p) => new Promise<void>((ok) => (p.exitCode !== null || p.signalCode !== null ? ok() : (p.once('exit', () => ok()), p.kill('SIGTERM'))))));

async function main() {
  const show = (name: string, r: RunResult) => {
    const rate = r.placed / r.seconds;
    console.log(`  ${name.padEnd(26)} ${rate.toFixed(0).padStart(6)} tasks/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  placed ${r.placed}  stored ${r.stored}  failed calls ${r.failed}${r.firstError ? ` (first: ${r.firstError})` : ''}`);
    const etcdCpu = r.cpuEtcd > 0 ? `, etcd ${((r.cpuEtcd * 1000) / r.placed).toFixed(2)} ms` : '';
    console.log(`  ${''.padEnd(26)} CPU per task: servers ${((r.cpuServers * 1000) / r.placed).toFixed(2)} ms${etcdCpu}; transactions committed ${r.committed}, refused ${r.refused}, ${(r.placed / Math.max(1, r.committed)).toFixed(1)} tasks per transaction; load average ${r.load.toFixed(2)}`);
    return rate;
  };
  console.log(`RunTask end to end, ${instances} simulated instances, count 10 per call, ${concurrency} concurrent clients, ${totalTasks} tasks`);

  const sqlite = await startReplica(undefined);
  let sockets = await prepare([sqlite.url]);
  const one = show('SQLite, one server', await measured([sqlite.url], [sqlite.proc], []));
  sockets.forEach((s) => s.terminate());
  await stopAll([sqlite.proc]);

  const before = new Set(children);
  const etcd = await startEtcd(etcdBin, memberCount, children);
  const members = [...children].filter((c) => !before.has(c));
  const store = `etcd://${etcd.endpoints.join(',')}/bench-${randomBytes(3).toString('hex')}`;
  const replicas = await Promise.all(Array.from({ length: replicaCount }, () => startReplica(store)));
  sockets = await prepare(replicas.map((r) => r.url));
  const fleet = show(`etcd (${memberCount} members), ${replicaCount} replicas`, await measured(replicas.map((r) => r.url), replicas.map((r) => r.proc), members));
  sockets.forEach((s) => s.terminate());
  await stopAll(replicas.map((r) => r.proc));
  const raw = await rawEtcd(etcd.endpoints);
  console.log(`  etcd's own limit: ${raw.toFixed(0)} txn/s (raw etcd3 client, one put per txn, ${concurrency} concurrent)`);
  console.log(`  ratio etcd fleet / SQLite: ${(fleet / one).toFixed(2)}x; goal >= 2,000 tasks/s on etcd: ${fleet >= 2000 ? 'met' : 'NOT met'}`);
  await etcd.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
