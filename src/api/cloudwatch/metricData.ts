// Why this exists: GetMetricData: several MetricStat queries at once, plus metric math limited to arithmetic over
// query ids and numbers (`m1 * 100 / m2`), newest first by default, as CloudWatch returns them.
import type { GetMetricDataInput, GetMetricDataOutput, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { InvalidParameterValue, ValidationError } from '../../domain/errors.js';
import type { Metrics } from '../../metrics/index.js';
import { aggregate, statistic } from '../../metrics/statistics.js';

type Points = Map<number, number>;

export function metricDataOperations(m: Metrics) {
  return {
    GetMetricData(input: GetMetricDataInput): GetMetricDataOutput {
      const start = Math.floor(new Date(input.StartTime!).getTime() / 1000);
      const end = Math.ceil(new Date(input.EndTime!).getTime() / 1000);
      const byId = new Map<string, Points>();
      const results: MetricDataResult[] = [];
      const queries = input.MetricDataQueries ?? [];
      // Metric stats first, then expressions (which may refer to them) in the order given.
      for (const q of [...queries.filter((x) => x.MetricStat), ...queries.filter((x) => !x.MetricStat)]) {
        let points: Points;
        if (q.MetricStat) {
          const ms = q.MetricStat;
          const dims = (ms.Metric?.Dimensions ?? []).map((d) => ({ Name: d.Name!, Value: d.Value! }));
          const series = m.series.get(ms.Metric!.Namespace!, ms.Metric!.MetricName!, dims);
          points = new Map();
          for (const d of aggregate(series, start, end, Math.max(ms.Period!, m.periodSeconds))) {
            const v = statistic(d.bucket, ms.Stat!);
            if (v !== undefined) points.set(d.start, v);
          }
        } else if (q.Expression) {
          points = evaluate(q.Expression, byId);
        } else {
          throw new ValidationError(`The query ${q.Id} must have a MetricStat or an Expression.`);
        }
        byId.set(q.Id!, points);
        if (q.ReturnData === false) continue;
        const times = [...points.keys()].sort((a, b) => (input.ScanBy === 'TimestampAscending' ? a - b : b - a));
        const max = input.MaxDatapoints ?? 100_800;
        results.push({
          Id: q.Id,
          Label: q.Label ?? (q.MetricStat ? q.MetricStat.Metric!.MetricName : q.Id),
          Timestamps: times.slice(0, max).map((t) => new Date(t * 1000)),
          Values: times.slice(0, max).map((t) => points.get(t)!),
          StatusCode: 'Complete',
        });
      }
      // Keep the caller's order.
      results.sort((a, b) => queries.findIndex((q) => q.Id === a.Id) - queries.findIndex((q) => q.Id === b.Id));
      return { MetricDataResults: results, Messages: [] };
    },
  };
}

/** Arithmetic over series (aligned by timestamp) and scalars. */
function evaluate(expr: string, byId: Map<string, Points>): Points {
  const tokens = expr.match(/\s*([A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[-+*/()])/g)?.map((t) => t.trim()) ?? [];
  if (tokens.join('') !== expr.replace(/\s+/g, '')) throw new InvalidParameterValue(`Wharf supports arithmetic over query ids only: ${expr}`);
  let i = 0;
  type V = Points | number;
  const op = (a: V, b: V, f: (x: number, y: number) => number): V => {
    if (typeof a === 'number' && typeof b === 'number') return f(a, b);
    const keys = typeof a === 'number' ? [...(b as Points).keys()] : [...a.keys()].filter((k) => typeof b === 'number' || b.has(k));
    const at = (v: V, k: number) => (typeof v === 'number' ? v : v.get(k)!);
    return new Map(keys.map((k) => [k, f(at(a, k), at(b, k))]));
  };
  const primary = (): V => {
    const t = tokens[i++];
    if (t === '(') {
      const v = sum();
      i++;
      return v;
    }
    if (t === '-') return op(0, primary(), (x, y) => x - y);
    if (t !== undefined && /^\d/.test(t)) return Number(t);
    const p = t !== undefined ? byId.get(t) : undefined;
    if (!p) throw new ValidationError(`Unknown query id in expression: ${t}`);
    return p;
  };
  const product = (): V => {
    let v = primary();
    while (tokens[i] === '*' || tokens[i] === '/') v = tokens[i++] === '*' ? op(v, primary(), (x, y) => x * y) : op(v, primary(), (x, y) => x / y);
    return v;
  };
  const sum = (): V => {
    let v = product();
    while (tokens[i] === '+' || tokens[i] === '-') v = tokens[i++] === '+' ? op(v, product(), (x, y) => x + y) : op(v, product(), (x, y) => x - y);
    return v;
  };
  const v = sum();
  return typeof v === 'number' ? new Map() : v;
}
