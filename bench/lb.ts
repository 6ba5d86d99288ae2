// Load balancer benchmark: wrk through the Wharf data plane and through nginx as a reverse proxy, both forwarding to
// the same two local backends (a separate nginx serving a fixed answer, so the proxies are what is measured), in one
// run. Prints requests/s, p99 latency and CPU per request of each and their ratios (goal: ≥ 0.9× nginx's requests/s,
// ≤ 1.2× its p99, ≤ 1.3× its CPU per request). When HAProxy is installed, a third row measures it as the same plain
// round-robin proxy (the engine weighed as an alternative data plane: docs/load-balancer-data-plane.md).
// Needs the Debian packages wrk and nginx (haproxy optional). Run: npx tsc -p tsconfig.json && node dist/bench/lb.js
// [--duration 10] [--connections 64] [--nginx-workers auto] [--rounds 2]
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { elbv2Service } from '../src/api/elbv2/index.js';
import type { RequestContext } from '../src/gateway/service.js';
import { createElbTables, startLoadBalancers } from '../src/lb/index.js';
import { StateCache } from '../src/store/cache.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { arg } from './support.js';

const duration = arg('duration', 10);
const connections = arg('connections', 64);
const nginxWorkers = arg('nginx-workers', 'auto');
const lbWorkers = process.argv.slice(2).includes('--workers') ? arg('workers', 0) : undefined;
const BACKENDS = ['127.0.0.41', '127.0.0.42'];
const NGINX_PROXY = '127.0.0.40';
const HAPROXY = '127.0.0.39';
const rounds = arg('rounds', 2);

/** True when `cmd` is on the PATH (haproxy is optional). */
function installed(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * HAProxy as the same proxy as nginx's row: round robin over the two backends, keep-alive on both sides (idle target
 * connections reused by any client, as nginx's upstream keepalive pool), X-Forwarded-For/-Proto/-Port set. As many
 * threads as nginx has workers (one per core by default).
 */
function haproxy(dir: string): ChildProcess {
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, `global\n  maxconn 8192\n${nginxWorkers === 'auto' ? '' : `  nbthread ${nginxWorkers}\n`}` +
    'defaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n  option http-keep-alive\n  http-reuse always\n' +
    `frontend fe\n  bind ${HAPROXY}:80\n  option forwardfor\n  http-request set-header X-Forwarded-Proto http\n` +
    '  http-request set-header X-Forwarded-Port %[dst_port]\n  default_backend app\n' +
    `backend app\n  balance roundrobin\n${BACKENDS.map((a, i) => `  server b${i + 1} ${a}:8080\n`).join('')}`);
  return spawn('haproxy', ['-db', '-f', file], { stdio: 'inherit' });
}

function nginx(dir: string, name: string, conf: string): ChildProcess {
  const file = join(dir, `${name}.conf`);
  writeFileSync(file, `daemon off; pid ${dir}/${name}.pid; error_log ${dir}/${name}.err warn;\n${conf}`);
  return spawn('nginx', ['-c', file, '-p', dir], { stdio: 'inherit' });
}

/** CPU time (user and system, ms) used so far by these processes, from /proc (clock ticks of 10 ms). */
function cpuMs(pids: number[]): { user: number; sys: number } {
  let user = 0;
  let sys = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      user += Number(fields[11]);
      sys += Number(fields[12]);
    } catch {
      // gone
    }
  }
  return { user: user * 10, sys: sys * 10 };
}

/** Child processes of `pid` whose command line contains `match`. */
function children(pid: number, match: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => {
    try {
      const ppid = Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      return ppid === pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(match);
    } catch {
      return false;
    }
  });
}

function wrk(url: string, seconds: number): Promise<{ rps: number; p99ms: number; errors: string }> {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', url], (err, out) => {
      if (err) return reject(err);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const m = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
      const p99ms = m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
      const errors = /Non-2xx.*|Socket errors.*/g.exec(out)?.[0] ?? 'none';
      resolve({ rps, p99ms, errors });
    });
  });
}

