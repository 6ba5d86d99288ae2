import { describe, expect, it } from 'vitest';
import { evaluateAlarm, type AlarmRecord } from './alarms.js';
import { SeriesStore } from './series.js';

const alarm = (over: Partial<AlarmRecord> = {}): AlarmRecord => ({
  AlarmName: 'a', AlarmArn: 'arn', ActionsEnabled: true, OKActions: [], AlarmActions: [], InsufficientDataActions: [],
  MetricName: 'M', Namespace: 'N', Statistic: 'Average', Dimensions: [], Period: 60, EvaluationPeriods: 3, Threshold: 50,
  ComparisonOperator: 'GreaterThanThreshold', StateValue: 'INSUFFICIENT_DATA', StateReason: '', StateUpdatedTimestamp: new Date(0),
  StateTransitionedTimestamp: new Date(0), AlarmConfigurationUpdatedTimestamp: new Date(0), ...over,
});

describe('alarm evaluation', () => {
  const now = 1_800_000_000_000;
  it('needs DatapointsToAlarm breaching datapoints of EvaluationPeriods', () => {
    const s = new SeriesStore(60, 86400);
    for (const [ago, v] of [[60, 80], [120, 90], [180, 10]] as const) s.add('N', 'M', [], now - ago * 1000, v);
    expect(evaluateAlarm(alarm(), s, now).state).toBe('OK');
    expect(evaluateAlarm(alarm({ DatapointsToAlarm: 2 }), s, now)).toMatchObject({ state: 'ALARM', latest: 80 });
  });

  it('evaluates complete periods only: the period in progress does not count yet', () => {
    const s = new SeriesStore(60, 86400);
    for (const [ago, v] of [[0, 10], [60, 80], [120, 90], [180, 95]] as const) s.add('N', 'M', [], now - ago * 1000, v);
    expect(evaluateAlarm(alarm(), s, now)).toMatchObject({ state: 'ALARM', latest: 80 });
  });

  it('treats missing data as told', () => {
    const s = new SeriesStore(60, 86400);
    expect(evaluateAlarm(alarm(), s, now).state).toBe('INSUFFICIENT_DATA');
    expect(evaluateAlarm(alarm({ TreatMissingData: 'breaching' }), s, now).state).toBe('ALARM');
    expect(evaluateAlarm(alarm({ TreatMissingData: 'notBreaching' }), s, now).state).toBe('OK');
    expect(evaluateAlarm(alarm({ TreatMissingData: 'ignore', StateValue: 'ALARM' }), s, now).state).toBe('ALARM');
  });
});
