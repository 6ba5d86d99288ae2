// Why this exists: the Prometheus exposition at /metrics: the control plane's own health (process metrics, the
// gateway-independent counters below) and each task's latest CPU and memory, for scrapers that do not speak CloudWatch.
import type http from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { EcsStatsRecorder } from './ecsStats.js';
import type { SeriesStore } from './series.js';

export interface PromCounters {
  datapoints: Counter;
  logEvents: Counter;
  scalingActivities: Counter;
}

export function createPromRegistry(ecs: EcsStatsRecorder, series: SeriesStore): { registry: Registry; counters: PromCounters } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'wharf_' });
  const counters: PromCounters = {
    datapoints: new Counter({ name: 'wharf_metric_datapoints_total', help: 'Datapoints ingested (task stats and PutMetricData values)', registers: [registry] }),
    logEvents: new Counter({ name: 'wharf_log_events_total', help: 'Log events ingested', registers: [registry] }),
    scalingActivities: new Counter({ name: 'wharf_scaling_activities_total', help: 'Scaling activities started', labelNames: ['status'], registers: [registry] }),
  };
  new Gauge({ name: 'wharf_metric_series', help: 'Time series held in memory', registers: [registry], collect() { this.set(series.series.size); } });
  const labels = ['cluster', 'service', 'task_arn'];
  const cpu = new Gauge({ name: 'wharf_task_cpu_utilization_percent', help: 'Task CPU used over reserved', labelNames: labels, registers: [registry] });
  const mem = new Gauge({ name: 'wharf_task_memory_utilization_percent', help: 'Task memory used over reserved', labelNames: labels, registers: [registry] });
  const memUsed = new Gauge({ name: 'wharf_task_memory_used_bytes', help: 'Task memory used', labelNames: labels, registers: [registry] });
  // Task gauges are rebuilt at each scrape from the latest samples, so stopped tasks disappear.
  const refresh = () => {
    cpu.reset();
    mem.reset();
    memUsed.reset();
    for (const s of ecs.latest.values()) {
      const l = { cluster: s.cluster, service: s.service ?? '', task_arn: s.taskArn };
      if (s.cpuReserved > 0) cpu.set(l, (100 * s.cpuUnitsUsed) / s.cpuReserved);
      if (s.memoryReservedMiB > 0) mem.set(l, (100 * s.memoryUsedMiB) / s.memoryReservedMiB);
      memUsed.set(l, s.memoryUsedMiB * 1024 * 1024);
    }
  };
  return { registry: Object.assign(registry, { refresh }), counters };
}

/** The gateway route for GET /metrics. */
export function prometheusRoute(registry: Registry & { refresh?: () => void }) {
  return {
    prefix: '/metrics',
    handle(_req: http.IncomingMessage, res: http.ServerResponse) {
      registry.refresh?.();
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
    },
  };
}
