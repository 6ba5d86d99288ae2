// A data plane worker process: serves the listeners its parent shares (the parent's listening sockets, so the kernel
// spreads connections over both processes) from a copy of the load balancer tables and of which targets are healthy,
// both kept current by the parent over IPC. It answers the parent's in-flight questions so draining sees every request.
import http from 'node:http';
import type net from 'node:net';
import { Table, type StateCache } from '../store/cache.js';
import { Balancer } from './balancer.js';
import { UpstreamPool } from './fast/pool.js';
import { ListenerServer } from './listenerServer.js';
import { RouteTable } from './routing.js';
import { createElbTables } from './tables.js';
import type { ToWorker } from './workerPool.js';

const cacheStub = { table: (spec: { prefix: string; indexes?: Record<string, never> }) => new Table(spec.prefix, spec.indexes) };
const tables = createElbTables(cacheStub as unknown as StateCache);
const byPrefix = new Map<string, Table<unknown>>(Object.values(tables).map((t: Table<unknown>) => [t.prefix, t]));
/** Healthy targets, with when each entered slow start (if it did). */
const healthy = new Map<string, number | undefined>();
const balancer = new Balancer(tables, { healthy: (k) => healthy.has(k), warmingSince: (k) => healthy.get(k) }, () => undefined);
const routes = new RouteTable(tables);
const pool = new UpstreamPool();
const agent = new http.Agent({ keepAlive: true, maxSockets: 512, scheduling: 'lifo' });
const servers = new Map<string, ListenerServer>();

process.on('message', (m: ToWorker, handle?: net.Socket) => {
  switch (m.t) {
    case 'rows':
      for (const [prefix, id, value] of m.rows) byPrefix.get(prefix)?.apply(id, value === undefined ? undefined : { id, value, modRevision: 0 });
      balancer.invalidate();
      routes.invalidate();
      for (const s of servers.values()) s.tune();
      break;
    case 'health':
      if (m.healthy) healthy.set(m.key, m.warmingSince);
      else healthy.delete(m.key);
      balancer.invalidate();
      break;
    case 'listen':
      servers.set(m.id, new ListenerServer({ address: '', port: 0, view: () => routes.view(m.id), ctx: { balancer, agent }, pool, external: true, headersTimeoutMs: m.headersTimeoutMs }));
      break;
    case 'conn': {
      const s = servers.get(m.id);
      if (!handle) break;
      if (!s) handle.destroy();
      else {
        s.accept(handle);
        handle.resume();
      }
      break;
    }
    case 'close':
      void servers.get(m.id)?.close();
      servers.delete(m.id);
      break;
    case 'inflight?':
      process.send!({ t: 'inflight', seq: m.seq, n: balancer.inflight.get(m.key) ?? 0 });
      break;
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ t: 'ready' });
