// CloudWatch metric alarms (DescribeAlarms): state, reason, the metric and threshold they watch; delete.
import type { DescribeAlarmsOutput, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
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
import { listAll } from './Clusters';

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
            description="Create alarms with the aws CLI (aws cloudwatch put-metric-alarm) or through target tracking scaling policies."
            actions={
              <Button disabled={selected.length === 0} onClick={() => setDeleting(true)}>
                Delete
              </Button>
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
