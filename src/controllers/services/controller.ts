// The service controller, level-driven: changes to services, tasks and instances only mark services dirty; a worker
// reconciles each dirty service from the current state (reconcile.ts decides, apply.ts commits one guarded
// transaction), and a resync every second marks them all, for what time alone changes (back-off, grace periods).
// The end of a traffic-shifting service's bake (or of a step's bake), a lifecycle hook's expiry and its next call are
// the exception: a timer at that moment marks the service, so blue goes when the bake ends and a hook times out when
// it expires, not at the next resync.
// An error leaves the service dirty for the next round. Safe to kill and restart at any point: all it knows is in
// the store (deployments and failures on the service record, tasks tagged with their deployment id).
import type { Logger } from 'pino';
import type { PlacementPools } from '../../placement/pools.js';
import { Txn, type StateCache } from '../../store/cache.js';
import type { ServiceRecord } from '../../domain/service.js';
import type { Tables } from '../../state/tables.js';
import { applyDecision } from './apply.js';
import { HookCaller } from './hookCalls.js';
import { AZ_ATTRIBUTE, rebalances } from './azRebalance.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './circuitBreaker.js';
import { allTargetsHealthy, type TargetFailure, type TargetHealth } from './health.js';
import { reconcile, type ReconcileEnv } from './reconcile.js';
import { buildView } from './view.js';
import { shiftedLoadBalancer } from '../../domain/service.js';
import { rulesFor, type ForwardTo } from './trafficShift.js';
import type { AlarmStateOf } from './deploymentAlarms.js';

/** Sets a listener rule's forward action (src/lb provides it); writes nothing when it already says that. */
export type ForwardRule = (ruleArn: string, groups: ForwardTo[]) => Promise<void>;

export interface ServiceControllerOptions {
  cache: StateCache;
  tables: Tables;
  pools: PlacementPools;
  logger: Logger;
  /** Target health from the load balancer; without it every task counts as healthy. */
  targetHealth?: TargetHealth;
  /** The target group a task's target is failing in (the load balancer's health checks), if any. */
  targetFailure?: TargetFailure;
  backoff?: BackoffOptions;
  stoppedRetentionMs?: number;
  now?: () => Date;
  /** Moves traffic for BLUE_GREEN, LINEAR and CANARY services; without it their listener rules are left alone. */
  forwardRule?: ForwardRule;
  /** The length of a bake-time minute (60 s unless given: tests shorten it). */
  minuteMs?: number;
  /** CloudWatch alarm states by name, for deployment alarms. */
  alarmState?: AlarmStateOf;
  /**
   * The store prefix of the alarms alarmState reads. A change there marks the services watching alarms at once: a
   * state set with SetAlarmState lasts only until the alarm's next evaluation, which the resync could miss.
   */
  alarmsPrefix?: string;
}

export class ServiceController {
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private kick: NodeJS.Immediate | undefined;
  private running = false;
  private unsubscribe: (() => void) | undefined;
  private readonly now: () => Date;
  private readonly hooks: HookCaller;
  /** Per service, the timer for its next deadline (armDeadline) and that deadline (epoch ms). */
  private readonly deadlines = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  constructor(private readonly opts: ServiceControllerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.hooks = new HookCaller({
      cache: opts.cache,
      tables: opts.tables,
      logger: opts.logger,
      now: this.now,
      answered: (id) => {
        this.dirty.add(id);
        this.schedule();
      },
    });
  }

