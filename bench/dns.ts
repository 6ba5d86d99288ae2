// DNS benchmark: Wharf's DNS server answering a Cloud Map service (eight instances, A and SRV records, MULTIVALUE)
// against dnsmasq answering the same names from a hosts file and srv-host lines, in one run, each measured twice with
// the same load generator (bench/dnsLoad.ts, in a process of its own: many outstanding UDP queries). Prints queries/s and
// p99 of each, the spread between the two rounds, and Wharf's ratio to dnsmasq (goal: ≥ 0.8× dnsmasq's queries/s).
// Needs Debian's dnsmasq-base. Run: npx tsc -p tsconfig.json && node dist/bench/dns.js [--seconds 5] [--outstanding 64]
import { execFile, spawn } from 'node:child_process';
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
import { arg } from './support.js';

const seconds = arg('seconds', 5);
const outstanding = arg('outstanding', 64);
const PORT = 45353;
const WHARF = '127.0.0.62';
const DNSMASQ = '127.0.0.63';
const INSTANCES = 8;

function load(spec: LoadSpec): Promise<LoadResult> {
  const file = new URL('./dnsLoad.js', import.meta.url).pathname;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [file, JSON.stringify(spec)], (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as LoadResult))),
  );
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
  const dns = await startDnsServer({ address: WHARF, port: PORT, zones: [discoveryZone(tables)], logger });
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, hosts.join('\n') + '\n', { mode: 0o644 });
  const dnsmasq = spawn('dnsmasq', ['-k', '-C', '/dev/null', '--no-resolv', '--no-hosts', `--addn-hosts=${hostsFile}`, `--port=${PORT}`,
    `--listen-address=${DNSMASQ}`, '--bind-interfaces', '--user=root', '--local-ttl=60', '--no-negcache', ...srv], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 500));

  const results: Record<string, LoadResult[]> = {};
  for (let round = 1; round <= 2; round++) {
    for (const type of ['A', 'SRV'] as const) {
      for (const [who, address] of [['wharf', WHARF], ['dnsmasq', DNSMASQ]] as const) {
        const r = await load({ address, port: PORT, name: 'web.bench.local', type, seconds, outstanding });
        (results[`${who} ${type}`] ??= []).push(r);
        console.log(`round ${round} ${who.padEnd(7)} ${type.padEnd(3)} ${r.qps.toFixed(0).padStart(7)} q/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  bad ${r.bad}  lost ${r.lost}`);
      }
    }
  }
  console.log('\nsummary (two rounds; spread = (max - min) / mean)');
  for (const type of ['A', 'SRV']) {
    const w = results[`wharf ${type}`]!;
    const d = results[`dnsmasq ${type}`]!;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const spread = (xs: number[]) => ((Math.max(...xs) - Math.min(...xs)) / mean(xs)) * 100;
    const wq = w.map((r) => r.qps);
    const dq = d.map((r) => r.qps);
    console.log(`${type.padEnd(3)} wharf ${mean(wq).toFixed(0)} q/s (spread ${spread(wq).toFixed(1)}%, p99 ${w.map((r) => r.p99Ms.toFixed(2)).join('/')} ms)` +
      `  dnsmasq ${mean(dq).toFixed(0)} q/s (spread ${spread(dq).toFixed(1)}%, p99 ${d.map((r) => r.p99Ms.toFixed(2)).join('/')} ms)` +
      `  ratio ${(mean(wq) / mean(dq)).toFixed(2)}x`);
  }
  dnsmasq.kill();
  await dns.close();
  cache.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
