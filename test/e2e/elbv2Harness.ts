// An in-process Wharf control plane with the load balancer feature wired in as controlPlane.ts will wire it (ECS left
// out: these tests need only ELBv2): the ELBv2 API on the gateway, the data plane, the DNS server; plus the `aws` CLI
// and small loopback HTTP backends.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import pino from 'pino';
import { elbv2Service } from '../../src/api/elbv2/index.js';
import { loadBalancerZone } from '../../src/dns/loadBalancerZone.js';
import { startDnsServer, type DnsServer } from '../../src/dns/server.js';
import { Gateway } from '../../src/gateway/server.js';
import { createElbTables, startLoadBalancers, type ElbTables, type LoadBalancers } from '../../src/lb/index.js';
import type { DrainReplica } from '../../src/lb/draining.js';
import { StateCache } from '../../src/store/cache.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { AWS_CLI, TEST_CREDENTIALS } from './harness.js';

export interface ElbWharf {
  url: string;
  store: SqliteStore;
  tables: ElbTables;
  lb: LoadBalancers;
  dns: DnsServer;
  aws(...args: string[]): Promise<any>;
  awsRaw(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** dist's compiled data plane worker (npm test builds it first): workers are processes running JavaScript. */
const WORKER_FILE = fileURLToPath(new URL('../../dist/src/lb/worker.js', import.meta.url));

export async function startElbWharf(
  opts: {
    addressPool?: string; provisioningMs?: number; headersTimeoutMs?: number; workers?: number;
    /** A second replica of another ElbWharf: its store (its own cache), a replica identity, and ports of its own. */
    store?: SqliteStore; replica?: DrainReplica; bindPort?: (port: number) => number;
  } = {},
): Promise<ElbWharf> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-elb-'));
  const shared = opts.store !== undefined;
  const store = opts.store ?? new SqliteStore(join(dataDir, 'state.db'));
  const cache = new StateCache(store);
  const tables = createElbTables(cache);
  await cache.start();
  const logger = pino({ level: 'warn' });
  const lb = await startLoadBalancers({
    cache, tables, logger, provisioningMs: opts.provisioningMs ?? 300, headersTimeoutMs: opts.headersTimeoutMs, workers: opts.workers, workerFile: WORKER_FILE,
    replica: opts.replica, bindPort: opts.bindPort,
  });
  const dns = await startDnsServer({ address: '127.0.0.53', port: 0, zones: [loadBalancerZone(tables)], logger });
  const gateway = new Gateway({
    host: '127.0.0.1', port: 0, accountId: '000000000000',
    secretFor: (id) => (id === TEST_CREDENTIALS.accessKeyId ? TEST_CREDENTIALS.secretAccessKey : undefined),
    services: [elbv2Service({ cache, tables, health: lb.health, addressPool: opts.addressPool })],
    logger,
  });
  const url = await gateway.listen();
  const awsRaw = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(AWS_CLI, [...args, '--endpoint-url', url, '--output', 'json'], {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataDir, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '',
        },
      }, (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
  return {
    url, store, tables, lb, dns, awsRaw,
    async aws(...args: string[]) {
      const r = await awsRaw(args);
      if (r.code !== 0) throw new Error(r.stderr.trim());
      return r.stdout.trim() ? JSON.parse(r.stdout) : {};
    },
    async stop() {
      await gateway.close();
      await lb.stop();
      await dns.close();
      cache.stop();
      if (!shared) await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Backend {
  host: string;
  port: number;
  server: http.Server;
  /** Requests seen, with their headers. */
  seen: { url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A loopback HTTP backend; `handler` may answer, otherwise it replies `NAME URL`. */
export async function backend(host: string, name: string, handler?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean | void): Promise<Backend> {
  const seen: Backend['seen'] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (handler?.(req, res)) return;
    const body = `${name} ${req.url}`;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    host, port, server, seen,
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or the time is up. */
export async function until<T>(fn: () => Promise<T> | T, timeoutMs = 20_000, stepMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(stepMs);
  }
}
