// Leadership among control plane replicas sharing one store. Every replica holds a lease of its own (ReplicaLease),
// renewed while it lives and reaches the store; the leader is the replica whose lease holds the key `fleet/leader`,
// put with a guard that it does not exist. When the leader dies (or loses the store), its lease expires, etcd deletes
// the key, and the next replica to see it gone takes it. Only the leader runs the controllers; every replica serves
// the APIs. On SQLite there is one process, whose lease never ends: it leads from its first campaign.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { StateCache, Txn } from '../store/cache.js';
import type { Compare, Lease, Store } from '../store/types.js';

export const LEADER_KEY = 'fleet/leader';

export interface LeaderRecord {
  replica: string;
  url: string;
  since: string;
}

/** A replica's id: its host, process and a random part (a restarted replica is a new one). */
export function newReplicaId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** This replica's lease: granted at start, granted again whenever it is lost, until closed. */
export class ReplicaLease {
  private lease: Lease | undefined;
  private closed = false;
  private readonly renewed = new Set<(lease: Lease) => void>();
  private readonly lost = new Set<() => void>();

  constructor(
    private readonly store: Store,
    readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  /** The lease id now; undefined between a loss and the next grant. */
  get id(): string | undefined {
    return this.lease?.id;
  }

  async start(): Promise<void> {
    await this.grant();
  }

  /** Called with each new lease after a loss (keys put under the old one are gone: put them again). */
  onRenewed(fn: (lease: Lease) => void): void {
    this.renewed.add(fn);
  }

  /** Called when the lease ends without being revoked. */
  onLost(fn: () => void): void {
    this.lost.add(fn);
  }

  private async grant(): Promise<void> {
    const lease = await this.store.grantLease(this.ttlSeconds);
    if (this.closed) return void lease.revoke().catch(() => undefined);
    this.lease = lease;
    lease.onLost(() => {
      if (this.lease !== lease) return;
      this.lease = undefined;
      this.logger.warn('this replica lost its lease on the store; granting a new one');
      for (const l of this.lost) l();
      void this.regrant();
    });
  }

  private async regrant(): Promise<void> {
    for (let delay = 250; !this.closed && !this.lease; delay = Math.min(delay * 2, 4000)) {
      try {
        await this.grant();
        if (this.lease) for (const l of this.renewed) l(this.lease);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'could not grant a lease yet');
        await new Promise((ok) => setTimeout(ok, delay).unref());
      }
    }
  }

  /** Ends the lease now (a clean shutdown): what it holds is released at once rather than after its TTL. */
  async release(): Promise<void> {
    this.closed = true;
    const lease = this.lease;
    this.lease = undefined;
    await lease?.revoke().catch(() => undefined);
  }
}

export interface LeadershipOptions {
  store: Store;
  lease: ReplicaLease;
  replica: string;
  url: () => string;
  logger: Logger;
  /** Started when this replica becomes the leader, stopped when it stops being it. */
  onLead: () => void;
  onFollow: () => void;
  /** How often followers look for a missing leader key and the leader confirms it still holds it. Default 1000. */
  checkMs?: number;
}

export class Leadership {
  private leading = false;
  private current: LeaderRecord | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  /** When the leader last read its own key back (a store read that succeeded). */
  private confirmedAt = 0;
  private transitions = 0;
  private stopped = false;
  /** The leader key's mod revision from when this replica took it: what its controllers' writes are fenced on. */
  private termRevision = -1;

