// Why this exists: CloudWatch's metric alarms: PutMetricAlarm (create, or overwrite the configuration keeping the
// state), DescribeAlarms, DeleteAlarms, SetAlarmState and DescribeAlarmHistory. Evaluation is src/metrics/.
import type {
  DeleteAlarmsInput, DescribeAlarmHistoryInput, DescribeAlarmHistoryOutput, DescribeAlarmsInput, DescribeAlarmsOutput,
  MetricAlarm, PutMetricAlarmInput, SetAlarmStateInput,
} from '@aws-sdk/client-cloudwatch';
import { CwResourceNotFound, InvalidNextToken, InvalidParameterValue, ValidationError } from '../../domain/errors.js';
import type { RequestContext } from '../../gateway/service.js';
import { COMPARISON_OPERATORS, type AlarmRecord, type AlarmState } from '../../metrics/alarms.js';
import type { Metrics } from '../../metrics/index.js';
import { isStatistic } from '../../metrics/statistics.js';
import { Txn } from '../../store/cache.js';
import { pageOf } from './paging.js';

export function presentAlarm(a: AlarmRecord): MetricAlarm {
  const { ownerPolicyArn: _o, Tags: _t, ...shown } = a;
  return shown as MetricAlarm;
}

export function alarmOperations(m: Metrics) {
  const { alarms } = m.tables;
  return {
    async PutMetricAlarm(input: PutMetricAlarmInput, ctx: RequestContext): Promise<Record<string, never>> {
      if (input.Metrics?.length) throw new InvalidParameterValue('Wharf does not support metric math alarms; give MetricName and Namespace.');
      if (!input.MetricName || !input.Namespace) throw new ValidationError('MetricName and Namespace are required.');
      if (!input.Statistic === !input.ExtendedStatistic) throw new InvalidParameterValue('Exactly one of Statistic and ExtendedStatistic must be given.');
      if (input.ExtendedStatistic && !isStatistic(input.ExtendedStatistic)) throw new InvalidParameterValue(`Invalid ExtendedStatistic ${input.ExtendedStatistic}.`);
      if (!COMPARISON_OPERATORS.includes(input.ComparisonOperator!)) throw new InvalidParameterValue(`Wharf does not support ComparisonOperator ${input.ComparisonOperator}.`);
      if (input.Threshold === undefined) throw new ValidationError('Threshold is required.');
      if (!input.Period) throw new ValidationError('Period is required.');
      if ((input.DatapointsToAlarm ?? 1) > input.EvaluationPeriods!) throw new ValidationError('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
      const name = input.AlarmName!;
      await m.opts.cache.update(() => {
        const row = alarms.get(name);
        const now = ctx.now;
        const rec: AlarmRecord = {
          AlarmName: name,
          AlarmArn: `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`,
          AlarmDescription: input.AlarmDescription,
          ActionsEnabled: input.ActionsEnabled ?? true,
          OKActions: input.OKActions ?? [],
          AlarmActions: input.AlarmActions ?? [],
          InsufficientDataActions: input.InsufficientDataActions ?? [],
          MetricName: input.MetricName!,
          Namespace: input.Namespace!,
          Statistic: input.Statistic,
          ExtendedStatistic: input.ExtendedStatistic,
          Dimensions: (input.Dimensions ?? []).map((d) => ({ Name: d.Name!, Value: d.Value! })),
          Period: input.Period!,
          Unit: input.Unit,
          EvaluationPeriods: input.EvaluationPeriods!,
          DatapointsToAlarm: input.DatapointsToAlarm,
          Threshold: input.Threshold!,
          ComparisonOperator: input.ComparisonOperator!,
          TreatMissingData: input.TreatMissingData ?? 'missing',
          Tags: input.Tags?.map((t) => ({ Key: t.Key!, Value: t.Value! })) ?? row?.value.Tags,
          // An update overwrites the configuration and leaves the state as it was.
          StateValue: row?.value.StateValue ?? 'INSUFFICIENT_DATA',
          StateReason: row?.value.StateReason ?? 'Unchecked: Initial alarm creation',
          StateReasonData: row?.value.StateReasonData,
          StateUpdatedTimestamp: row?.value.StateUpdatedTimestamp ?? now,
          StateTransitionedTimestamp: row?.value.StateTransitionedTimestamp ?? now,
          AlarmConfigurationUpdatedTimestamp: now,
          ownerPolicyArn: row?.value.ownerPolicyArn,
        };
        return { txn: new Txn().put(alarms, name, rec, row?.modRevision ?? 0), result: undefined };
      });
      void m.evaluator.pass();
      return {};
    },

    DescribeAlarms(input: DescribeAlarmsInput): DescribeAlarmsOutput {
      if (input.AlarmTypes?.length && !input.AlarmTypes.includes('MetricAlarm')) return { MetricAlarms: [], CompositeAlarms: [] };
      const names = input.AlarmNames?.length ? new Set(input.AlarmNames) : undefined;
      const found = [...alarms.values()]
        .map((r) => r.value)
        .filter((a) => (!names || names.has(a.AlarmName)) && (!input.AlarmNamePrefix || a.AlarmName.startsWith(input.AlarmNamePrefix)))
        .filter((a) => !input.StateValue || a.StateValue === input.StateValue)
        .filter((a) => !input.ActionPrefix || [...a.AlarmActions, ...a.OKActions, ...a.InsufficientDataActions].some((x) => x.startsWith(input.ActionPrefix!)))
        .sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : 1));
      const { page, next } = pageOf(found, input.NextToken, input.MaxRecords ?? 50, () => new InvalidNextToken('The NextToken is invalid.'));
      return { MetricAlarms: page.map(presentAlarm), CompositeAlarms: [], NextToken: next };
    },

    async DeleteAlarms(input: DeleteAlarmsInput): Promise<Record<string, never>> {
      await m.opts.cache.update(() => {
        const txn = new Txn();
        for (const name of input.AlarmNames ?? []) {
          const row = alarms.get(name);
          if (!row) throw new CwResourceNotFound(`1 of ${input.AlarmNames!.length} alarms were not found: ${name}`);
          txn.delete(alarms, name, row.modRevision);
        }
        return { txn, result: undefined };
      });
      return {};
    },

    async SetAlarmState(input: SetAlarmStateInput, ctx: RequestContext): Promise<Record<string, never>> {
      const to = input.StateValue as AlarmState;
      const changed = await m.opts.cache.update(() => {
        const row = alarms.get(input.AlarmName!);
        if (!row) throw new CwResourceNotFound(`Alarm ${input.AlarmName} not found`);
        const next: AlarmRecord = { ...row.value, StateValue: to, StateReason: input.StateReason!, StateReasonData: input.StateReasonData, StateUpdatedTimestamp: ctx.now, StateTransitionedTimestamp: ctx.now };
        return { txn: new Txn().put(alarms, row.id, next, row.modRevision), result: { from: row.value, next } };
      });
      m.evaluator.record(changed.from, changed.from.StateValue, to, input.StateReason!, ctx.now.getTime());
      if (changed.from.StateValue !== to) m.evaluator.act(changed.next, true, undefined);
      return {};
    },

    DescribeAlarmHistory(input: DescribeAlarmHistoryInput): DescribeAlarmHistoryOutput {
      const items = m.evaluator.history
        .filter((h) => (!input.AlarmName || h.AlarmName === input.AlarmName) && (!input.HistoryItemType || h.HistoryItemType === input.HistoryItemType))
        .filter((h) => (!input.StartDate || h.Timestamp >= new Date(input.StartDate)) && (!input.EndDate || h.Timestamp <= new Date(input.EndDate)));
      if (input.ScanBy !== 'TimestampAscending') items.reverse();
      const { page, next } = pageOf(items, input.NextToken, input.MaxRecords ?? 100, () => new InvalidNextToken('The NextToken is invalid.'));
      return { AlarmHistoryItems: page, NextToken: next };
    },
  };
}
