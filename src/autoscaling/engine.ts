// Why this exists: the scaling engine. Alarm actions (target tracking's own alarms, step policies' alarms) and
// scheduled actions become new desired counts, applied through the lead's setDesiredCount callback and recorded as
// scaling activities. Scale out as soon as AlarmHigh fires; scale in only on AlarmLow, never while AlarmHigh is in
// ALARM, never below min and not within either cooldown; suspended states are honoured.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AlarmRecord } from '../metrics/alarms.js';
import type { MetricsTables } from '../metrics/tables.js';
import { Txn, type StateCache } from '../store/cache.js';
import { clamp, stepCapacity, trackingCapacity } from './capacity.js';
import { runSchedules } from './scheduler.js';
import { cooldownId, targetId, type ActivityRecord, type CooldownRecord, type PolicyRecord, type ScalingTables, type TargetRecord } from './tables.js';

export interface ScalableService {
  desiredCount: number;
  runningCount: number;
}

export interface ScalingEngineOptions {
  cache: StateCache;
  tables: ScalingTables;
  alarms: MetricsTables;
  /** Sets a service's desiredCount; resourceId is `service/CLUSTER/SERVICE`. */
  setDesiredCount: (resourceId: string, n: number) => Promise<void> | void;
  /** The service's current counts, or undefined when it does not exist. */
  getService: (resourceId: string) => Promise<ScalableService | undefined> | ScalableService | undefined;
  now?: () => number;
  logger?: Logger;
  tickMs?: number;
  /** Cooldown when a policy names none (AWS: 300 seconds for ECS). */
  defaultCooldownSeconds?: number;
  /**
   * What alarm actions and scheduled actions write through: the leader's fenced view of the cache and its
   * setDesiredCount, so a replica that no longer leads cannot scale (default: cache and setDesiredCount).
   */
  leader?: { cache: StateCache; setDesiredCount: (resourceId: string, n: number) => Promise<void> | void };
}

const KEEP_ACTIVITIES = 100;

