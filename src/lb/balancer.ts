// Picks the target for a request within one target group: healthy registered targets (all registered ones when none
// is healthy: ALB fails open), by round robin or least outstanding requests, honouring lb_cookie stickiness. Keeps the
// in-flight count per target that least-outstanding routing and draining read. Candidate lists are cached and
// rebuilt when the store or a target's health changes.
import { targetHost, type ResolveInstance } from './healthChecker.js';
import { first, type ElbTables, type TargetGroupRecord } from './tables.js';

export interface Pick {
  key: string;
  host: string;
  port: number;
  /** `host:port`, made once: what target connections are pooled by. */
  addr: string;
  tg: TargetGroupRecord;
}

interface Group {
  tg: TargetGroupRecord;
  candidates: Pick[];
  next: number;
  /** The group's algorithm, read once from its attributes. */
  algorithm: 'round_robin' | 'least_outstanding_requests' | 'weighted_random';
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
    private readonly book: { healthy(key: string): boolean },
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
    g = { tg, candidates: healthy.length ? healthy : registered, next: 0, algorithm: algorithm(tg) };
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
    return c[g.next++ % c.length];
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
