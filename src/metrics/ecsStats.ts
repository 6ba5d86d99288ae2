// Why this exists: the agent ships each task's CPU and memory samples; ECS turns them into AWS/ECS CPUUtilization and
// MemoryUtilization per cluster and per service (used over reserved, so it can pass 100), and samples the clusters'
// CPUReservation/MemoryReservation each period. This is that translation, writing into the SeriesStore.
import type { Bucket, Dimension, SeriesStore } from './series.js';

export interface TaskStats {
  cluster: string;
  service?: string;
  taskArn: string;
  cpuUnitsUsed: number;
  cpuReserved: number;
  memoryUsedMiB: number;
  memoryReservedMiB: number;
  at: Date;
}

export interface ClusterReservation {
  cluster: string;
  cpuReserved: number;
  cpuRegistered: number;
  memoryReservedMiB: number;
  memoryRegisteredMiB: number;
  runningTasks?: number;
}

/** One period's running totals for a series: used and reserved, summed over the samples, and per-sample extremes. */
interface Acc {
  period: number;
  used: number;
  reserved: number;
  count: number;
  min: number;
  max: number;
}

export const ECS_NAMESPACE = 'AWS/ECS';

export class EcsStatsRecorder {
  private readonly acc = new Map<string, Acc>();
  /** The last sample of each task (for Prometheus), by task ARN. */
  readonly latest = new Map<string, TaskStats>();

  constructor(private readonly series: SeriesStore, private readonly now: () => number = Date.now) {}

  record(s: TaskStats): void {
    this.latest.set(s.taskArn, s);
    const ms = s.at.getTime();
    const dimsSets: Dimension[][] = [[{ Name: 'ClusterName', Value: s.cluster }]];
    if (s.service) dimsSets.push([{ Name: 'ClusterName', Value: s.cluster }, { Name: 'ServiceName', Value: s.service }]);
    for (const dims of dimsSets) {
      this.accumulate('CPUUtilization', dims, ms, s.cpuUnitsUsed, s.cpuReserved);
      this.accumulate('MemoryUtilization', dims, ms, s.memoryUsedMiB, s.memoryReservedMiB);
    }
  }

  forget(taskArn: string): void {
    this.latest.delete(taskArn);
  }

  /** Writes CPUReservation/MemoryReservation (reserved over registered, in percent) for each cluster at `ms`. */
  recordReservations(reservations: readonly ClusterReservation[], ms = this.now()): void {
    for (const r of reservations) {
      const dims = [{ Name: 'ClusterName', Value: r.cluster }];
      if (r.cpuRegistered > 0) this.series.add(ECS_NAMESPACE, 'CPUReservation', dims, ms, (100 * r.cpuReserved) / r.cpuRegistered, 'Percent', ms);
      if (r.memoryRegisteredMiB > 0) this.series.add(ECS_NAMESPACE, 'MemoryReservation', dims, ms, (100 * r.memoryReservedMiB) / r.memoryRegisteredMiB, 'Percent', ms);
      if (r.runningTasks !== undefined) this.series.add(ECS_NAMESPACE, 'RunningTaskCount', dims, ms, r.runningTasks, 'Count', ms);
    }
  }

  /** Drops running totals of periods long past (their buckets stay in the series). */
  private forgetBefore(period: number): void {
    if (this.acc.size < 1000) return;
    for (const [k, a] of this.acc) if (a.period < period) this.acc.delete(k);
  }

  private accumulate(metric: string, dims: Dimension[], ms: number, used: number, reserved: number): void {
    if (!(reserved > 0)) return;
    const period = this.series.bucketStart(ms);
    // Per period: replicas apply each other's samples later than their own, so a late sample of an earlier period
    // must add to that period rather than start it again.
    const key = `${metric}\u0000${dims.map((d) => d.Value).join('\u0000')}\u0000${period}`;
    let a = this.acc.get(key);
    if (!a) {
      a = { period, used: 0, reserved: 0, count: 0, min: Infinity, max: -Infinity };
      this.acc.set(key, a);
      this.forgetBefore(period - 10 * this.series.periodSeconds);
    }
    const pct = (100 * used) / reserved;
    a.used += used;
    a.reserved += reserved;
    a.count += 1;
    a.min = Math.min(a.min, pct);
    a.max = Math.max(a.max, pct);
    // ECS's Average is total used over total reserved in the period, not the mean of the tasks' percentages.
    const avg = (100 * a.used) / a.reserved;
    const bucket: Bucket = { count: a.count, sum: avg * a.count, min: a.min, max: a.max };
    this.series.set(ECS_NAMESPACE, metric, dims, ms, bucket, 'Percent', this.now());
  }
}
