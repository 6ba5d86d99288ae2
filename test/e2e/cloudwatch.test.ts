// CloudWatch through the Debian aws CLI (query protocol) and the JS SDK (JSON 1.0): custom metrics, ECS task stats as
// AWS/ECS utilization per cluster and service, ListMetrics, GetMetricData, alarms that go to ALARM and back, errors.
import { GetMetricStatisticsCommand, PutMetricDataCommand, DescribeAlarmsCommand, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startObsWharf, type ObsWharf } from './cloudwatchHarness.js';
import { signedGet } from './signing.js';

let w: ObsWharf;
beforeAll(async () => {
  w = await startObsWharf({ metricPeriodSeconds: 1 });
});
afterAll(() => w?.stop());

const iso = (ms: number) => new Date(ms).toISOString();

describe('metrics', () => {
  it('stores custom metrics and answers statistics through the CLI', async () => {
    await w.aws('cloudwatch', 'put-metric-data', '--namespace', 'App', '--metric-name', 'Latency', '--dimensions', 'Api=get', '--value', '10', '--unit', 'Milliseconds');
    await w.aws('cloudwatch', 'put-metric-data', '--namespace', 'App', '--metric-name', 'Latency', '--dimensions', 'Api=get', '--value', '30', '--unit', 'Milliseconds');
    const now = Date.now();
    const out = await w.aws('cloudwatch', 'get-metric-statistics', '--namespace', 'App', '--metric-name', 'Latency', '--dimensions', 'Name=Api,Value=get',
      '--start-time', iso(now - 120_000), '--end-time', iso(now + 60_000), '--period', '60', '--statistics', 'Average', 'Maximum', 'SampleCount', '--extended-statistics', 'p50');
    expect(out.Label).toBe('Latency');
    expect(out.Datapoints.length).toBeGreaterThanOrEqual(1);
    const all = out.Datapoints.reduce((a: number, d: any) => a + d.SampleCount, 0);
    expect(all).toBe(2);
    expect(Math.max(...out.Datapoints.map((d: any) => d.Maximum))).toBe(30);
    expect(out.Datapoints[0].Unit).toBe('Milliseconds');
    const list = await w.aws('cloudwatch', 'list-metrics', '--namespace', 'App');
    expect(list.Metrics).toEqual([{ Namespace: 'App', MetricName: 'Latency', Dimensions: [{ Name: 'Api', Value: 'get' }] }]);
    const err = await w.awsRaw(['cloudwatch', 'put-metric-data', '--namespace', 'AWS/ECS', '--metric-name', 'X', '--value', '1']);
    expect(err.stderr).toContain('InvalidParameterValue');
  });

  it('turns task stats into AWS/ECS utilization per cluster and per service (used over reserved)', async () => {
    const at = new Date();
    w.metrics.recordTaskStats({ cluster: 'demo', service: 'web', taskArn: 't1', cpuUnitsUsed: 384, cpuReserved: 256, memoryUsedMiB: 256, memoryReservedMiB: 512, at });
    w.metrics.recordTaskStats({ cluster: 'demo', service: 'web', taskArn: 't2', cpuUnitsUsed: 128, cpuReserved: 256, memoryUsedMiB: 128, memoryReservedMiB: 512, at });
    w.metrics.recordTaskStats({ cluster: 'demo', taskArn: 't3', cpuUnitsUsed: 0, cpuReserved: 512, memoryUsedMiB: 0, memoryReservedMiB: 1024, at });
    const now = Date.now();
    const get = (dims: string[], metric: string) =>
      w.aws('cloudwatch', 'get-metric-statistics', '--namespace', 'AWS/ECS', '--metric-name', metric, '--dimensions', ...dims,
        '--start-time', iso(now - 60_000), '--end-time', iso(now + 60_000), '--period', '60', '--statistics', 'Average', 'Maximum', 'SampleCount');
    const svc = (await get(['Name=ClusterName,Value=demo', 'Name=ServiceName,Value=web'], 'CPUUtilization')).Datapoints[0];
    expect(svc).toMatchObject({ Average: 100, Maximum: 150, SampleCount: 2, Unit: 'Percent' });
    const cluster = (await get(['Name=ClusterName,Value=demo'], 'CPUUtilization')).Datapoints[0];
    expect(cluster.Average).toBe(50);
    expect((await get(['Name=ClusterName,Value=demo', 'Name=ServiceName,Value=web'], 'MemoryUtilization')).Datapoints[0].Average).toBe(37.5);
    w.metrics.ecs.recordReservations([{ cluster: 'demo', cpuReserved: 1024, cpuRegistered: 2048, memoryReservedMiB: 512, memoryRegisteredMiB: 4096 }]);
    expect((await get(['Name=ClusterName,Value=demo'], 'CPUReservation')).Datapoints[0].Average).toBe(50);
    expect((await fetch(`${w.url}/metrics`)).status).toBe(403);
    const prom = (await signedGet(`${w.url}/metrics`)).text;
    expect(prom).toContain('wharf_task_cpu_utilization_percent{cluster="demo",service="web",task_arn="t1"} 150');
  });

  it('answers the JS SDK over JSON 1.0, and GetMetricData with arithmetic', async () => {
    await w.cw.send(new PutMetricDataCommand({ Namespace: 'Sdk', MetricData: [{ MetricName: 'Hits', Value: 4 }, { MetricName: 'Misses', Value: 1 }] }));
    const now = Date.now();
    const stats = await w.cw.send(new GetMetricStatisticsCommand({ Namespace: 'Sdk', MetricName: 'Hits', StartTime: new Date(now - 60_000), EndTime: new Date(now + 60_000), Period: 60, Statistics: ['Sum'] }));
    expect(stats.Datapoints?.[0]?.Sum).toBe(4);
    expect(stats.Datapoints?.[0]?.Timestamp).toBeInstanceOf(Date);
    const data = await w.aws('cloudwatch', 'get-metric-data', '--start-time', iso(now - 60_000), '--end-time', iso(now + 60_000), '--metric-data-queries', JSON.stringify([
      { Id: 'h', MetricStat: { Metric: { Namespace: 'Sdk', MetricName: 'Hits' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
      { Id: 'm', MetricStat: { Metric: { Namespace: 'Sdk', MetricName: 'Misses' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
      { Id: 'ratio', Expression: 'h * 100 / (h + m)', Label: 'HitRatio' },
    ]));
    expect(data.MetricDataResults).toHaveLength(1);
    expect(data.MetricDataResults[0]).toMatchObject({ Id: 'ratio', Label: 'HitRatio', StatusCode: 'Complete', Values: [80] });
    const missing = await w.cw.send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] })).catch((e: any) => e);
    expect(missing.name).toBe('ResourceNotFound');
  });
});

describe('alarms', () => {
  it('go to ALARM when the data crosses the threshold and back to OK', async () => {
    await w.aws('cloudwatch', 'put-metric-alarm', '--alarm-name', 'queue-deep', '--namespace', 'App', '--metric-name', 'Depth',
      '--statistic', 'Maximum', '--period', '1', '--evaluation-periods', '2', '--threshold', '100', '--comparison-operator', 'GreaterThanThreshold',
      '--treat-missing-data', 'notBreaching');
    let a = (await w.aws('cloudwatch', 'describe-alarms', '--alarm-names', 'queue-deep')).MetricAlarms[0];
    expect(a).toMatchObject({ AlarmName: 'queue-deep', Threshold: 100, EvaluationPeriods: 2, AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:queue-deep' });
    // The CLI takes about a second per call; the SDK keeps the metric fed every 200 ms.
    const push = (v: number) => w.cw.send(new PutMetricDataCommand({ Namespace: 'App', MetricData: [{ MetricName: 'Depth', Value: v }] }));
    await eventually(async () => (await w.aws('cloudwatch', 'describe-alarms', '--alarm-names', 'queue-deep')).MetricAlarms[0].StateValue === 'OK');
    const hot = setInterval(() => void push(500), 200);
    try {
      a = await eventually(async () => {
        const x = (await w.aws('cloudwatch', 'describe-alarms', '--state-value', 'ALARM')).MetricAlarms.find((m: any) => m.AlarmName === 'queue-deep');
        return x;
      });
      expect(a.StateReason).toContain('Threshold Crossed');
    } finally {
      clearInterval(hot);
    }
    await eventually(async () => (await w.aws('cloudwatch', 'describe-alarms', '--alarm-names', 'queue-deep')).MetricAlarms[0].StateValue === 'OK');
    const hist = await w.aws('cloudwatch', 'describe-alarm-history', '--alarm-name', 'queue-deep');
    expect(hist.AlarmHistoryItems.map((h: any) => h.HistorySummary)).toContain('Alarm updated from OK to ALARM');
    const sdk = await w.cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'queue' }));
    expect(sdk.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    await w.aws('cloudwatch', 'delete-alarms', '--alarm-names', 'queue-deep');
    expect((await w.aws('cloudwatch', 'describe-alarms')).MetricAlarms).toEqual([]);
  });
});
