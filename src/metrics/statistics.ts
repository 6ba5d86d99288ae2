// Why this exists: CloudWatch's statistics (SampleCount, Sum, Average, Minimum, Maximum, pNN) over any period that is
// a multiple of the base period, computed from the series' buckets. Pure functions, shared by every reader.
import type { Bucket, Series } from './series.js';

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type Statistic = (typeof STATISTICS)[number];

export interface Datapoint {
  /** Period start, epoch seconds. */
  start: number;
  bucket: Bucket;
}

/** Merges the series' buckets into periods of `period` seconds within [startS, endS). Sorted by time, ascending. */
export function aggregate(series: Series | undefined, startS: number, endS: number, period: number): Datapoint[] {
  if (!series) return [];
  const out = new Map<number, Bucket>();
  for (const [t, b] of series.buckets) {
    if (t < startS || t >= endS) continue;
    const p = t - ((t - startS) % period);
    const cur = out.get(p);
    if (!cur) out.set(p, { count: b.count, sum: b.sum, min: b.min, max: b.max, values: b.values ? [...b.values] : undefined });
    else {
      cur.count += b.count;
      cur.sum += b.sum;
      cur.min = Math.min(cur.min, b.min);
      cur.max = Math.max(cur.max, b.max);
      if (b.values) (cur.values ??= []).push(...b.values);
    }
  }
  return [...out].sort((a, b) => a[0] - b[0]).map(([start, bucket]) => ({ start, bucket }));
}

/** One statistic of a bucket: a standard name or an extended one (p0.0–p100). undefined when not computable. */
export function statistic(b: Bucket, stat: string): number | undefined {
  switch (stat) {
    case 'SampleCount':
      return b.count;
    case 'Sum':
      return b.sum;
    case 'Average':
      return b.count ? b.sum / b.count : undefined;
    case 'Minimum':
      return b.min;
    case 'Maximum':
      return b.max;
  }
  const p = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(stat);
  if (!p) return undefined;
  if (!b.values?.length) return undefined;
  const sorted = [...b.values].sort((x, y) => x - y);
  const rank = Math.ceil((Number(p[1]) / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function isStatistic(stat: string): boolean {
  return (STATISTICS as readonly string[]).includes(stat) || /^p(\d{1,2}(?:\.\d+)?|100)$/.test(stat);
}
