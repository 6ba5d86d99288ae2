// Why this exists: the metrics feature as the control plane composes it: options normalized once, the series store,
// the ECS stats recorder (the agent's ingestion interface), the alarm evaluator and the Prometheus registry.
import type { Logger } from 'pino';
import type { StateCache } from '../store/cache.js';
import { EcsStatsRecorder, type ClusterReservation, type TaskStats } from './ecsStats.js';
import { AlarmEvaluator } from './evaluator.js';
import { createPromRegistry, prometheusRoute } from './prometheus.js';
import { SeriesStore } from './series.js';
import { createMetricsTables, type MetricsTables } from './tables.js';

export interface MetricsOptions {
  cache: StateCache;
  tables: MetricsTables;
  /** --metric-period: the base datapoint period in seconds (default 60, as AWS). */
  metricPeriodSeconds?: number;
  /** How long datapoints are kept (default 15 days, as CloudWatch keeps one-minute data). */
  retentionSeconds?: number;
  /** The clusters' reserved and registered resources, sampled once per period. */
  clusterReservations?: () => ClusterReservation[];
  now?: () => number;
  logger?: Logger;
}

export class Metrics {
  readonly series: SeriesStore;
  readonly ecs: EcsStatsRecorder;
  readonly evaluator: AlarmEvaluator;
  readonly prom;
  readonly periodSeconds: number;
  readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly opts: MetricsOptions) {
    this.periodSeconds = opts.metricPeriodSeconds ?? 60;
    this.now = opts.now ?? Date.now;
    this.series = new SeriesStore(this.periodSeconds, opts.retentionSeconds ?? 15 * 86400);
    this.ecs = new EcsStatsRecorder(this.series, this.now);
    // Alarms are evaluated a few times per period so a state follows its data within a fraction of a period.
    const intervalMs = Math.max(250, Math.min(10_000, (this.periodSeconds * 1000) / 4));
    this.evaluator = new AlarmEvaluator(opts.cache, opts.tables, this.series, { intervalMs, now: this.now, logger: opts.logger });
    this.prom = createPromRegistry(this.ecs, this.series);
  }

  get tables(): MetricsTables {
    return this.opts.tables;
  }

  /** The agent's ingestion interface: one task's stats sample. */
  recordTaskStats(s: TaskStats): void {
    this.ecs.record(s);
    this.prom.counters.datapoints.inc();
  }

  start(): void {
    this.evaluator.start();
    this.timer = setInterval(() => {
      const now = this.now();
      if (this.opts.clusterReservations) this.ecs.recordReservations(this.opts.clusterReservations(), now);
      this.series.prune(now);
    }, this.periodSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    this.evaluator.stop();
    clearInterval(this.timer);
  }

  route() {
    return prometheusRoute(this.prom.registry);
  }
}

export { createMetricsTables, type MetricsTables, type TaskStats, type ClusterReservation };
export type { AlarmRecord, AlarmState } from './alarms.js';
