// Why this exists: target tracking works through two CloudWatch alarms the policy owns, as in AWS: AlarmHigh (3
// periods above the target: scale out fast) and AlarmLow (15 periods under 90% of it: scale in slowly; the gap
// between the two is what stops flapping). This builds them from the policy's metric.
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../domain/errors.js';
import type { AlarmRecord } from '../metrics/alarms.js';
import type { Dimension } from '../metrics/series.js';
import type { PolicyRecord, TrackingConfig } from './tables.js';

interface MetricSpec {
  Namespace: string;
  MetricName: string;
  Dimensions: Dimension[];
  Statistic: string;
}

export function trackedMetric(resourceId: string, cfg: TrackingConfig): MetricSpec {
  const [, cluster, service] = resourceId.split('/');
  const svcDims = [{ Name: 'ClusterName', Value: cluster! }, { Name: 'ServiceName', Value: service! }];
  const pre = cfg.PredefinedMetricSpecification;
  if (pre) {
    switch (pre.PredefinedMetricType) {
      case 'ECSServiceAverageCPUUtilization':
        return { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: svcDims, Statistic: 'Average' };
      case 'ECSServiceAverageMemoryUtilization':
        return { Namespace: 'AWS/ECS', MetricName: 'MemoryUtilization', Dimensions: svcDims, Statistic: 'Average' };
      case 'ALBRequestCountPerTarget': {
        const tg = /(targetgroup\/[^/]+\/[^/]+)$/.exec(pre.ResourceLabel ?? '');
        if (!tg) throw new ValidationError('ResourceLabel must be app/LB/ID/targetgroup/TG/ID for ALBRequestCountPerTarget.');
        return { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCountPerTarget', Dimensions: [{ Name: 'TargetGroup', Value: tg[1]! }], Statistic: 'Sum' };
      }
      default:
        throw new ValidationError(`Unsupported PredefinedMetricType ${pre.PredefinedMetricType} for ECS.`);
    }
  }
  const c = cfg.CustomizedMetricSpecification;
  if (!c?.MetricName || !c.Namespace || !c.Statistic) throw new ValidationError('A target tracking policy needs a predefined or customized metric (MetricName, Namespace, Statistic).');
  return { Namespace: c.Namespace, MetricName: c.MetricName, Dimensions: c.Dimensions ?? [], Statistic: c.Statistic };
}

export function trackingAlarms(p: PolicyRecord, period: number, region: string, account: string, now: Date): AlarmRecord[] {
  const cfg = p.TargetTrackingScalingPolicyConfiguration!;
  const metric = trackedMetric(p.ResourceId, cfg);
  const make = (kind: 'High' | 'Low'): AlarmRecord => {
    const name = `TargetTracking-${p.ResourceId}-Alarm${kind}-${randomUUID()}`;
    return {
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`,
      AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${p.PolicyARN}.`,
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [p.PolicyARN],
      InsufficientDataActions: [],
      ...metric,
      Period: period,
      EvaluationPeriods: kind === 'High' ? 3 : 15,
      DatapointsToAlarm: kind === 'High' ? 3 : 15,
      Threshold: kind === 'High' ? cfg.TargetValue : cfg.TargetValue * 0.9,
      ComparisonOperator: kind === 'High' ? 'GreaterThanThreshold' : 'LessThanThreshold',
      TreatMissingData: 'missing',
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      StateUpdatedTimestamp: now,
      StateTransitionedTimestamp: now,
      AlarmConfigurationUpdatedTimestamp: now,
      ownerPolicyArn: p.PolicyARN,
    };
  };
  return cfg.DisableScaleIn ? [make('High')] : [make('High'), make('Low')];
}
