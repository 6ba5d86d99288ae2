// The load balancer data plane: serves every listener in the store on its load balancer's address, follows the
// store as the API changes it (listeners come and go, rules and targets change, load balancers become active), and
// owns the health checker and the drainer. One per control plane process.
import http from 'node:http';
import type { Logger } from 'pino';
import { Txn, type StateCache } from '../store/cache.js';
import { Balancer } from './balancer.js';
import { Drainer, type DrainReplica } from './draining.js';
import { HealthBook } from './health.js';
import { HealthChecker, type ResolveInstance } from './healthChecker.js';
import { UpstreamPool } from './fast/pool.js';
import { ListenerServer } from './listenerServer.js';
import { RouteTable } from './routing.js';
import { WorkerPool, workersAvailable } from './workerPool.js';
import { availableParallelism } from 'node:os';
import type { ElbTables } from './tables.js';

export interface LoadBalancingOptions {
  cache: StateCache;
  tables: ElbTables;
  logger: Logger;
  /** Host address of an instance target (an EC2-style instance id); default 127.0.0.1. */
  resolveInstance?: ResolveInstance;
  /** Maps a listener port to the port actually bound (e.g. +8000 when ports under 1024 are not allowed); default the same. */
  bindPort?: (port: number) => number;
  /** Maps a load balancer's address to the address this replica serves it on (`--lb-bind-pool`); default the same. */
  bindAddress?: (address: string) => string;
  /** How long a new load balancer shows `provisioning` before it turns `active`. Default 1000 ms. */
  provisioningMs?: number;
  headersTimeoutMs?: number;
  /** Serve plain requests on the raw-socket fast path (default true); false: node:http for everything. */
  fastPath?: boolean;
  /** Data plane worker processes beside this one (fast path only). Default: one per spare core, at most 2. */
  workers?: number;
  /** The compiled worker module to fork (default: worker.js beside this module; tests running TypeScript name dist's). */
  workerFile?: string;
  /**
   * Control plane replicas that all serve the load balancers: draining is complete when every live one has nothing
   * in flight (draining.ts). Without it, this data plane alone is asked.
   */
  replica?: DrainReplica;
}

export class LoadBalancing {
  readonly book = new HealthBook();
  readonly balancer: Balancer;
  readonly routes: RouteTable;
  readonly pool = new UpstreamPool();
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512, scheduling: 'lifo', timeout: 120_000 });
  private readonly checker: HealthChecker;
  readonly drainer: Drainer;
  private readonly servers = new Map<string, { key: string; server: ListenerServer }>();
  private unsubscribe: (() => void) | undefined;
  private pending = false;
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly activating = new Set<string>();
  private readonly workers: WorkerPool | undefined;

  constructor(readonly opts: LoadBalancingOptions) {
    const resolve = opts.resolveInstance ?? (() => undefined);
    this.balancer = new Balancer(opts.tables, this.book, resolve);
    this.routes = new RouteTable(opts.tables);
    this.checker = new HealthChecker(opts.cache, opts.tables, this.book, resolve, opts.logger);
    const workers = opts.fastPath === false ? 0 : (opts.workers ?? (workersAvailable() ? Math.min(2, availableParallelism() - 1) : 0));
    if (workers > 0) this.workers = new WorkerPool(workers, opts.cache, opts.tables, this.book, opts.logger, opts.workerFile);
    this.drainer = new Drainer(opts.cache, opts.tables, this.balancer, this.workers, opts.replica);
    this.book.onChange(() => this.balancer.invalidate());
  }

  async start(): Promise<void> {
    this.unsubscribe = this.opts.cache.onChange((keys) => {
      if (!keys.some((k) => k.startsWith('elbv2/'))) return;
      this.balancer.invalidate();
      this.routes.invalidate();
      if (this.pending) return;
      this.pending = true;
      queueMicrotask(() => {
        this.pending = false;
        void this.reconcile();
      });
    });
    this.checker.start();
    this.drainer.start();
    await this.reconcile();
  }

  /** Binds listeners that are new, closes those that are gone, re-tunes the rest; serialized. */
  reconcile(): Promise<void> {
    this.chain = this.chain.then(() => this.reconcileOnce()).catch((err) => this.opts.logger.error({ err }, 'load balancer reconcile failed'));
    return this.chain;
  }

  private async reconcileOnce(): Promise<void> {
    if (this.stopped) return;
    const { tables } = this.opts;
    const wanted = new Map<string, string>();
    for (const row of tables.listeners.values()) {
      const view = this.routes.view(row.id);
      if (view) wanted.set(row.id, `${this.bindAddress(view.lb.address)}:${this.bindPort(row.value.port)}`);
    }
    for (const [id, s] of this.servers) {
      if (wanted.get(id) === s.key) continue;
      this.servers.delete(id);
      this.workers?.unshare(id);
      await s.server.close();
    }
    for (const [id, key] of wanted) {
      const have = this.servers.get(id);
      if (have) {
        have.server.tune();
        continue;
      }
      const view = this.routes.view(id)!;
      const server = new ListenerServer({
        address: this.bindAddress(view.lb.address), port: this.bindPort(view.listener.port), view: () => this.routes.view(id),
        ctx: { balancer: this.balancer, agent: this.agent }, headersTimeoutMs: this.opts.headersTimeoutMs,
        pool: this.opts.fastPath === false ? undefined : this.pool,
        dispatch: this.workers ? (socket) => this.workers!.dispatch(id, socket) : undefined,
      });
      try {
        await server.listen();
        this.servers.set(id, { key, server });
        this.workers?.share(id, this.opts.headersTimeoutMs);
        this.opts.logger.info({ listener: view.listener.arn, address: key }, 'load balancer listener bound');
      } catch (err) {
        this.opts.logger.error({ err, listener: view.listener.arn, address: key }, 'load balancer listener could not bind');
      }
    }
    for (const row of tables.loadBalancers.values()) if (row.value.state === 'provisioning') this.activate(row.id);
  }

  private bindAddress(address: string): string {
    return this.opts.bindAddress ? this.opts.bindAddress(address) : address;
  }

  private bindPort(port: number): number {
    return this.opts.bindPort ? this.opts.bindPort(port) : port;
  }

  private activate(id: string): void {
    if (this.activating.has(id)) return;
    this.activating.add(id);
    const t = setTimeout(() => {
      const { cache, tables } = this.opts;
      void cache
        .update(() => {
          const row = tables.loadBalancers.get(id);
          const txn = new Txn();
          if (row?.value.state === 'provisioning') txn.put(tables.loadBalancers, id, { ...row.value, state: 'active' as const }, row.modRevision);
          return { txn, result: undefined };
        })
        .catch((err) => this.opts.logger.warn({ err }, 'could not activate load balancer'))
        .finally(() => this.activating.delete(id));
    }, this.opts.provisioningMs ?? 1000);
    t.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.checker.stop();
    this.drainer.stop();
    this.workers?.stop();
    await this.chain;
    await Promise.all([...this.servers.values()].map((s) => s.server.close()));
    this.servers.clear();
    this.agent.destroy();
    this.pool.destroy();
  }
}
