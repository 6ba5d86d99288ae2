// Picks the target for a request within one target group: healthy registered targets (all registered ones when none
// is healthy: ALB fails open), by round robin or least outstanding requests, honouring lb_cookie stickiness. Keeps the
// in-flight count per target that least-outstanding routing and draining read. Targets in slow start get a share
// that grows linearly over the group's slow start duration. Candidate lists are cached and rebuilt when the store or
// a target's health changes.
import { slowStartMs } from './attributes.js';
import { targetHost, type ResolveInstance } from './healthChecker.js';
import { first, type ElbTables, type TargetGroupRecord } from './tables.js';

export interface Pick {
  key: string;
  host: string;
  port: number;
  /** `host:port`, made once: what target connections are pooled by. */
  addr: string;
  tg: TargetGroupRecord;
  /** When the target entered slow start, while its group has slow start on. */
  warmingSince?: number;
}

interface Group {
  tg: TargetGroupRecord;
  candidates: Pick[];
  next: number;
  /** The group's algorithm, read once from its attributes. */
  algorithm: 'round_robin' | 'least_outstanding_requests' | 'weighted_random';
  slowStartMs: number;
  /** Some candidate is in slow start: picks are weighted until every one has warmed up. */
  warming: boolean;
}

function algorithm(tg: TargetGroupRecord): Group['algorithm'] {
  const a = tg.attributes['load_balancing.algorithm.type'];
  return a === 'least_outstanding_requests' || a === 'weighted_random' ? a : 'round_robin';
}

export class Balancer {
  private readonly groups = new Map<string, Group>();
  readonly inflight = new Map<string, number>();

  constructor(
    private readonly tables: ElbTables,
    private readonly book: { healthy(key: string): boolean; warmingSince(key: string): number | undefined },
    private readonly resolveInstance: ResolveInstance,
  ) {}

  /** Forget cached candidates (the store or health changed). */
  invalidate(): void {
    this.groups.clear();
  }

  private group(tgArn: string): Group | undefined {
    let g = this.groups.get(tgArn);
    if (g) return g;
    const tg = first(this.tables.targetGroups.byIndex('arn', tgArn))?.value;
    if (!tg) return undefined;
    const registered: Pick[] = [];
    for (const row of this.tables.targets.byIndex('group', tgArn)) {
      const t = row.value;
      if (t.state !== 'registered') continue;
      const host = targetHost(tg, t, this.resolveInstance);
      registered.push({ key: row.id, host, port: t.port, addr: `${host}:${t.port}`, tg });
    }
    registered.sort((a, b) => (a.key < b.key ? -1 : 1));
    const healthy = tg.healthCheck.enabled ? registered.filter((p) => this.book.healthy(p.key)) : registered;
    const slow = slowStartMs(tg.attributes);
    if (slow > 0) for (const p of healthy) p.warmingSince = this.book.warmingSince(p.key);
    const candidates = healthy.length ? healthy : registered;
    g = { tg, candidates, next: 0, algorithm: algorithm(tg), slowStartMs: slow, warming: candidates.some((p) => p.warmingSince !== undefined) };
    this.groups.set(tgArn, g);
    return g;
  }

  /** The target for a request, or undefined when the group has no registered target (ALB: 503). */
  pick(tgArn: string, stickyKey?: string): Pick | undefined {
    const g = this.group(tgArn);
    if (!g || g.candidates.length === 0) return undefined;
    const c = g.candidates;
    if (stickyKey) {
      const s = c.find((p) => p.key === stickyKey);
      if (s) return s;
    }
    if (c.length === 1) return c[0];
    if (g.algorithm === 'least_outstanding_requests') {
      let best = c[g.next++ % c.length]!;
      let bestN = this.inflight.get(best.key) ?? 0;
      for (const p of c) {
        const n = this.inflight.get(p.key) ?? 0;
        if (n < bestN) [best, bestN] = [p, n];
      }
      return best;
    }
    if (g.algorithm === 'weighted_random') return c[Math.floor(Math.random() * c.length)];
    if (g.warming) {
      const p = this.warmingPick(g);
      if (p) return p;
    }
    return c[g.next++ % c.length];
  }

  /**
   * Slow start: a warming target's weight grows linearly from 0 to 1 over the group's slow start duration (the
   * others weigh 1), and a weighted random pick follows. Undefined once every target has warmed up.
   */
  private warmingPick(g: Group): Pick | undefined {
    const now = Date.now();
    const weights = g.candidates.map((p) => (p.warmingSince === undefined ? 1 : Math.min(1, Math.max(0, (now - p.warmingSince) / g.slowStartMs))));
    if (weights.every((w) => w === 1)) {
      g.warming = false;
      return undefined;
    }
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) return undefined;
    let r = Math.random() * total;
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) < 0) return g.candidates[i];
    return g.candidates[g.candidates.length - 1];
  }

  begin(key: string): void {
    this.inflight.set(key, (this.inflight.get(key) ?? 0) + 1);
  }

  end(key: string): void {
    const n = (this.inflight.get(key) ?? 1) - 1;
    if (n <= 0) this.inflight.delete(key);
    else this.inflight.set(key, n);
  }
}

/** Weighted choice among a forward action's target groups. */
export function chooseWeighted(groups: readonly { arn: string; weight: number }[]): string | undefined {
  if (groups.length === 1) return groups[0]!.arn;
  const total = groups.reduce((s, g) => s + g.weight, 0);
  if (total <= 0) return groups[0]?.arn;
  let r = Math.random() * total;
  for (const g of groups) if ((r -= g.weight) < 0) return g.arn;
  return groups[groups.length - 1]?.arn;
}
