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
import { targetId, type ActivityRecord, type PolicyRecord, type ScalingTables, type TargetRecord } from './tables.js';

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
}

const KEEP_ACTIVITIES = 100;

export class ScalingEngine {
  readonly now: () => number;
  /** Per policy: when it last scaled out / in, and to what (in memory: a restart forgets cooldowns, nothing else). */
  private readonly last = new Map<string, { outAt?: number; outTo?: number; inAt?: number }>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly opts: ScalingEngineOptions) {
    this.now = opts.now ?? Date.now;
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
    const last = this.last.get(p.PolicyARN) ?? {};
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
    if (desired > current) this.last.set(p.PolicyARN, { ...last, outAt: now, outTo: desired });
    else this.last.set(p.PolicyARN, { ...last, inAt: now });
    await this.apply(t, current, desired, `monitor alarm ${alarm.AlarmName} in state ${alarm.StateValue} triggered policy ${p.PolicyName}`);
  }

  private highAlarmFiring(p: PolicyRecord): boolean {
    return p.Alarms.some((a) => a.AlarmName.includes('-AlarmHigh-') && this.opts.alarms.alarms.get(a.AlarmName)?.value.StateValue === 'ALARM');
  }

  /** Brings a service inside its target's bounds (after RegisterScalableTarget or a scheduled action). */
  async enforceBounds(t: TargetRecord, cause: string): Promise<void> {
    const svc = await this.opts.getService(t.ResourceId);
    if (!svc) return;
    const want = clamp(svc.desiredCount, t.MinCapacity, t.MaxCapacity);
    if (want !== svc.desiredCount) await this.apply(t, svc.desiredCount, want, cause);
  }

  async apply(t: TargetRecord, from: number, to: number, cause: string): Promise<void> {
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
      await this.opts.setDesiredCount(t.ResourceId, to);
      Object.assign(act, { StatusCode: 'Successful', StatusMessage: `Successfully set desired count to ${to}. Change successfully fulfilled by ecs.`, EndTime: new Date(this.now()) });
    } catch (err) {
      Object.assign(act, { StatusCode: 'Failed', StatusMessage: `Failed to set desired count to ${to}: ${(err as Error).message}`, EndTime: new Date(this.now()) });
    }
    await this.record(act);
  }

  private async record(act: ActivityRecord): Promise<void> {
    const { activities } = this.opts.tables;
    const owner = targetId(act.ServiceNamespace, act.ScalableDimension, act.ResourceId);
    const txn = new Txn().put(activities, `${owner}|${String(act.StartTime.getTime()).padStart(15, '0')}|${act.ActivityId}`, act, 0);
    const old = [...activities.byIndex('target', owner)].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const r of old.slice(0, Math.max(0, old.length + 1 - KEEP_ACTIVITIES))) txn.delete(activities, r.id);
    await this.opts.cache.commit(txn);
  }
}
