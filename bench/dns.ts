// DNS benchmark: Wharf's DNS server answering a Cloud Map service (eight instances, A and SRV records, MULTIVALUE)
// against dnsmasq answering the same names from a hosts file and srv-host lines, in one run, each measured several times with
// the same load generator (bench/dnsLoad.ts, in a process of its own: many outstanding UDP queries), alternating, for
// several rounds. Prints queries/s and p99 of each, each server's CPU time per query (less sensitive than queries/s
// to what else the machine runs) and the generator's, the spread between rounds, and Wharf's ratio to dnsmasq (goal:
// ≥ 0.8× dnsmasq's queries/s). Also measured: Node's floor (bench/dnsFloor.ts, a process sending one fixed reply to
// every query), what any server on Node's dgram costs at least. Needs Debian's dnsmasq-base.
// Run: npx tsc -p tsconfig.json && node dist/bench/dns.js [--seconds 5] [--outstanding 64] [--rounds 3]
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { serviceDiscoveryService } from '../src/api/servicediscovery/index.js';
import { createDiscoveryTables } from '../src/discovery/tables.js';
import { discoveryZone } from '../src/dns/discoveryZone.js';
import { startDnsServer } from '../src/dns/server.js';
import type { RequestContext } from '../src/gateway/service.js';
import { StateCache } from '../src/store/cache.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { LoadResult, LoadSpec } from './dnsLoad.js';
import { arg, serverCpuMs } from './support.js';

const seconds = arg('seconds', 5);
const outstanding = arg('outstanding', 64);
const rounds = arg('rounds', 3);
const PORT = 45353;
const WHARF = '127.0.0.62';
const DNSMASQ = '127.0.0.63';
const FLOOR = '127.0.0.64';
const INSTANCES = 8;

function load(spec: LoadSpec): Promise<LoadResult> {
  const file = new URL('./dnsLoad.js', import.meta.url).pathname;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [file, JSON.stringify(spec)], (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as LoadResult))),
  );
}