  constructor(private readonly opts: LeadershipOptions) {
    opts.lease.onLost(() => this.follow('its lease ended'));
    opts.lease.onRenewed(() => void this.check());
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** The leader as last seen (this replica's own record when it leads). */
  get leader(): LeaderRecord | undefined {
    return this.current;
  }

  /**
   * The guard every controller write carries: the leader key is still the one this replica put. A replica that
   * believes it leads after losing the key (a pause, a partition) has its writes refused, never applied beside the
   * new leader's. Not leading: a guard no key meets.
   */
  fence(): Compare {
    return { key: LEADER_KEY, modRevision: this.leading ? this.termRevision : -1 };
  }

  /** How many times this replica became the leader. */
  get terms(): number {
    return this.transitions;
  }

  /** Campaigns once, then checks every checkMs; `nudge` runs a check at once (the leader key changed). */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.opts.checkMs ?? 1000);
    this.timer.unref();
  }

  nudge(): void {
    void this.check();
  }

  /** Steps down (controllers stopped) and gives the key up, so another replica takes over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.leading) {
      this.follow('shutting down');
      const kv = await this.opts.store.get(LEADER_KEY).catch(() => undefined);
      if (kv && (JSON.parse(kv.value) as LeaderRecord).replica === this.opts.replica) {
        await this.opts.store.txn([{ key: LEADER_KEY, modRevision: kv.modRevision }], [{ type: 'delete', key: LEADER_KEY }]).catch(() => undefined);
      }
    }
  }

  private async check(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      await this.checkOnce();
    } catch (err) {
      this.opts.logger.debug({ err: (err as Error).message }, 'leadership check failed');
    } finally {
      this.busy = false;
    }
    // A leader that cannot read the store for half its lease's time to live may have lost the lease without hearing
    // of it: it stops before another replica can have taken over.
    if (this.leading && Date.now() - this.confirmedAt > (this.opts.lease.ttlSeconds * 1000) / 2) {
      this.follow('the store has not confirmed its leadership for half the lease time');
    }
  }

  private async checkOnce(): Promise<void> {
    const { store, replica } = this.opts;
    const kv = await store.get(LEADER_KEY);
    if (kv) {
      const rec = JSON.parse(kv.value) as LeaderRecord;
      this.current = rec;
      if (rec.replica === replica) {
        this.confirmedAt = Date.now();
        this.termRevision = kv.modRevision;
        if (!this.leading) this.lead();
      } else if (this.leading) {
        this.follow(`replica ${rec.replica} holds the leader key`);
      }
      return;
    }
    if (this.leading) this.follow('the leader key is gone');
    const leaseId = this.opts.lease.id;
    if (!leaseId) return;
    const rec: LeaderRecord = { replica, url: this.opts.url(), since: new Date().toISOString() };
    const res = await store.txn([{ key: LEADER_KEY, modRevision: 0 }], [{ type: 'put', key: LEADER_KEY, value: JSON.stringify(rec), lease: leaseId }]);
    if (res.succeeded) {
      this.current = rec;
      this.termRevision = res.revision;
      this.confirmedAt = Date.now();
      this.lead();
    }
  }

  private lead(): void {
    if (this.leading || this.stopped) return;
    this.leading = true;
    this.transitions++;
    this.opts.logger.info({ replica: this.opts.replica }, 'this replica leads: controllers started');
    this.opts.onLead();
  }

  private follow(why: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.opts.logger.warn({ replica: this.opts.replica, why }, 'this replica no longer leads: controllers stopped');
    this.opts.onFollow();
  }
}

/**
 * The cache as the leader's controllers see it: the same reads, and every transaction they commit carries the
 * leadership fence (a compare on the leader key). A write of a deposed leader fails as a conflict.
 */
export function fencedCache(cache: StateCache, fence: () => Compare): StateCache {
  const guard = (txn: Txn) => {
    if (txn.ops.length > 0) txn.compares.push(fence());
    return txn;
  };
  return new Proxy(cache, {
    get(target, prop) {
      if (prop === 'commit') return (txn: Txn) => target.commit(guard(txn));
      if (prop === 'update') {
        return <R>(attempt: () => { txn: Txn; result: R }, tries?: number) =>
          target.update(() => {
            const r = attempt();
            guard(r.txn);
            return r;
          }, tries);
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
