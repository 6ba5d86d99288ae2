// Draining: a deregistered target gets no new requests (the balancer only picks registered targets), its in-flight
// requests finish, and it leaves the store once the target group's deregistration delay has passed. As in ELBv2,
// deregistration is complete as soon as nothing is in flight; the target still shows `draining` until the delay ends.
// Every replica serves the load balancers, so "nothing in flight" is every replica's word: each one's drainer puts an
// acknowledgement (under its lease) once its own data plane has nothing in flight on a draining target, and the
// deregistration is complete when every live replica has put one, or the delay has passed (the target is gone). A
// dead replica's acknowledgements and its in-flight requests go with it. Event-driven: a target turning draining is
// acknowledged at once when nothing is in flight on it, and a waiter learns of completion from the store's change;
// only requests still in flight (counted here and in the workers, with no event) are looked at again, soon at first
// and then less often, down to the periodic sweep's pace.
import { Txn, type StateCache } from '../store/cache.js';
import { deregistrationDelayMs } from './attributes.js';
import type { Balancer } from './balancer.js';
import { first, type ElbTables, type TargetRecord } from './tables.js';
import type { WorkerPool } from './workerPool.js';
import { RecheckLoop } from './recheckLoop.js';

/** This replica among those serving the load balancers: its id, its lease, and every live replica's id. */
export interface DrainReplica {
  id: string;
  leaseId(): string | undefined;
  live(): readonly string[];
}

const sinceOf = (t: TargetRecord) => String(new Date(t.drainingSince ?? 0).getTime());

/** The first look again at a draining target with requests in flight; each later one waits twice as long. */
const FIRST_RECHECK_MS = 10;

export class Drainer {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Acknowledgement rounds, looked at again while some draining target has requests in flight here. */
  private readonly acks: RecheckLoop;
  private kick: NodeJS.Immediate | undefined;

  constructor(
    private readonly cache: StateCache,
    private readonly tables: ElbTables,
    private readonly balancer: Balancer,
    private readonly workers: WorkerPool | undefined,
    private readonly replica?: DrainReplica,
    private readonly periodMs = 250,
  ) {
    this.acks = new RecheckLoop(() => this.acknowledge(), FIRST_RECHECK_MS, periodMs);
  }

  start(): void {
    this.unsubscribe = this.cache.onChange((keys) => {
      if (!keys.some((k) => k.startsWith(this.tables.targets.prefix))) return;
      // Not from inside the change's delivery: a write made there could reach other caches of an in-process store
      // before the change being delivered, and they would skip it as old.
      this.kick ??= setImmediate(() => {
        this.kick = undefined;
        this.acks.kick();
      });
    });
    this.timer = setInterval(() => {
      void this.sweep().catch(() => undefined);
      this.acks.kick();
    }, this.periodMs);
    this.timer.unref();
  }

  /** Resolves once the target's deregistration is complete (see complete()). */
  whenComplete(key: string): Promise<void> {
    return new Promise((resolve) => {
      const { targets, drainAcks } = this.tables;
      // Without replicas, completion is this data plane's in-flight count, which no store change announces.
      const loop = new RecheckLoop(
        async () => {
          if (!(await this.complete(key).catch(() => false))) return true;
          off();
          loop.stop();
          resolve();
          return false;
        },
        FIRST_RECHECK_MS,
        this.periodMs,
      );
      const off = this.cache.onChange((keys) => {
        if (keys.some((k) => k.startsWith(targets.prefix) || k.startsWith(drainAcks.prefix))) loop.kick();
      });
      loop.kick();
    });
  }

  /**
   * Whether the target's deregistration is complete: gone (its delay passed), or draining with nothing in flight on
   * any live replica's data plane (each one's acknowledgement of this draining is in), or on this one alone when it
   * is the only one.
   */
  async complete(key: string): Promise<boolean> {
    const r = this.replica;
    if (!r) return this.drained(key);
    const row = this.tables.targets.get(key);
    if (!row) return true;
    if (row.value.state !== 'draining') return false;
    const since = sinceOf(row.value);
    return [...new Set([...r.live(), r.id])].every((id) => this.tables.drainAcks.get(`${key}|${id}`)?.value.since === since);
  }

  /**
   * Puts this replica's acknowledgement of each draining target it has nothing in flight on; drops stale ones.
   * Resolves whether some draining target still has requests in flight here.
   */
  async acknowledge(): Promise<boolean> {
    const r = this.replica;
    if (!r) return false;
    const lease = r.leaseId();
    const txn = new Txn();
    let pending = false;
    for (const row of this.tables.targets.values()) {
      if (row.value.state !== 'draining' || !lease) continue;
      const id = `${row.id}|${r.id}`;
      const since = sinceOf(row.value);
      const have = this.tables.drainAcks.get(id);
      if (have?.value.since === since) continue;
      if (!(await this.drained(row.id))) {
        pending = true;
        continue;
      }
      txn.put(this.tables.drainAcks, id, { target: row.id, replica: r.id, since }, have?.modRevision ?? 0, lease);
    }
    for (const ack of this.tables.drainAcks.values()) {
      if (ack.value.replica !== r.id) continue;
      const t = this.tables.targets.get(ack.value.target);
      if (!t || t.value.state !== 'draining') txn.delete(this.tables.drainAcks, ack.id, ack.modRevision);
    }
    if (txn.ops.length > 0) await this.cache.commit(txn);
    return pending;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.acks.stop();
    if (this.kick) clearImmediate(this.kick);
    this.kick = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
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