  start(resyncMs = 1000): void {
    const { tables } = this.opts;
    const svc = tables.services.prefix;
    const task = tables.tasks.prefix;
    const inst = tables.containerInstances.prefix;
    const alarms = this.opts.alarmsPrefix;
    this.unsubscribe = this.opts.cache.onChange((keys) => {
      for (const k of keys) {
        if (k.startsWith(svc)) this.dirty.add(k.slice(svc.length));
        else if (k.startsWith(task)) {
          const t = tables.tasks.get(k.slice(task.length))?.value;
          if (t?.task.group?.startsWith('service:')) this.dirty.add(`${t.clusterName}/${t.task.group.slice(8)}`);
        } else if (k.startsWith(inst)) this.markAll();
        else if (alarms && k.startsWith(alarms)) this.markWatchingAlarms();
      }
      this.schedule();
    });
    this.timer = setInterval(() => {
      this.markAll();
      void this.pass();
    }, resyncMs);
    this.timer.unref();
    this.markAll();
    this.schedule();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.kick) clearImmediate(this.kick);
    this.unsubscribe?.();
    for (const d of this.deadlines.values()) clearTimeout(d.timer);
    this.deadlines.clear();
  }

  private markAll(): void {
    for (const row of this.opts.tables.services.values()) if (row.value.service.status !== 'INACTIVE') this.dirty.add(row.id);
  }

  private markWatchingAlarms(): void {
    for (const row of this.opts.tables.services.values()) {
      if (row.value.service.status !== 'INACTIVE' && row.value.service.deploymentConfiguration?.alarms?.enable) this.dirty.add(row.id);
    }
  }

  private schedule(): void {
    if (this.kick || this.dirty.size === 0) return;
    this.kick = setImmediate(() => {
      this.kick = undefined;
      void this.pass();
    });
  }

  /** Reconciles every dirty service once (all of them when `all`); exported for tests. */
  async pass(all = false): Promise<void> {
    if (all) this.markAll();
    if (this.running) return;
    this.running = true;
    try {
      while (this.dirty.size > 0) {
        const ids = [...this.dirty];
        this.dirty.clear();
        for (const id of ids) {
          try {
            await this.reconcileOne(id);
          } catch (err) {
            this.opts.logger.warn({ err, service: id }, 'service reconcile failed; retrying on the next pass');
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async reconcileOne(id: string): Promise<void> {
    const { tables, cache } = this.opts;
    await cache.update(() => {
      const row = tables.services.get(id);
      if (!row) return { txn: new Txn(), result: null };
      const now = this.now();
      const view = buildView(tables, row, now, this.opts.targetHealth ?? allTargetsHealthy, this.opts.targetFailure);
      const decision = reconcile(view, this.env(row.value));
      return { txn: applyDecision(this.opts, view, decision, row.modRevision).txn, result: null };
    });
    await this.applyTraffic(id);
    this.hooks.callDue(id);
    this.armDeadline(id);
  }

  /**
   * Sets a timer for the service's next deadline, which only time reaches: a bake's end (the whole bake's or a step's),
   * an open lifecycle hook's expiry, or its next call.
   */
  private armDeadline(id: string): void {
    const st = this.opts.tables.services.get(id)?.value.blueGreen;
    const now = this.now().getTime();
    const open = (st?.hooks ?? []).filter((h) => h.status === 'IN_PROGRESS' || h.status === 'AWAITING_ACTION');
    const next = [st?.bakeUntil, st?.stepUntil, ...open.flatMap((h) => [h.expiresAt, h.nextCallAt])]
      .map((d) => (d ? new Date(d).getTime() : NaN))
      .filter((t) => t > now)
      .sort((a, b) => a - b)[0];
    const have = this.deadlines.get(id);
    if (have?.at === next) return;
    if (have) clearTimeout(have.timer);
    this.deadlines.delete(id);
    // Beyond setTimeout's range (24.8 days) the resync is early enough.
    if (next === undefined || next - now > 2 ** 31 - 1) return;
    const timer = setTimeout(() => {
      this.deadlines.delete(id);
      this.dirty.add(id);
      this.schedule();
    }, next - now);
    timer.unref();
    this.deadlines.set(id, { at: next, timer });
  }

  /** Makes the listener rules of a traffic-shifting service say what its record says (level-driven, idempotent). */
  private async applyTraffic(id: string): Promise<void> {
    const rec = this.opts.tables.services.get(id)?.value;
    const lb = rec && this.opts.forwardRule ? shiftedLoadBalancer(rec) : undefined;
    if (!rec || !lb || rec.service.status === 'INACTIVE') return;
    for (const r of rulesFor(rec, lb)) await this.opts.forwardRule!(r.ruleArn, r.groups);
  }

  /** The zones of a cluster's instances that can take tasks: ACTIVE, agent connected. */
  private zones(cluster: string): string[] {
    const out = new Set<string>();
    for (const row of this.opts.tables.containerInstances.byIndex('cluster', cluster)) {
      const ci = row.value;
      if (ci.status !== 'ACTIVE' || !ci.agentConnected) continue;
      const az = ci.attributes?.find((a) => a.name === AZ_ATTRIBUTE)?.value;
      if (az) out.add(az);
    }
    return [...out];
  }

  private env(rec: ServiceRecord): ReconcileEnv {
    const env: ReconcileEnv = {
      backoff: this.opts.backoff ?? DEFAULT_BACKOFF,
      minuteMs: this.opts.minuteMs,
      alarmState: this.opts.alarmState,
      zones: rebalances(rec) ? this.zones(rec.clusterName) : undefined,
    };
    if (rec.service.schedulingStrategy !== 'DAEMON' || !rec.deployments[0]) return env;
    const { tables, pools } = this.opts;
    const td = [...tables.taskDefinitions.byIndex('arn', rec.deployments[0].taskDefinition!)][0]?.value.taskDefinition;
    if (!td) return env;
    const instances = [...tables.containerInstances.byIndex('cluster', rec.clusterName)].map((r) => ({ key: r.id, ci: r.value }));
    return { ...env, daemon: { instances, state: pools.pool(rec.clusterName), td } };
  }
}
