// Why this exists: CloudWatch's time series, held in memory: one series per namespace + metric + dimension set,
// a statistic set (count, sum, min, max, and a bounded sample for percentiles) per base period, pruned after the
// retention. Every reader (GetMetricStatistics, GetMetricData, alarms, scaling) aggregates from here.

export interface Dimension {
  Name: string;
  Value: string;
}

export interface Bucket {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Raw values for percentiles, capped at MAX_SAMPLES (older ones are replaced at random). */
  values?: number[];
}

export interface Series {
  key: string;
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  unit?: string;
  /** Bucket start (epoch seconds, a multiple of the base period) → statistics. */
  buckets: Map<number, Bucket>;
  lastWriteMs: number;
}

const MAX_SAMPLES = 256;

export function seriesKey(namespace: string, metricName: string, dimensions: readonly Dimension[]): string {
  const dims = [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return `${namespace}\u0000${metricName}\u0000${dims.map((d) => `${d.Name}=${d.Value}`).join('\u0000')}`;
}

export class SeriesStore {
  readonly series = new Map<string, Series>();

  /** periodSeconds: the base period every datapoint is bucketed to; retentionSeconds: how long buckets are kept. */
  constructor(readonly periodSeconds: number, readonly retentionSeconds: number) {}

  bucketStart(ms: number): number {
    const s = Math.floor(ms / 1000);
    return s - (s % this.periodSeconds);
  }

  get(namespace: string, metricName: string, dimensions: readonly Dimension[]): Series | undefined {
    return this.series.get(seriesKey(namespace, metricName, dimensions));
  }

  private open(namespace: string, metricName: string, dimensions: readonly Dimension[], unit?: string): Series {
    const key = seriesKey(namespace, metricName, dimensions);
    let s = this.series.get(key);
    if (!s) {
      const dims = [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : 1)).map((d) => ({ Name: d.Name, Value: d.Value }));
      s = { key, namespace, metricName, dimensions: dims, unit, buckets: new Map(), lastWriteMs: 0 };
      this.series.set(key, s);
    }
    if (unit && unit !== 'None') s.unit = unit;
    return s;
  }

  /** Adds one value (or a pre-aggregated statistic set) at time `ms`. */
  add(namespace: string, metricName: string, dimensions: readonly Dimension[], ms: number, stat: Bucket | number, unit?: string, nowMs = Date.now()): void {
    const s = this.open(namespace, metricName, dimensions, unit);
    s.lastWriteMs = nowMs;
    const start = this.bucketStart(ms);
    const b = s.buckets.get(start);
    const add: Bucket = typeof stat === 'number' ? { count: 1, sum: stat, min: stat, max: stat, values: [stat] } : stat;
    if (!b) {
      s.buckets.set(start, { ...add, values: add.values ? [...add.values] : undefined });
      return;
    }
    b.count += add.count;
    b.sum += add.sum;
    b.min = Math.min(b.min, add.min);
    b.max = Math.max(b.max, add.max);
    if (add.values) {
      b.values ??= [];
      for (const v of add.values) {
        if (b.values.length < MAX_SAMPLES) b.values.push(v);
        else b.values[Math.floor(Math.random() * MAX_SAMPLES)] = v;
      }
    }
  }

  /** Replaces the bucket at `ms` (aggregators that recompute a period's statistics as samples arrive). */
  set(namespace: string, metricName: string, dimensions: readonly Dimension[], ms: number, stat: Bucket, unit?: string, nowMs = Date.now()): void {
    const s = this.open(namespace, metricName, dimensions, unit);
    s.lastWriteMs = nowMs;
    s.buckets.set(this.bucketStart(ms), stat);
  }

  /** Drops buckets older than the retention and series left empty. */
  prune(nowMs: number): void {
    const cutoff = Math.floor(nowMs / 1000) - this.retentionSeconds;
    for (const [key, s] of this.series) {
      for (const start of s.buckets.keys()) if (start < cutoff) s.buckets.delete(start);
      if (s.buckets.size === 0) this.series.delete(key);
    }
  }
}
