// The parent side of data plane workers: forks them, sends them the load balancer tables and every change, which
// targets are healthy, and accepted connections in turn with the parent itself (round robin per connection, so
// keep-alive clients spread evenly); asks them for in-flight counts when draining. Node cannot pass sockets between
// threads, so workers are processes (on 2 cores one worker beside the parent doubles what the data plane can use).
import { fork, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { StateCache, Table } from '../store/cache.js';
import type { HealthBook } from './health.js';
import type { ElbTables } from './tables.js';

export type ToWorker =
  | { t: 'rows'; rows: [prefix: string, id: string, value: unknown][] }
  | { t: 'health'; key: string; healthy: boolean; warmingSince?: number }
  | { t: 'listen'; id: string; headersTimeoutMs?: number }
  | { t: 'conn'; id: string }
  | { t: 'close'; id: string }
  | { t: 'inflight?'; seq: number; key: string };

type FromWorker = { t: 'ready' } | { t: 'inflight'; seq: number; n: number };

/** Workers need compiled JavaScript; under a TypeScript test runner the data plane stays in-process. */
export const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));
export const workersAvailable = () => import.meta.url.endsWith('.js');

export class WorkerPool {
  private readonly children: ChildProcess[] = [];
  private seq = 0;
  private readonly waiting = new Map<number, (n: number) => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly count: number, private readonly cache: StateCache, private readonly tables: ElbTables, private readonly book: HealthBook,
    private readonly logger: Logger, private readonly file = WORKER_FILE,
  ) {}

  /** Listeners shared with the workers (id -> its headers timeout), sent again to a worker that comes up later. */
  private readonly shared = new Map<string, number | undefined>();
  private starting: Promise<void> | undefined;
  private stopped = false;

  /**
   * Forks the workers. Called with the first shared listener, not at start-up: with no load balancer there is no
   * worker to start (and Wharf answers sooner); until a worker is ready the parent serves every connection itself.
   */
  start(): Promise<void> {
    this.starting ??= this.fork().catch((err: Error) => this.logger.error({ err }, 'load balancer workers did not start; the main process serves alone'));
    return this.starting;
  }

  private async fork(): Promise<void> {
    const all = Object.values(this.tables) as Table<unknown>[];
    // Changes go to the workers already in `children`; a new one gets the snapshot of that moment first.
    this.unsubscribe = this.cache.onChange((keys) => {
      const rows: [string, string, unknown][] = [];
      for (const key of keys) {
        const t = all.find((x) => key.startsWith(x.prefix));
        if (t) rows.push([t.prefix, key.slice(t.prefix.length), t.get(key.slice(t.prefix.length))?.value]);
      }
      if (rows.length) this.broadcast({ t: 'rows', rows });
    });
    this.book.onHealthy = (key, healthy, warmingSince) => this.broadcast({ t: 'health', key, healthy, warmingSince });
    for (let i = 0; i < this.count && !this.stopped; i++) {
      const child = fork(this.file, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m: FromWorker) => {
        if (m.t === 'inflight') {
          this.waiting.get(m.seq)?.(m.n);
          this.waiting.delete(m.seq);
        }
      });
      child.on('exit', (code) => code && this.logger.error({ code }, 'load balancer worker exited'));
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`load balancer worker exited with ${code} while starting`)));
      });
      if (this.stopped) {
        child.kill();
        return;
      }
      child.send({ t: 'rows', rows: all.flatMap((t) => [...t.values()].map((r) => [t.prefix, r.id, r.value] as [string, string, unknown])) } satisfies ToWorker);
      for (const key of this.book.keys()) if (this.book.healthy(key)) child.send({ t: 'health', key, healthy: true, warmingSince: this.book.warmingSince(key) } satisfies ToWorker);
      for (const [id, headersTimeoutMs] of this.shared) child.send({ t: 'listen', id, headersTimeoutMs } satisfies ToWorker);
      this.children.push(child);
    }
  }

  private broadcast(m: ToWorker): void {
    for (const c of this.children) if (c.connected) c.send(m);
  }

  private turn = 0;

  share(id: string, headersTimeoutMs?: number): void {
    this.shared.set(id, headersTimeoutMs);
    void this.start();
    this.broadcast({ t: 'listen', id, headersTimeoutMs });
  }

  /** Hands a new connection to the next worker in turn; false when it is the parent's turn (it serves it itself). */
  dispatch(id: string, socket: net.Socket): boolean {
    // With two workers or more the parent (which also runs the API and health checks) serves no connections.
    const shares = this.children.length >= 2 ? this.children.length : this.children.length + 1;
    const child = this.children[(this.turn++ % shares) - (shares - this.children.length)];
    if (!child?.connected) return false;
    child.send({ t: 'conn', id } satisfies ToWorker, socket, { keepOpen: false });
    return true;
  }

  unshare(id: string): void {
    this.shared.delete(id);
    this.broadcast({ t: 'close', id });
  }

  /** Requests in flight to a target across all workers. */
  async inflight(key: string): Promise<number> {
    const answers = this.children.filter((c) => c.connected).map((c) => new Promise<number>((resolve) => {
      const seq = ++this.seq;
      this.waiting.set(seq, resolve);
      c.send({ t: 'inflight?', seq, key } satisfies ToWorker);
      setTimeout(() => resolve(0), 1000).unref();
    }));
    return (await Promise.all(answers)).reduce((a, b) => a + b, 0);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const c of this.children) c.kill();
  }
}