/** One answer from a server, as sent (no EDNS, RD set, as the load generator asks). */
async function ask(address: string, port: number, name: string, type: 'A' | 'SRV'): Promise<Buffer> {
  const socket = dgram.createSocket('udp4');
  try {
    return await new Promise<Buffer>((resolve) => {
      socket.once('message', (m) => resolve(m));
      socket.send(dnsPacket.encode({ id: 1, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] }), port, address);
    });
  } finally {
    socket.close();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-dns-'));
  const store = new SqliteStore(join(dir, 'state.db'));
  const cache = new StateCache(store);
  const tables = createDiscoveryTables(cache);
  await cache.start();
  const api = serviceDiscoveryService({ cache, tables }).operations;
  const ctx = { region: 'us-east-1', accountId: '000000000000' } as RequestContext;
  await api.CreatePrivateDnsNamespace!({ Name: 'bench.local', Vpc: 'vpc-1' }, ctx);
  const nsId = [...tables.namespaces.values()][0]!.id;
  const svc = (await api.CreateService!({ Name: 'web', NamespaceId: nsId, DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 60 }, { Type: 'SRV', TTL: 60 }] } }, ctx)) as { Service: { Id: string } };
  const hosts: string[] = [];
  const srv: string[] = [];
  for (let i = 1; i <= INSTANCES; i++) {
    await api.RegisterInstance!({ ServiceId: svc.Service.Id, InstanceId: `i${i}`, Attributes: { AWS_INSTANCE_IPV4: `10.9.0.${i}`, AWS_INSTANCE_PORT: '8080' } }, ctx);
    hosts.push(`10.9.0.${i} web.bench.local`, `10.9.0.${i} i${i}.web.bench.local`);
    srv.push(`--srv-host=web.bench.local,i${i}.web.bench.local,8080,1,1`);
  }
  const logger = pino({ level: 'warn' });
  const dns = await startDnsServer({ address: WHARF, port: PORT, zones: [discoveryZone(tables)], logger, changes: cache });
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, hosts.join('\n') + '\n', { mode: 0o644 });
  const dnsmasq = spawn('dnsmasq', ['-k', '-C', '/dev/null', '--no-resolv', '--no-hosts', `--addn-hosts=${hostsFile}`, `--port=${PORT}`,
    `--listen-address=${DNSMASQ}`, '--bind-interfaces', '--user=root', '--local-ttl=60', '--no-negcache', ...srv], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 500));
  // Node's floor answers each type with Wharf's own answer to it, so the replies are the same size.
  const floors: Record<string, ChildProcess> = {};
  for (const [type, port] of [['A', PORT + 1], ['SRV', PORT + 2]] as const) {
    const reply = await ask(WHARF, PORT, 'web.bench.local', type);
    const child = fork(new URL('./dnsFloor.js', import.meta.url).pathname, [FLOOR, String(port), reply.toString('hex')], { stdio: 'inherit' });
    await new Promise((r) => child.once('message', r));
    floors[type] = child;
  }
  const floorPort = (type: string) => (type === 'A' ? PORT + 1 : PORT + 2);

  type Measured = LoadResult & { serverCpuUs: number };
  const results: Record<string, Measured[]> = {};
  /** CPU time (ms) of the server measured: this process for Wharf (it runs nothing else meanwhile), /proc for dnsmasq. */
  const cpuOf = (who: 'wharf' | 'dnsmasq' | 'floor', type: string) => {
    if (who === 'dnsmasq') return serverCpuMs(dnsmasq.pid!);
    if (who === 'floor') return serverCpuMs(floors[type]!.pid!);
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let round = 1; round <= rounds; round++) {
    for (const type of ['A', 'SRV'] as const) {
      // Who goes first alternates, so neither always meets the machine's load the other just left.
      const order = round % 2
        ? ([['wharf', WHARF, PORT], ['dnsmasq', DNSMASQ, PORT], ['floor', FLOOR, floorPort(type)]] as const)
        : ([['floor', FLOOR, floorPort(type)], ['dnsmasq', DNSMASQ, PORT], ['wharf', WHARF, PORT]] as const);
      for (const [who, address, port] of order) {
        const cpu0 = cpuOf(who, type);
        const r = await load({ address, port, name: 'web.bench.local', type, seconds, outstanding });
        const m = { ...r, serverCpuUs: ((cpuOf(who, type) - cpu0) * 1000) / Math.max(1, r.answered) };
        (results[`${who} ${type}`] ??= []).push(m);
        console.log(`round ${round} ${who.padEnd(7)} ${type.padEnd(3)} ${r.qps.toFixed(0).padStart(7)} q/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms` +
          `  server ${m.serverCpuUs.toFixed(1)} µs CPU/q  generator ${r.loadCpuUs.toFixed(1)} µs CPU/q  bad ${r.bad}  lost ${r.lost}`);
      }
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const spread = (xs: number[]) => ((Math.max(...xs) - Math.min(...xs)) / mean(xs)) * 100;
  console.log(`\nsummary (${rounds} rounds; spread = (max - min) / mean; ratio = Wharf / dnsmasq)`);
  for (const type of ['A', 'SRV']) {
    const w = results[`wharf ${type}`]!;
    const d = results[`dnsmasq ${type}`]!;
    const wq = w.map((r) => r.qps);
    const dq = d.map((r) => r.qps);
    console.log(`${type.padEnd(3)} wharf ${mean(wq).toFixed(0)} q/s (spread ${spread(wq).toFixed(0)}%, p99 ${w.map((r) => r.p99Ms.toFixed(2)).join('/')} ms, ` +
      `${mean(w.map((r) => r.serverCpuUs)).toFixed(1)} µs CPU/q)  dnsmasq ${mean(dq).toFixed(0)} q/s (spread ${spread(dq).toFixed(0)}%, ` +
      `p99 ${d.map((r) => r.p99Ms.toFixed(2)).join('/')} ms, ${mean(d.map((r) => r.serverCpuUs)).toFixed(1)} µs CPU/q)`);
    const f = results[`floor ${type}`]!;
    console.log(`    Node floor ${mean(f.map((r) => r.qps)).toFixed(0)} q/s (${mean(f.map((r) => r.serverCpuUs)).toFixed(1)} µs CPU/q); ` +
      `generator ${mean([...w, ...d, ...f].map((r) => r.loadCpuUs)).toFixed(1)} µs CPU/q`);
    console.log(`    ratio ${(mean(wq) / mean(dq)).toFixed(2)}x (per round ${wq.map((q, i) => (q / dq[i]!).toFixed(2)).join(', ')}); ` +
      `CPU per query dnsmasq/Wharf ${(mean(d.map((r) => r.serverCpuUs)) / mean(w.map((r) => r.serverCpuUs))).toFixed(2)}x`);
  }
  dnsmasq.kill();
  for (const c of Object.values(floors)) c.kill();
  await dns.close();
  cache.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
