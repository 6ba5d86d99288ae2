// Replicas on etcd: how long the controllers stop when the leader dies, and what the API serves on etcd against
// SQLite, measured in the same run.
//   Failover: three etcd members on loopback, three `wharf server` replicas (--leader-lease-seconds, default 3);
//   the leader is killed with SIGKILL; measured from the kill to the new leader's "controllers started" (its log
//   line's time) and to the first successful write (CreateCluster) through a surviving replica.
//   Throughput: signed DescribeClusters (a read, autocannon) and RegisterTaskDefinition (a write: a new revision each
//   time, SDK clients) against one replica on etcd, and against one server on SQLite; etcd's own limit on this machine is
//   a raw etcd3 client loop of puts with the same concurrency.
// Usage: node dist/bench/failover.js [--rounds 3] [--lease 3] [--duration 5] [--connections 10] [--etcd etcd]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { Etcd3 } from 'etcd3';
import { arg, measure, median, presign, type Credentials } from './support.js';
import { startEtcd } from './etcd.js';

const rounds = arg('rounds', 3);
const lease = arg('lease', 3);
const duration = arg('duration', 5);
const connections = arg('connections', 10);
const etcdBin = arg('etcd', 'etcd');
const credentials: Credentials = { accessKeyId: 'AKIDBENCHFAILOVER01', secretAccessKey: randomBytes(20).toString('hex') };
const sealingKey = randomBytes(32).toString('base64');
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));


interface Replica {
  url: string;
  proc: ChildProcess;
  /** Each JSON log line, as it arrives. */
  lines: { time: number; msg: string }[];
}

async function startReplica(store: string | undefined): Promise<Replica> {
  const bin = resolve(import.meta.dirname, '../src/cli/main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-failover-'));
  const proc = spawn(process.execPath, [bin, 'server', '--port', '0', '--data-dir', dataDir, '--dns-address', '127.0.0.1:0', ...(store ? ['--store', store] : [])], {
    env: {
      ...process.env,
      WHARF_ACCESS_KEY_ID: credentials.accessKeyId,
      WHARF_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      WHARF_SEALING_KEY: sealingKey,
      WHARF_LEADER_LEASE_SECONDS: String(lease),
      WHARF_LB_WORKERS: '0',
      WHARF_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.add(proc);
  const lines: Replica['lines'] = [];
  const url = await new Promise<string>((ok, fail) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      try {
        const rec = JSON.parse(l) as { time: number; msg: string; url?: string };
        lines.push({ time: rec.time, msg: rec.msg });
        if (rec.msg === 'wharf is listening' && rec.url) ok(rec.url);
      } catch {
        // not a log line
      }
    });
    proc.once('exit', (c) => fail(new Error(`wharf server exited ${c}`)));
  });
  return { url, proc, lines };
}

const stopReplica = (r: Replica) =>
  new Promise<void>((ok) => {
    if (r.proc.exitCode !== null || r.proc.signalCode !== null) return ok();
    r.proc.once('exit', () => ok());
    r.proc.kill('SIGTERM');
  });

async function role(r: Replica): Promise<string | undefined> {
  try {
    return ((await (await fetch(`${r.url}/ready`, { signal: AbortSignal.timeout(2000) })).json()) as { role?: string }).role;
  } catch {
    return undefined;
  }
}

/** One failover: milliseconds from SIGKILL of the leader to the new leader's controllers and to a write through a survivor. */
async function failover(endpoints: string[]): Promise<{ decisionMs: number; writeMs: number }> {
  const store = `etcd://${endpoints.join(',')}/bench-${randomBytes(3).toString('hex')}`;
  const replicas = await Promise.all([0, 1, 2].map(() => startReplica(store)));
  try {
    let leader: Replica | undefined;
    for (const t = Date.now(); !leader && Date.now() - t < 30_000; await new Promise((ok) => setTimeout(ok, 100))) {
      const roles = await Promise.all(replicas.map(role));
      if (roles.filter((x) => x === 'leader').length === 1) leader = replicas[roles.indexOf('leader')];
    }
    if (!leader) throw new Error('no leader elected');
    const survivors = replicas.filter((r) => r !== leader);
    const ecs = new ECSClient({ endpoint: survivors[0]!.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const killedAt = Date.now();
    leader.proc.kill('SIGKILL');
    let writeMs = -1;
    for (let i = 0; writeMs < 0; i++) {
      try {
        await ecs.send(new CreateClusterCommand({ clusterName: `after-kill-${i}` }));
        writeMs = Date.now() - killedAt;
      } catch {
        await new Promise((ok) => setTimeout(ok, 20));
      }
    }
    let decisionMs = -1;
    for (const t = Date.now(); decisionMs < 0 && Date.now() - t < 60_000; await new Promise((ok) => setTimeout(ok, 50))) {
      for (const r of survivors) {
        const led = r.lines.find((l) => l.msg.startsWith('this replica leads'));
        if (led) decisionMs = led.time - killedAt;
      }
    }
    ecs.destroy();
    return { decisionMs, writeMs };
  } finally {
    await Promise.all(replicas.map(stopReplica));
  }
}

/**
 * Requests/s of a read (replayed signed DescribeClusters, autocannon) and of a write against one server (etcd
 * replica or SQLite). The write is RegisterTaskDefinition from `connections` SDK clients, each on a family of its
 * own: a signed request cannot be varied, and one family for all would measure contention on its revision counter.
 */
async function throughput(r: Replica, tag: string) {
  const target = 'AmazonEC2ContainerServiceV20141113.';
  const read = await presign(r.url, { credentials, target: target + 'DescribeClusters' }, { clusters: ['default'] });
  const rd = await measure(r.url, r.proc.pid!, connections, duration, read);
  const latencies: number[] = [];
  let bad = 0;
  const until = Date.now() + duration * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const ecs = new ECSClient({ endpoint: r.url, region: 'us-east-1', credentials, maxAttempts: 1 });
      while (Date.now() < until) {
        const t0 = performance.now();
        try {
          await ecs.send(new RegisterTaskDefinitionCommand({ family: `bench-${tag}-${c}`, containerDefinitions: [{ name: 'app', image: 'busybox', memory: 16 }] }));
          latencies.push(performance.now() - t0);
        } catch {
          bad++;
        }
      }
      ecs.destroy();
    }),
  );
  latencies.sort((a, b) => a - b);
  const wr = { rps: latencies.length / duration, p99: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0), bad };
  return { read: rd, write: wr };
}

