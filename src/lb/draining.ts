// Draining: a deregistered target gets no new requests (the balancer only picks registered targets), its in-flight
// requests finish, and it leaves the store once the target group's deregistration delay has passed. As in ELBv2,
// deregistration is complete as soon as nothing is in flight; the target still shows `draining` until the delay ends.
import { Txn, type StateCache } from '../store/cache.js';
import { deregistrationDelayMs } from './attributes.js';
import type { Balancer } from './balancer.js';
import { first, type ElbTables } from './tables.js';
import type { WorkerPool } from './workerPool.js';

export class Drainer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cache: StateCache,
    private readonly tables: ElbTables,
    private readonly balancer: Balancer,
    private readonly workers: WorkerPool | undefined,
    private readonly periodMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Nothing in flight on a draining (or removed) target, in this process or a worker: its deregistration is complete. */
  async drained(key: string): Promise<boolean> {
    const row = this.tables.targets.get(key);
    if (row?.value.state === 'registered') return false;
    if ((this.balancer.inflight.get(key) ?? 0) > 0) return false;
    return !this.workers || (await this.workers.inflight(key)) === 0;
  }

  /** Removes draining targets whose delay has passed. */
  async sweep(now = Date.now()): Promise<void> {
    await this.cache.update(() => {
      const txn = new Txn();
      for (const row of this.tables.targets.values()) {
        const t = row.value;
        if (t.state !== 'draining') continue;
        const tg = first(this.tables.targetGroups.byIndex('arn', t.targetGroupArn))?.value;
        const delay = tg ? deregistrationDelayMs(tg.attributes) : 0;
        if (now - (t.drainingSince?.getTime() ?? 0) >= delay) txn.delete(this.tables.targets, row.id, row.modRevision);
      }
      return { txn, result: undefined };
    });
  }
}
