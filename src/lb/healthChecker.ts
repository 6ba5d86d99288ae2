// Runs the health checks: one timer per target of a target group in use, re-read from the cache on every check so
// modified settings apply at the next interval. Follows the cache: new targets start checking, removed ones stop.
import type { Logger } from 'pino';
import type { StateCache } from '../store/cache.js';
import { probe, type HealthBook } from './health.js';
import { first, type ElbTables, type TargetGroupRecord, type TargetRecord } from './tables.js';
import { targetGroupsInUse } from './usage.js';

export type ResolveInstance = (instanceId: string) => string | undefined;

/** Where a target is reached: ip targets by their address, instance targets through the resolver (default loopback). */
export function targetHost(tg: TargetGroupRecord, t: TargetRecord, resolveInstance: ResolveInstance): string {
  return tg.targetType === 'ip' ? t.targetId : (resolveInstance(t.targetId) ?? '127.0.0.1');
}

export class HealthChecker {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private pending = false;

  constructor(
    private readonly cache: StateCache,
    private readonly tables: ElbTables,
    private readonly book: HealthBook,
    private readonly resolveInstance: ResolveInstance,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.unsubscribe = this.cache.onChange((keys) => {
      if (this.pending || !keys.some((k) => k.startsWith('elbv2/'))) return;
      this.pending = true;
      queueMicrotask(() => {
        this.pending = false;
        this.reconcile();
      });
    });
    this.reconcile();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** The targets that should be checked now, by key. */
  private wanted(): Set<string> {
    const inUse = targetGroupsInUse(this.tables);
    const out = new Set<string>();
    for (const row of this.tables.targets.values()) {
      if (row.value.state !== 'registered' || !inUse.has(row.value.targetGroupArn)) continue;
      const tg = first(this.tables.targetGroups.byIndex('arn', row.value.targetGroupArn));
      if (tg?.value.healthCheck.enabled) out.add(row.id);
    }
    return out;
  }

  reconcile(): void {
    if (this.stopped) return;
    const wanted = this.wanted();
    for (const [key, timer] of this.timers) {
      if (wanted.has(key)) continue;
      clearTimeout(timer);
      this.timers.delete(key);
    }
    // What was seen of a target no longer checked (draining, gone, group unused) does not carry over to a re-registration.
    for (const key of [...this.book.keys()]) if (!wanted.has(key)) this.book.forget(key);
    // A new target is checked at once (spread a little so many registrations do not fire together).
    for (const key of wanted) if (!this.timers.has(key)) this.schedule(key, Math.random() * 200);
  }

  private schedule(key: string, delayMs: number): void {
    const timer = setTimeout(() => void this.check(key), delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  private async check(key: string): Promise<void> {
    const t = this.tables.targets.get(key)?.value;
    const tg = t && first(this.tables.targetGroups.byIndex('arn', t.targetGroupArn))?.value;
    if (!t || !tg || this.stopped) return;
    const hc = tg.healthCheck;
    const port = hc.port === 'traffic-port' ? t.port : Number(hc.port);
    const started = Date.now();
    const failure = await probe(targetHost(tg, t, this.resolveInstance), port, tg);
    if (this.stopped || !this.timers.has(key)) return;
    const fresh = first(this.tables.targetGroups.byIndex('arn', t.targetGroupArn))?.value ?? tg;
    this.book.record(key, fresh, failure);
    if (failure) this.logger.debug({ key, failure }, 'health check failed');
    const next = Math.max(0, fresh.healthCheck.intervalSeconds * 1000 - (Date.now() - started));
    this.schedule(key, next);
  }
}