/** etcd's own write rate here: `connections` concurrent put loops through the etcd3 client for `duration` seconds. */
async function rawEtcd(endpoints: string[]): Promise<number> {
  const client = new Etcd3({ hosts: endpoints.map((e) => `http://${e}`) });
  const until = Date.now() + duration * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      while (Date.now() < until) {
        await client.put(`raw/${c}/${n % 100}`).value('x'.repeat(512));
        n++;
      }
    }),
  );
  client.close();
  return n / duration;
}

async function main() {
  const etcd = await startEtcd(etcdBin, 3, children);
  const results: { decisionMs: number; writeMs: number; etcdRead: number; etcdWrite: number; etcdWriteP99: number; sqliteRead: number; sqliteWrite: number; sqliteWriteP99: number; raw: number }[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const f = await failover(etcd.endpoints);
      const onEtcd = await startReplica(`etcd://${etcd.endpoints.join(',')}/tp-${round}`);
      const e = await throughput(onEtcd, `e${round}`);
      await stopReplica(onEtcd);
      const onSqlite = await startReplica(undefined);
      const s = await throughput(onSqlite, `s${round}`);
      await stopReplica(onSqlite);
      const raw = await rawEtcd(etcd.endpoints);
      const row = {
        ...f,
        etcdRead: e.read.rps, etcdWrite: e.write.rps, etcdWriteP99: e.write.p99,
        sqliteRead: s.read.rps, sqliteWrite: s.write.rps, sqliteWriteP99: s.write.p99,
        raw,
      };
      results.push(row);
      console.log(
        `round ${round}: failover to new leader's controllers ${f.decisionMs} ms, first write through a survivor ${f.writeMs} ms (lease ${lease} s); ` +
          `DescribeClusters ${e.read.rps.toFixed(0)}/s etcd vs ${s.read.rps.toFixed(0)}/s SQLite; ` +
          `RegisterTaskDefinition ${e.write.rps.toFixed(0)}/s etcd (p99 ${e.write.p99} ms) vs ${s.write.rps.toFixed(0)}/s SQLite (p99 ${s.write.p99} ms); ` +
          `raw etcd puts ${raw.toFixed(0)}/s; errors ${e.read.bad + e.write.bad + s.read.bad + s.write.bad}`,
      );
    }
  } finally {
    await etcd.stop();
  }
  const span = (k: keyof (typeof results)[number]) => {
    const xs = results.map((r) => r[k]);
    return `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
  };
  console.log(`\nmedian (min-max) over ${rounds} rounds, ${connections} connections, ${duration} s each:`);
  console.log(`  kill -9 of the leader -> new leader's controllers started: ${span('decisionMs')} ms (lease ${lease} s)`);
  console.log(`  kill -9 of the leader -> first write through a survivor:   ${span('writeMs')} ms`);
  console.log(`  DescribeClusters/s: etcd ${span('etcdRead')}, SQLite ${span('sqliteRead')}; etcd/SQLite ${(median(results.map((r) => r.etcdRead)) / median(results.map((r) => r.sqliteRead))).toFixed(2)}`);
  console.log(`  RegisterTaskDefinition/s: etcd ${span('etcdWrite')} (p99 ${span('etcdWriteP99')} ms), SQLite ${span('sqliteWrite')} (p99 ${span('sqliteWriteP99')} ms); etcd/SQLite ${(median(results.map((r) => r.etcdWrite)) / median(results.map((r) => r.sqliteWrite))).toFixed(2)}`);
  console.log(`  raw etcd3 puts/s (etcd's own limit here): ${span('raw')}; Wharf's writes use ${((median(results.map((r) => r.etcdWrite)) / median(results.map((r) => r.raw))) * 100).toFixed(0)}% of it`);
  process.exit(0);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
