// Why this exists: the issue 8 benchmark for metrics: 1,000 containers' stats ingested every period into the series
// store (CPU time per period), and the memory held by 24 hours of one-minute datapoints, plus one alarm pass.
import { EcsStatsRecorder } from '../src/metrics/ecsStats.js';
import { SeriesStore } from '../src/metrics/series.js';
import { aggregate } from '../src/metrics/statistics.js';

const CONTAINERS = 1000;
const SERVICES = 100;
const CLUSTERS = 5;
const PERIOD = 60;
const PERIODS = 24 * 60;

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heap0 = process.memoryUsage().heapUsed;
const series = new SeriesStore(PERIOD, 25 * 3600);
const t0 = Date.now() - PERIODS * PERIOD * 1000;
const rec = new EcsStatsRecorder(series, () => t0);
const perPeriod: number[] = [];
for (let p = 0; p < PERIODS; p++) {
  const at = new Date(t0 + p * PERIOD * 1000);
  const start = process.cpuUsage();
  for (let c = 0; c < CONTAINERS; c++) {
    const svc = c % SERVICES;
    rec.record({ cluster: `c${svc % CLUSTERS}`, service: `s${svc}`, taskArn: `t${c}`, cpuUnitsUsed: (c * 7) % 300, cpuReserved: 256, memoryUsedMiB: 100 + (c % 50), memoryReservedMiB: 512, at });
  }
  rec.recordReservations(Array.from({ length: CLUSTERS }, (_, i) => ({ cluster: `c${i}`, cpuReserved: 50_000, cpuRegistered: 100_000, memoryReservedMiB: 100_000, memoryRegisteredMiB: 200_000 })), at.getTime());
  const used = process.cpuUsage(start);
  perPeriod.push((used.user + used.system) / 1000);
}
gc?.();
const heap1 = process.memoryUsage().heapUsed;
const sorted = [...perPeriod].sort((a, b) => a - b);
let points = 0;
for (const s of series.series.values()) points += s.buckets.size;
const q0 = performance.now();
const s0 = series.get('AWS/ECS', 'CPUUtilization', [{ Name: 'ClusterName', Value: 'c0' }, { Name: 'ServiceName', Value: 's0' }]);
const day = aggregate(s0, Math.floor(t0 / 1000) - 60, Math.floor(t0 / 1000) + PERIODS * PERIOD, 300);
const q1 = performance.now();
console.log(`metrics bench: ${CONTAINERS} containers, ${SERVICES} services, ${CLUSTERS} clusters, period ${PERIOD}s, ${PERIODS} periods (24 h)`);
console.log(`  ingest CPU per period: median ${sorted[sorted.length >> 1]!.toFixed(2)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]!.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`);
console.log(`  series ${series.series.size}, datapoints held ${points}, heap for 24 h: ${((heap1 - heap0) / 1024 / 1024).toFixed(1)} MiB${gc ? '' : ' (run with --expose-gc for a cleaner number)'}`);
console.log(`  GetMetricStatistics-style 24 h read at 5-minute period: ${(q1 - q0).toFixed(2)} ms for ${day.length} datapoints`);
