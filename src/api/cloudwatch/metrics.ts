// Why this exists: CloudWatch's metric operations over the series store: PutMetricData (values, statistic sets,
// value/count arrays), GetMetricStatistics and ListMetrics.
import type {
  GetMetricStatisticsInput, GetMetricStatisticsOutput, ListMetricsInput, ListMetricsOutput, PutMetricDataInput,
  Datapoint, StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import { InvalidNextToken, InvalidParameterCombination, InvalidParameterValue, MissingParameter } from '../../domain/errors.js';
import type { RequestContext } from '../../gateway/service.js';
import type { Metrics } from '../../metrics/index.js';
import type { Bucket, Dimension } from '../../metrics/series.js';
import { aggregate, isStatistic, statistic } from '../../metrics/statistics.js';
import { pageOf } from './paging.js';

const dims = (d: { Name?: string; Value?: string }[] | undefined): Dimension[] => (d ?? []).map((x) => ({ Name: x.Name!, Value: x.Value! }));

export function metricOperations(m: Metrics) {
  return {
    async PutMetricData(input: PutMetricDataInput, ctx: RequestContext): Promise<Record<string, never>> {
      const ns = input.Namespace!;
      if (ns.startsWith('AWS/')) throw new InvalidParameterValue(`The value AWS/ for parameter Namespace is invalid.`);
      const now = ctx.now.getTime();
      // Every datum is checked before any is taken in: a bad one changes nothing.
      const items: Parameters<Metrics['putData']>[1] = [];
      for (const [i, d] of (input.MetricData ?? []).entries()) {
        const at = d.Timestamp ? new Date(d.Timestamp).getTime() : now;
        if (at < now - 14 * 86400_000 || at > now + 2 * 3600_000) {
          throw new InvalidParameterValue(`The parameter MetricData.member.${i + 1}.Timestamp must specify a time no more than two weeks in the past or two hours in the future.`);
        }
        const given = [d.Value !== undefined, d.StatisticValues !== undefined, d.Values !== undefined].filter(Boolean).length;
        if (given > 1) throw new InvalidParameterCombination(`The parameters MetricData.member.${i + 1}.Value, StatisticValues and Values are mutually exclusive.`);
        const dd = dims(d.Dimensions);
        const item = (stat: Bucket | number) => items.push({ metricName: d.MetricName!, dimensions: dd, at, stat, unit: d.Unit });
        if (d.StatisticValues) {
          const s = d.StatisticValues;
          item({ count: s.SampleCount!, sum: s.Sum!, min: s.Minimum!, max: s.Maximum! });
        } else if (d.Values) {
          if (d.Counts && d.Counts.length !== d.Values.length) throw new InvalidParameterValue('The Values and Counts arrays must have the same size.');
          d.Values.forEach((v, j) => {
            const c = d.Counts?.[j] ?? 1;
            item({ count: c, sum: v * c, min: v, max: v, values: [v] });
          });
        } else if (d.Value !== undefined) {
          item(d.Value);
        } else {
          throw new MissingParameter(`The parameter MetricData.member.${i + 1}.Value is required.`);
        }
      }
      if (items.length > 0) await m.putData(ns, items, now);
      return {};
    },

    GetMetricStatistics(input: GetMetricStatisticsInput): GetMetricStatisticsOutput {
      const stats = input.Statistics ?? [];
      const ext = input.ExtendedStatistics ?? [];
      if (!stats.length && !ext.length) throw new MissingParameter('The parameter Statistics or ExtendedStatistics is required.');
      for (const e of ext) if (!isStatistic(e)) throw new InvalidParameterValue(`The value ${e} for parameter ExtendedStatistics is not supported.`);
      const period = input.Period!;
      if (period < 1 || (period >= 60 && period % 60 !== 0) || (period < 60 && ![1, 5, 10, 30].includes(period))) {
        throw new InvalidParameterValue('The parameter Period must be 1, 5, 10, 30 or a multiple of 60.');
      }
      const start = Math.floor(new Date(input.StartTime!).getTime() / 1000);
      const end = Math.ceil(new Date(input.EndTime!).getTime() / 1000);
      if (end <= start) throw new InvalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
      if ((end - start) / period > 1440) throw new InvalidParameterCombination('You have requested up to 1,440 datapoints, which exceeds the limit of 1,440.');
      const series = m.series.get(input.Namespace!, input.MetricName!, dims(input.Dimensions));
      const effective = Math.max(period, m.periodSeconds);
      const datapoints: Datapoint[] = aggregate(series, start, end, effective).map(({ start: t, bucket }) => {
        const dp: Datapoint = { Timestamp: new Date(t * 1000), Unit: (series?.unit ?? 'None') as StandardUnit };
        for (const s of stats) (dp as Record<string, unknown>)[s] = statistic(bucket, s);
        if (ext.length) dp.ExtendedStatistics = Object.fromEntries(ext.map((e) => [e, statistic(bucket, e) ?? 0]));
        return dp;
      });
      return { Label: input.MetricName, Datapoints: datapoints };
    },

    ListMetrics(input: ListMetricsInput, ctx: RequestContext): ListMetricsOutput {
      const recent = input.RecentlyActive === 'PT3H' ? ctx.now.getTime() - 3 * 3600_000 : 0;
      const found = [...m.series.series.values()]
        .filter((s) => (!input.Namespace || s.namespace === input.Namespace) && (!input.MetricName || s.metricName === input.MetricName))
        .filter((s) => s.lastWriteMs >= recent)
        .filter((s) => (input.Dimensions ?? []).every((f) => s.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))))
        .sort((a, b) => (a.key < b.key ? -1 : 1));
      const { page, next } = pageOf(found, input.NextToken, 500, () => new InvalidNextToken('The NextToken is invalid.'));
      return { Metrics: page.map((s) => ({ Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions })), NextToken: next };
    },
  };
}