async function startWharfLb(dir: string): Promise<{ address: string; stop: () => Promise<void> }> {
  const store = new SqliteStore(join(dir, 'state.db'));
  const cache = new StateCache(store);
  const tables = createElbTables(cache);
  await cache.start();
  const logger = pino({ level: 'warn' });
  const lb = await startLoadBalancers({ cache, tables, logger, provisioningMs: 0, workers: lbWorkers });
  const ops = elbv2Service({ cache, tables, health: lb.health, addressPool: '127.43.0.0/16' }).operations;
  const ctx: RequestContext = { requestId: 'bench', region: 'us-east-1', accountId: '000000000000', accessKeyId: 'bench', principalArn: 'bench', now: new Date() };
  const call = (op: string, input: unknown) => Promise.resolve(ops[op]!(input, ctx)) as Promise<any>;
  const created = await call('CreateLoadBalancer', { Name: 'bench' });
  const tg = (await call('CreateTargetGroup', { Name: 'bench', Protocol: 'HTTP', Port: 8080, TargetType: 'ip', VpcId: 'vpc-1' })).TargetGroups[0].TargetGroupArn;
  await call('RegisterTargets', { TargetGroupArn: tg, Targets: BACKENDS.map((Id) => ({ Id, Port: 8080 })) });
  await call('CreateListener', { LoadBalancerArn: created.LoadBalancers[0].LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });
  // Both targets healthy before measuring (the first check runs at once; 5 successes by default: shorten them).
  await call('ModifyTargetGroup', { TargetGroupArn: tg, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2 });
  for (let i = 0; i < 100 && BACKENDS.some((Id) => lb.targetHealth(tg, { Id, Port: 8080 }).State !== 'healthy'); i++) await new Promise((r) => setTimeout(r, 200));
  return {
    address: created.LoadBalancers[0].AvailabilityZones[0].LoadBalancerAddresses[0].IpAddress,
    async stop() {
      await lb.stop();
      cache.stop();
      await store.close();
    },
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-lb-bench-'));
  const events = 'events { worker_connections 8192; }\n';
  const backends = nginx(dir, 'backends', `worker_processes 1;\n${events}http { access_log off; keepalive_requests 100000;\n` +
    BACKENDS.map((a, i) => `server { listen ${a}:8080; location / { default_type text/plain; return 200 "backend-${i + 1}\\n"; } }`).join('\n') + '}\n');
  const proxy = nginx(dir, 'proxy', `worker_processes ${nginxWorkers};\n${events}http { access_log off;\n` +
    `upstream app { ${BACKENDS.map((a) => `server ${a}:8080;`).join(' ')} keepalive 256; keepalive_requests 100000; }\n` +
    `server { listen ${NGINX_PROXY}:80; keepalive_requests 100000; location / { proxy_pass http://app; proxy_http_version 1.1; ` +
    `proxy_set_header Connection ""; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; ` +
    `proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Forwarded-Port $server_port; } } }\n`);
  const hap = installed('haproxy') ? haproxy(dir) : undefined;
  const wharf = await startWharfLb(dir);
  await new Promise((r) => setTimeout(r, 500));
  try {
    const targets: Record<string, string> = { nginx: `http://${NGINX_PROXY}/`, wharf: `http://${wharf.address}/` };
    if (hap) targets.haproxy = `http://${HAPROXY}/`;
    for (const url of Object.values(targets)) await wrk(url, 2); // warm up each
    // The proxies' own processes: nginx's workers; HAProxy's one (threaded) process; Wharf's data plane (this process
    // and its workers).
    const pids: Record<string, number[]> = { nginx: children(proxy.pid!, 'nginx'), wharf: [process.pid, ...children(process.pid, 'worker.js')] };
    if (hap) pids.haproxy = [hap.pid!];
    const results: Record<string, { rps: number; p99ms: number; errors: string; cpuUs: number; sysUs: number }[]> = {};
    for (const name of Object.keys(targets)) results[name] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [name, url] of Object.entries(targets)) {
        const before = cpuMs(pids[name]!);
        const r = await wrk(url, duration / rounds);
        const after = cpuMs(pids[name]!);
        const requests = r.rps * (duration / rounds);
        results[name]!.push({ ...r, cpuUs: ((after.user + after.sys - before.user - before.sys) * 1000) / requests, sysUs: ((after.sys - before.sys) * 1000) / requests });
      }
    }
    const avg = (xs: { rps: number; p99ms: number; cpuUs: number; sysUs: number }[]) => ({
      rps: xs.reduce((s, x) => s + x.rps, 0) / xs.length,
      p99ms: xs.reduce((s, x) => s + x.p99ms, 0) / xs.length,
      cpuUs: xs.reduce((s, x) => s + x.cpuUs, 0) / xs.length,
      sysUs: xs.reduce((s, x) => s + x.sysUs, 0) / xs.length,
    });
    const n = avg(results.nginx!);
    console.log(`wrk -t2 -c${connections}, ${duration}s each (${rounds} alternating rounds), two nginx backends, nginx proxy workers: ${nginxWorkers}, ` +
      `wharf data plane: 1 process + ${lbWorkers ?? 'default'} workers${hap ? '' : ' (haproxy not installed: no haproxy row)'}`);
    const line = (name: string, r: typeof n) =>
      `${name.padEnd(7)} ${r.rps.toFixed(0).padStart(8)} req/s   p99 ${r.p99ms.toFixed(2)} ms   CPU ${r.cpuUs.toFixed(1)} µs/request (${r.sysUs.toFixed(1)} system)   errors: ${results[name]!.map((x) => x.errors).join(' / ')}`;
    for (const name of Object.keys(targets)) console.log(line(name, avg(results[name]!)));
    for (const name of Object.keys(targets).filter((x) => x !== 'nginx')) {
      const r = avg(results[name]!);
      console.log(`${name.padEnd(7)} / nginx  req/s ${(r.rps / n.rps).toFixed(2)}x (goal >= 0.9)   p99 ${(r.p99ms / n.p99ms).toFixed(2)}x (goal <= 1.2)   ` +
        `CPU/request ${(r.cpuUs / n.cpuUs).toFixed(2)}x (goal <= 1.3)`);
    }
  } finally {
    await wharf.stop();
    hap?.kill('SIGTERM');
    backends.kill('SIGQUIT');
    proxy.kill('SIGQUIT');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
