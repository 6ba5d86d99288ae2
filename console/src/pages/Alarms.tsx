// CloudWatch metric alarms (DescribeAlarms): state, reason, the metric and threshold they watch; create
// (PutMetricAlarm) and delete.
import type { DescribeAlarmsOutput, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { cloudwatch } from '../aws/apis';
import { ConfirmModal } from '../lib/ConfirmModal';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { time } from '../lib/format';
import { usePoll } from '../lib/usePoll';
import { listAll } from '../lib/firstLoad';

const COMPARISON: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '>=',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

function State({ value }: { value: string | undefined }) {
  const type = value === 'OK' ? 'success' : value === 'ALARM' ? 'error' : 'pending';
  return <StatusIndicator type={type}>{value ?? '-'}</StatusIndicator>;
}

export default function Alarms() {
  const { session, flash } = useConsole();
  const [selected, setSelected] = useState<MetricAlarm[]>([]);
  const [deleting, setDeleting] = useState(false);
  const [creating, setCreating] = useState(false);
  const [f, setF] = useState({ name: '', namespace: 'AWS/ECS', metric: 'CPUUtilization', dimensions: 'ClusterName=default', statistic: 'Average', period: '60', periods: '1', comparison: 'GreaterThanThreshold', threshold: '80' });
  const poll = usePoll(
    () =>
      listAll(async (NextToken) => {
        const r = await cloudwatch<DescribeAlarmsOutput>(session, 'DescribeAlarms', { NextToken });
        return { items: r.MetricAlarms ?? [], next: r.NextToken };
      }),
    [],
    5000,
  );
  return (
    <SpaceBetween size="m">
      <ErrorAlert error={poll.error} />
      <Table
        data-testid="alarms-table"
        variant="full-page"
        items={poll.data ?? []}
        loading={poll.loading && !poll.data}
        loadingText="Loading alarms"
        trackBy="AlarmArn"
        selectionType="multi"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        ariaLabels={{ selectionGroupLabel: 'Alarms', itemSelectionLabel: (_s, a) => `Select alarm ${a.AlarmName}`, allItemsSelectionLabel: () => 'Select all alarms' }}
        wrapLines
        header={
          <Header
            variant="h1"
            counter={poll.data ? `(${poll.data.length})` : undefined}
            description="Alarms made here, with the aws CLI (put-metric-alarm), or by target tracking scaling policies."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={selected.length === 0} onClick={() => setDeleting(true)}>
                  Delete
                </Button>
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Create alarm
                </Button>
              </SpaceBetween>
            }
          >
            Alarms
          </Header>
        }
        columnDefinitions={[
          { id: 'name', header: 'Name', isRowHeader: true, cell: (a) => a.AlarmName },
          { id: 'state', header: 'State', cell: (a) => <State value={a.StateValue} /> },
          { id: 'metric', header: 'Metric', cell: (a) => `${a.Namespace ?? ''} ${a.MetricName ?? ''} (${(a.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).join(', ')})` },
          { id: 'cond', header: 'Conditions', cell: (a) => `${a.Statistic ?? a.ExtendedStatistic ?? ''} ${COMPARISON[a.ComparisonOperator ?? ''] ?? a.ComparisonOperator} ${a.Threshold} for ${a.EvaluationPeriods} x ${a.Period}s` },
          { id: 'reason', header: 'State reason', cell: (a) => a.StateReason ?? '-' },
          { id: 'updated', header: 'Last state update', cell: (a) => time(a.StateUpdatedTimestamp) },
        ]}
        empty="No alarms"
      />
      <ConfirmModal
        visible={creating}
        title="Create alarm"
        confirmLabel="Create alarm"
        onCancel={() => setCreating(false)}
        onConfirm={async () => {
          await cloudwatch(session, 'PutMetricAlarm', {
            AlarmName: f.name.trim(),
            Namespace: f.namespace.trim(),
            MetricName: f.metric.trim(),
            Dimensions: f.dimensions
              .split(',')
              .map((d) => d.trim())
              .filter(Boolean)
              .map((d) => ({ Name: d.split('=')[0]!.trim(), Value: d.slice(d.indexOf('=') + 1).trim() })),
            Statistic: f.statistic,
            Period: Number(f.period),
            EvaluationPeriods: Number(f.periods),
            ComparisonOperator: f.comparison,
            Threshold: Number(f.threshold),
          });
          flash({ type: 'success', content: `Alarm ${f.name.trim()} has been created.` });
          poll.refresh();
        }}
      >
        <SpaceBetween size="m">
          <FormField label="Alarm name">
            <Input value={f.name} onChange={(e) => setF({ ...f, name: e.detail.value })} name="alarmName" />
          </FormField>
          <SpaceBetween direction="horizontal" size="s">
            <FormField label="Namespace">
              <Input value={f.namespace} onChange={(e) => setF({ ...f, namespace: e.detail.value })} name="alarmNamespace" />
            </FormField>
            <FormField label="Metric name">
              <Input value={f.metric} onChange={(e) => setF({ ...f, metric: e.detail.value })} name="alarmMetric" />
            </FormField>
          </SpaceBetween>
          <FormField label="Dimensions" description="Name=Value, comma-separated (ClusterName=web, ServiceName=api).">
            <Input value={f.dimensions} onChange={(e) => setF({ ...f, dimensions: e.detail.value })} name="alarmDimensions" />
          </FormField>
          <SpaceBetween direction="horizontal" size="s">
            <FormField label="Statistic">
              <Select
                selectedOption={{ value: f.statistic, label: f.statistic }}
                options={['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount'].map((v) => ({ value: v, label: v }))}
                onChange={(e) => setF({ ...f, statistic: e.detail.selectedOption.value! })}
                ariaLabel="Statistic"
              />
            </FormField>
            <FormField label="Period (s)">
              <Input value={f.period} onChange={(e) => setF({ ...f, period: e.detail.value })} inputMode="numeric" name="alarmPeriod" />
            </FormField>
            <FormField label="Evaluation periods">
              <Input value={f.periods} onChange={(e) => setF({ ...f, periods: e.detail.value })} inputMode="numeric" name="alarmPeriods" />
            </FormField>
          </SpaceBetween>
          <SpaceBetween direction="horizontal" size="s">
            <FormField label="Condition">
              <Select
                selectedOption={{ value: f.comparison, label: `${COMPARISON[f.comparison]} (${f.comparison})` }}
                options={Object.entries(COMPARISON).map(([v, sym]) => ({ value: v, label: `${sym} (${v})` }))}
                onChange={(e) => setF({ ...f, comparison: e.detail.selectedOption.value! })}
                ariaLabel="Condition"
              />
            </FormField>
            <FormField label="Threshold">
              <Input value={f.threshold} onChange={(e) => setF({ ...f, threshold: e.detail.value })} inputMode="decimal" name="alarmThreshold" />
            </FormField>
          </SpaceBetween>
        </SpaceBetween>
      </ConfirmModal>
      <ConfirmModal
        visible={deleting}
        title="Delete alarms"
        confirmLabel="Delete"
        onCancel={() => setDeleting(false)}
        onConfirm={async () => {
          await cloudwatch(session, 'DeleteAlarms', { AlarmNames: selected.map((a) => a.AlarmName) });
          flash({ type: 'success', content: `Deleted ${selected.map((a) => a.AlarmName).join(', ')}.` });
          setSelected([]);
          poll.refresh();
        }}
      >
        Delete {selected.map((a) => a.AlarmName).join(', ')}?
      </ConfirmModal>
    </SpaceBetween>
  );
}