export class ScalingEngine {
  readonly now: () => number;
  /** What alarm and scheduled actions write through (fenced to the leader on replicas). */
  readonly leader: NonNullable<ScalingEngineOptions['leader']>;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly opts: ScalingEngineOptions) {
    this.now = opts.now ?? Date.now;
    this.leader = opts.leader ?? { cache: opts.cache, setDesiredCount: opts.setDesiredCount };
  }

  start(): void {
    this.timer = setInterval(() => void this.serial(() => runSchedules(this)), this.opts.tickMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Runs scaling work one piece at a time, so two alarms never race on one service's count. */
  serial<R>(fn: () => Promise<R>): Promise<R> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch((err: unknown) => this.opts.logger?.error({ err }, 'scaling work failed'));
    return next;
  }

  /** The alarm evaluator's action handler. */
  onAlarmAction = (arn: string, alarm: AlarmRecord, latest: number | undefined): void => {
    const row = [...this.opts.tables.policies.byIndex('arn', arn)][0];
    if (!row) return;
    void this.serial(() => this.runPolicy(row.value, alarm, latest));
  };

  private async runPolicy(p: PolicyRecord, alarm: AlarmRecord, latest: number | undefined): Promise<void> {
    const t = this.opts.tables.targets.get(targetId(p.ServiceNamespace, p.ScalableDimension, p.ResourceId))?.value;
    const svc = t && (await this.opts.getService(p.ResourceId));
    if (!t || !svc) return;
    const current = svc.desiredCount;
    const now = this.now();
    // Cooldowns are in the store, so a new leader honours the ones its predecessor started.
    const last = this.opts.tables.cooldowns.get(cooldownId(p.PolicyARN))?.value ?? {};
    const cool = (s: number | undefined) => (s ?? this.opts.defaultCooldownSeconds ?? 300) * 1000;
    let desired: number | undefined;
    if (p.PolicyType === 'TargetTrackingScaling') {
      const cfg = p.TargetTrackingScalingPolicyConfiguration!;
      if (latest === undefined) return;
      const want = clamp(trackingCapacity(current, latest, cfg.TargetValue), t.MinCapacity, t.MaxCapacity);
      if (alarm.ComparisonOperator === 'GreaterThanThreshold') {
        if (t.SuspendedState.DynamicScalingOutSuspended || want <= current) return;
        // Within the scale-out cooldown, only a larger step than the last one is taken.
        if (last.outAt !== undefined && now - last.outAt < cool(cfg.ScaleOutCooldown) && want <= (last.outTo ?? 0)) return;
        desired = want;
      } else {
        if (cfg.DisableScaleIn || t.SuspendedState.DynamicScalingInSuspended || want >= current) return;
        if (last.inAt !== undefined && now - last.inAt < cool(cfg.ScaleInCooldown)) return;
        if (last.outAt !== undefined && now - last.outAt < cool(cfg.ScaleOutCooldown)) return;
        if (this.highAlarmFiring(p)) return;
        desired = want;
      }
    } else {
      const cfg = p.StepScalingPolicyConfiguration!;
      const raw = stepCapacity(current, cfg, latest === undefined ? 0 : latest - alarm.Threshold);
      if (raw === undefined) return;
      const lastAt = Math.max(last.outAt ?? -Infinity, last.inAt ?? -Infinity);
      if (now - lastAt < cool(cfg.Cooldown)) return;
      desired = clamp(raw, t.MinCapacity, t.MaxCapacity);
      if (desired > current && t.SuspendedState.DynamicScalingOutSuspended) return;
      if (desired < current && t.SuspendedState.DynamicScalingInSuspended) return;
    }
    if (desired === current) return;
    const next: CooldownRecord = desired > current ? { ...last, outAt: now, outTo: desired } : { ...last, inAt: now };
    await this.apply(t, current, desired, `monitor alarm ${alarm.AlarmName} in state ${alarm.StateValue} triggered policy ${p.PolicyName}`, {
      leader: true,
      cooldown: { id: cooldownId(p.PolicyARN), value: next },
    });
  }

  private highAlarmFiring(p: PolicyRecord): boolean {
    return p.Alarms.some((a) => a.AlarmName.includes('-AlarmHigh-') && this.opts.alarms.alarms.get(a.AlarmName)?.value.StateValue === 'ALARM');
  }

  /** Brings a service inside its target's bounds (after RegisterScalableTarget or a scheduled action). */
  async enforceBounds(t: TargetRecord, cause: string, by: { leader?: boolean } = {}): Promise<void> {
    const svc = await this.opts.getService(t.ResourceId);
    if (!svc) return;
    const want = clamp(svc.desiredCount, t.MinCapacity, t.MaxCapacity);
    if (want !== svc.desiredCount) await this.apply(t, svc.desiredCount, want, cause, by);
  }

  /**
   * Sets the count and records the activity (and the policy's cooldown). by.leader: an alarm's or a schedule's
   * action, written through the leader's fenced cache; otherwise an API call's own consequence.
   */
  async apply(t: TargetRecord, from: number, to: number, cause: string, by: { leader?: boolean; cooldown?: { id: string; value: CooldownRecord } } = {}): Promise<void> {
    const via = by.leader ? this.leader : { cache: this.opts.cache, setDesiredCount: this.opts.setDesiredCount };
    const start = new Date(this.now());
    const act: ActivityRecord = {
      ActivityId: randomUUID(),
      ServiceNamespace: t.ServiceNamespace,
      ResourceId: t.ResourceId,
      ScalableDimension: t.ScalableDimension,
      Description: `Setting desired count to ${to}.`,
      Cause: `${cause} changing the desired capacity from ${from} to ${to}.`,
      StartTime: start,
      StatusCode: 'InProgress',
    };
    try {
      await via.setDesiredCount(t.ResourceId, to);
      Object.assign(act, { StatusCode: 'Successful', StatusMessage: `Successfully set desired count to ${to}. Change successfully fulfilled by ecs.`, EndTime: new Date(this.now()) });
    } catch (err) {
      Object.assign(act, { StatusCode: 'Failed', StatusMessage: `Failed to set desired count to ${to}: ${(err as Error).message}`, EndTime: new Date(this.now()) });
    }
    await this.record(act, via.cache, act.StatusCode === 'Successful' ? by.cooldown : undefined);
  }

  private async record(act: ActivityRecord, cache: StateCache, cooldown?: { id: string; value: CooldownRecord }): Promise<void> {
    const { activities, cooldowns } = this.opts.tables;
    const owner = targetId(act.ServiceNamespace, act.ScalableDimension, act.ResourceId);
    const txn = new Txn().put(activities, `${owner}|${String(act.StartTime.getTime()).padStart(15, '0')}|${act.ActivityId}`, act, 0);
    const old = [...activities.byIndex('target', owner)].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const r of old.slice(0, Math.max(0, old.length + 1 - KEEP_ACTIVITIES))) txn.delete(activities, r.id);
    if (cooldown) txn.put(cooldowns, cooldown.id, cooldown.value);
    await cache.commit(txn);
  }
}
