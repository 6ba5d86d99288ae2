// Why this exists: the metrics feature as the control plane composes it: options normalized once, the series store,
// the ECS stats recorder (the agent's ingestion interface), the alarm evaluator and the Prometheus registry.
import type { Logger } from 'pino';
import type { StateCache } from '../store/cache.js';
import { EcsStatsRecorder, type ClusterReservation, type TaskStats } from './ecsStats.js';
import { AlarmEvaluator } from './evaluator.js';
import { createPromRegistry, prometheusRoute } from './prometheus.js';
import { SeriesStore } from './series.js';
import { createMetricsTables, type MetricsTables } from './tables.js';
import { OpLog, type Outcome, type Replication } from '../store/opLog.js';
import type { Bucket, Dimension } from './series.js';

/** A change to the series, carrying all it depends on, so every replica applies it alike (store/opLog.ts). */
export type MetricOp =
  | { k: 'data'; namespace: string; items: { metricName: string; dimensions: Dimension[]; at: number; stat: Bucket | number; unit?: string }[]; now: number }
  | { k: 'stats'; stats: Omit<TaskStats, 'at'> & { at: number } };

export interface MetricsOptions {
  cache: StateCache;
  /** What the alarm evaluator commits state changes through: the leader's fenced cache on replicas (default cache). */
  evaluatorCache?: StateCache;
  tables: MetricsTables;
  /** --metric-period: the base datapoint period in seconds (default 60, as AWS). */
  metricPeriodSeconds?: number;
  /** How long datapoints are kept (default 15 days, as CloudWatch keeps one-minute data). */
  retentionSeconds?: number;
  /** The clusters' reserved and registered resources, sampled once per period. */
  clusterReservations?: () => ClusterReservation[];
  /** Managed scaling's CapacityProviderReservation per provider and cluster, sampled once per period. */
  capacityReservations?: () => { capacityProviderName: string; clusterName: string; reservation: number }[];
  now?: () => number;
  logger?: Logger;
  /**
   * Control plane replicas on one store: datapoints and task stats are operations in the store that every replica
   * applies to its own series (store/opLog.ts), so any replica answers for all and the leader's alarms see all.
   */
  replication?: Replication<MetricOp>;
}

export class Metrics {
  readonly series: SeriesStore;
  readonly ecs: EcsStatsRecorder;
  readonly evaluator: AlarmEvaluator;
  readonly prom;
  readonly periodSeconds: number;
  readonly now: () => number;
  readonly ops: OpLog<MetricOp>;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly opts: MetricsOptions) {
    this.periodSeconds = opts.metricPeriodSeconds ?? 60;
    this.now = opts.now ?? Date.now;
    this.series = new SeriesStore(this.periodSeconds, opts.retentionSeconds ?? 15 * 86400);
    this.ecs = new EcsStatsRecorder(this.series, this.now);
    // Alarms are evaluated a few times per period so a state follows its data within a fraction of a period.
    const intervalMs = Math.max(250, Math.min(10_000, (this.periodSeconds * 1000) / 4));
    this.evaluator = new AlarmEvaluator(opts.evaluatorCache ?? opts.cache, opts.tables, this.series, { intervalMs, now: this.now, logger: opts.logger });
    this.prom = createPromRegistry(this.ecs, this.series);
    this.ops = new OpLog<MetricOp>({
      replication: opts.replication,
      // Agents ship stats every few seconds per task: a longer batch window keeps the store's writes few.
      flushMs: 50,
      apply: (ops) => ops.map((op) => this.applyOp(op)),
      logger: opts.logger,
    });
  }

  private applyOp(op: MetricOp): Outcome {
    try {
      if (op.k === 'stats') this.ecs.record({ ...op.stats, at: new Date(op.stats.at) });
      else for (const d of op.items) this.series.add(op.namespace, d.metricName, d.dimensions, d.at, d.stat, d.unit, op.now);
      return { ok: true, value: undefined };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** PutMetricData's datapoints (already checked); resolves once they are in the store (applied here at once alone). */
  async putData(namespace: string, items: Extract<MetricOp, { k: 'data' }>['items'], now: number): Promise<void> {
    await this.ops.submit({ k: 'data', namespace, items, now });
    this.prom.counters.datapoints.inc(items.length);
  }

  get tables(): MetricsTables {
    return this.opts.tables;
  }

  /** The agent's ingestion interface: one task's stats sample. */
  recordTaskStats(s: TaskStats): void {
    this.ops.submit({ k: 'stats', stats: { ...s, at: s.at.getTime() } }).catch((err: unknown) => this.opts.logger?.warn({ err }, 'could not record task stats'));
    this.prom.counters.datapoints.inc();
  }

  start(): void {
    this.ops.start();
    this.evaluator.start();
    this.timer = setInterval(() => {
      const now = this.now();
      if (this.opts.clusterReservations) this.ecs.recordReservations(this.opts.clusterReservations(), now);
      for (const r of this.opts.capacityReservations?.() ?? []) {
        const dims = [{ Name: 'CapacityProviderName', Value: r.capacityProviderName }, { Name: 'ClusterName', Value: r.clusterName }];
        this.series.add('AWS/ECS/ManagedScaling', 'CapacityProviderReservation', dims, now, r.reservation, 'Percent', now);
      }
      this.series.prune(now);
    }, this.periodSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    this.ops.stop();
    this.evaluator.stop();
    clearInterval(this.timer);
  }

  route() {
    return prometheusRoute(this.prom.registry);
  }
}

export { createMetricsTables, type MetricsTables, type TaskStats, type ClusterReservation };
export type { AlarmRecord, AlarmState } from './alarms.js';
