// Health checks per target with ELBv2's semantics: a check every interval, a timeout, consecutive-success and
// consecutive-failure thresholds, an HTTP code matcher, traffic-port; and the one place that turns what it has seen
// into DescribeTargetHealth's states and reason codes. Only targets of target groups in use are checked.
import http from 'node:http';
import { slowStartMs } from './attributes.js';
import type { TargetGroupRecord, TargetRecord } from './tables.js';

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface TargetHealthInfo {
  State: TargetState;
  Reason?: string;
  Description?: string;
}

/** What the API asks of the health checker. */
export interface HealthView {
  describe(tg: TargetGroupRecord, target: TargetRecord | undefined, inUse: boolean): TargetHealthInfo;
}

interface Seen {
  state: 'initial' | 'healthy' | 'unhealthy';
  reason?: string;
  description?: string;
  successes: number;
  failures: number;
  checked: boolean;
  /** When the target entered slow start (ms since the epoch), while its group's slow start lasts. */
  warmingSince?: number;
}

export const REASONS = {
  registering: ['Elb.RegistrationInProgress', 'Target registration is in progress'],
  initialChecks: ['Elb.InitialHealthChecking', 'Initial health checks in progress'],
  timeout: ['Target.Timeout', 'Request timed out'],
  failed: ['Target.FailedHealthChecks', 'Health checks failed'],
  notInUse: ['Target.NotInUse', 'Target group is not configured to receive traffic from the load balancer'],
  notRegistered: ['Target.NotRegistered', 'Target is not registered to the target group'],
  draining: ['Target.DeregistrationInProgress', 'Target deregistration is in progress'],
  disabled: ['Target.HealthCheckDisabled', 'Health checks are disabled'],
} as const;

const info = (State: TargetState, r?: readonly [string, string]): TargetHealthInfo =>
  r ? { State, Reason: r[0], Description: r[1] } : { State };

export class HealthBook implements HealthView {
  private readonly seen = new Map<string, Seen>();
  private readonly listeners = new Set<(key: string, state: TargetHealthInfo) => void>();
  /** Told whenever a target starts or stops counting as healthy (data plane workers follow this). */
  onHealthy: ((key: string, healthy: boolean, warmingSince?: number) => void) | undefined;

  describe(tg: TargetGroupRecord, t: TargetRecord | undefined, inUse: boolean): TargetHealthInfo {
    if (!t) return info('unused', REASONS.notRegistered);
    if (t.state === 'draining') return info('draining', REASONS.draining);
    if (!inUse) return info('unused', REASONS.notInUse);
    if (!tg.healthCheck.enabled) return info('unavailable', REASONS.disabled);
    const s = this.seen.get(`${tg.id}/${t.targetId}:${t.port}`);
    if (!s) return info('initial', REASONS.registering);
    if (s.state === 'initial') return info('initial', s.checked ? REASONS.initialChecks : REASONS.registering);
    if (s.state === 'healthy') return info('healthy');
    return { State: 'unhealthy', Reason: s.reason, Description: s.description };
  }

  /** Routable as healthy (health checks disabled count as healthy). */
  healthy(key: string): boolean {
    return this.seen.get(key)?.state === 'healthy';
  }

  /** When a healthy target entered slow start, if it did. */
  warmingSince(key: string): number | undefined {
    return this.seen.get(key)?.warmingSince;
  }

  onChange(fn: (key: string, state: TargetHealthInfo) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  keys(): IterableIterator<string> {
    return this.seen.keys();
  }

  forget(key: string): void {
    if (this.seen.get(key)?.state === 'healthy') this.onHealthy?.(key, false);
    this.seen.delete(key);
  }

  /**
   * ELBv2's slow start: a target that turns healthy warms up only when its group has slow start on and another
   * healthy target that is not warming up itself (so the first targets of a group get their full share at once).
   */
  private entersSlowStart(key: string, tg: TargetGroupRecord): boolean {
    const duration = slowStartMs(tg.attributes);
    if (duration <= 0) return false;
    const prefix = `${tg.id}/`;
    const now = Date.now();
    for (const [other, s] of this.seen) {
      if (other === key || !other.startsWith(prefix) || s.state !== 'healthy') continue;
      if (s.warmingSince === undefined || now - s.warmingSince >= duration) return true;
    }
    return false;
  }

  /** Records one check's outcome; `failure` is [reason, description] when it failed. */
  record(key: string, tg: TargetGroupRecord, failure: readonly [string, string] | undefined): void {
    const s = this.seen.get(key) ?? { state: 'initial', successes: 0, failures: 0, checked: false };
    const before = s.state;
    s.checked = true;
    if (!failure) {
      s.successes++;
      s.failures = 0;
      if (s.state !== 'healthy' && s.successes >= tg.healthCheck.healthyThreshold) s.state = 'healthy';
    } else {
      s.failures++;
      s.successes = 0;
      if (s.state === 'unhealthy' || s.failures >= tg.healthCheck.unhealthyThreshold) {
        Object.assign(s, { state: 'unhealthy', reason: failure[0], description: failure[1] });
      }
    }
    this.seen.set(key, s);
    if (s.state !== before) {
      s.warmingSince = s.state === 'healthy' && this.entersSlowStart(key, tg) ? Date.now() : undefined;
      if (s.state === 'healthy' || before === 'healthy') this.onHealthy?.(key, s.state === 'healthy', s.warmingSince);
      const st: TargetHealthInfo = s.state === 'unhealthy' ? { State: s.state, Reason: s.reason, Description: s.description } : { State: s.state };
      for (const l of this.listeners) l(key, st);
    }
  }
}

/** `200`, `200-299`, `200,202` as ELBv2's HttpCode matcher. */
export function matches(matcher: string, code: number): boolean {
  return matcher.split(',').some((part) => {
    const [lo, hi] = part.trim().split('-').map(Number);
    return hi === undefined ? code === lo : code >= lo! && code <= hi;
  });
}

/** One health check request; resolves undefined when healthy, else [reason, description]. */
export function probe(host: string, port: number, tg: TargetGroupRecord): Promise<readonly [string, string] | undefined> {
  const hc = tg.healthCheck;
  return new Promise((done) => {
    const req = http.get({ host, port, path: hc.path, agent: false, headers: { 'user-agent': 'ELB-HealthChecker/2.0' } }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      done(matches(hc.matcher, code) ? undefined : ['Target.ResponseCodeMismatch', `Health checks failed with these codes: [${code}]`]);
    });
    req.setTimeout(hc.timeoutSeconds * 1000, () => {
      req.destroy();
      done(REASONS.timeout);
    });
    req.on('error', () => done(REASONS.failed));
  });
}
