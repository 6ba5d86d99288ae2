// Why this exists: a metric alarm as stored, and the one pure function that decides its state from the datapoints of
// its last evaluation periods (DatapointsToAlarm of EvaluationPeriods, TreatMissingData), with CloudWatch's reason.
import type { Dimension } from './series.js';
import { aggregate, statistic } from './statistics.js';
import type { SeriesStore } from './series.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmRecord {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  MetricName: string;
  Namespace: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions: Dimension[];
  Period: number;
  Unit?: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
  Tags?: { Key: string; Value: string }[];
  StateValue: AlarmState;
  StateReason: string;
  StateReasonData?: string;
  StateUpdatedTimestamp: Date;
  StateTransitionedTimestamp: Date;
  AlarmConfigurationUpdatedTimestamp: Date;
  /** Set on alarms a target tracking policy created (their owner deletes them with the policy). */
  ownerPolicyArn?: string;
}

export interface Evaluation {
  state: AlarmState;
  reason: string;
  reasonData: string;
  /** The most recent datapoint's value, when there is one (step scaling measures its breach with it). */
  latest?: number;
}

const COMPARE: Record<string, [(v: number, t: number) => boolean, string]> = {
  GreaterThanOrEqualToThreshold: [(v, t) => v >= t, 'greater than or equal to'],
  GreaterThanThreshold: [(v, t) => v > t, 'greater than'],
  LessThanThreshold: [(v, t) => v < t, 'less than'],
  LessThanOrEqualToThreshold: [(v, t) => v <= t, 'less than or equal to'],
};

export const COMPARISON_OPERATORS = Object.keys(COMPARE);

export function evaluateAlarm(a: AlarmRecord, series: SeriesStore, nowMs: number): Evaluation {
  const n = a.EvaluationPeriods;
  const m = a.DatapointsToAlarm ?? n;
  const nowS = Math.floor(nowMs / 1000);
  // The window is the last n complete periods, as CloudWatch evaluates: the period in progress has not had all of
  // its datapoints yet, and counting it as missing would keep a short-period alarm from ever firing.
  const end = nowS - (nowS % a.Period);
  const start = end - n * a.Period;
  const stat = a.ExtendedStatistic ?? a.Statistic ?? 'Average';
  const points = aggregate(series.get(a.Namespace, a.MetricName, a.Dimensions), start, end, a.Period)
    .map((d) => ({ t: d.start, v: statistic(d.bucket, stat) }))
    .filter((d): d is { t: number; v: number } => d.v !== undefined);
  const [cmp, words] = COMPARE[a.ComparisonOperator] ?? COMPARE.GreaterThanThreshold!;
  const missing = n - points.length;
  const treat = a.TreatMissingData ?? 'missing';
  let breaching = points.filter((p) => cmp(p.v, a.Threshold)).length;
  if (treat === 'breaching') breaching += missing;
  const latest = points.at(-1)?.v;
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: new Date(nowMs).toISOString(),
    statistic: stat,
    period: a.Period,
    recentDatapoints: points.map((p) => p.v),
    threshold: a.Threshold,
    evaluatedDatapoints: points.map((p) => ({ timestamp: new Date(p.t * 1000).toISOString(), value: p.v })),
  });
  if (points.length === 0 && treat !== 'breaching' && treat !== 'notBreaching') {
    if (treat === 'ignore') return { state: a.StateValue, reason: a.StateReason, reasonData, latest };
    return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${n} datapoints were unknown.`, reasonData };
  }
  const shown = points.slice(-m).reverse().map((p) => `${p.v} (${new Date(p.t * 1000).toISOString().slice(0, 19).replace('T', ' ').slice(5)})`);
  if (breaching >= m) {
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${breaching} out of the last ${n} datapoints [${shown.join(', ')}] were ${words} the threshold (${a.Threshold}) (minimum ${m} datapoints for OK -> ALARM transition).`,
      reasonData,
      latest,
    };
  }
  return {
    state: 'OK',
    reason: `Threshold Crossed: ${n - breaching} out of the last ${n} datapoints [${shown.join(', ')}] were not ${words} the threshold (${a.Threshold}) (minimum ${n - m + 1} datapoint for ALARM -> OK transition).`,
    reasonData,
    latest,
  };
}
