// A service's auto scaling: its scalable target (min and max tasks) and scaling policies from Application Auto
// Scaling, and the latest scaling activities, polled while the tab is shown.
import Box from '@cloudscape-design/components/box';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { autoscaling } from '../aws/apis';
import { useConsole } from './context';
import { ErrorAlert } from './ErrorAlert';
import { time } from './format';
import { usePoll } from './usePoll';

interface ScalableTarget {
  MinCapacity?: number;
  MaxCapacity?: number;
}
interface ScalingPolicy {
  PolicyName?: string;
  PolicyType?: string;
  TargetTrackingScalingPolicyConfiguration?: { TargetValue?: number; PredefinedMetricSpecification?: { PredefinedMetricType?: string } };
}
interface ScalingActivity {
  ActivityId?: string;
  StatusCode?: string;
  Description?: string;
  Cause?: string;
  StartTime?: number;
}

export function ServiceScaling({ cluster, service }: { cluster: string; service: string }) {
  const { session } = useConsole();
  const poll = usePoll(async () => {
    const q = { ServiceNamespace: 'ecs', ResourceIds: [`service/${cluster}/${service}`] };
    const one = { ServiceNamespace: 'ecs', ResourceId: `service/${cluster}/${service}` };
    const [t, p, a] = await Promise.all([
      autoscaling<{ ScalableTargets?: ScalableTarget[] }>(session, 'DescribeScalableTargets', q),
      autoscaling<{ ScalingPolicies?: ScalingPolicy[] }>(session, 'DescribeScalingPolicies', one),
      autoscaling<{ ScalingActivities?: ScalingActivity[] }>(session, 'DescribeScalingActivities', { ...one, MaxResults: 20 }),
    ]);
    return { target: t.ScalableTargets?.[0], policies: p.ScalingPolicies ?? [], activities: a.ScalingActivities ?? [] };
  }, [cluster, service, 'scaling'], 5000);
  const d = poll.data;
  return (
    <SpaceBetween size="m">
      <ErrorAlert error={poll.error} />
      <Box data-testid="scalable-target">
        {d?.target ? `Tasks: minimum ${d.target.MinCapacity}, maximum ${d.target.MaxCapacity}` : d ? 'This service does not use auto scaling.' : ''}
      </Box>
      <Table
        data-testid="scaling-policies"
        items={d?.policies ?? []}
        loading={poll.loading && !d}
        loadingText="Loading scaling policies"
        trackBy="PolicyName"
        columnDefinitions={[
          { id: 'name', header: 'Policy', isRowHeader: true, cell: (p) => p.PolicyName },
          { id: 'type', header: 'Type', cell: (p) => p.PolicyType },
          { id: 'metric', header: 'Metric', cell: (p) => p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType ?? '-' },
          { id: 'target', header: 'Target value', cell: (p) => p.TargetTrackingScalingPolicyConfiguration?.TargetValue ?? '-' },
        ]}
        empty="No scaling policies"
      />
      <Table
        data-testid="scaling-activities"
        items={d?.activities ?? []}
        trackBy="ActivityId"
        wrapLines
        columnDefinitions={[
          { id: 'at', header: 'Started', isRowHeader: true, cell: (a) => time(a.StartTime) },
          { id: 'status', header: 'Status', cell: (a) => a.StatusCode },
          { id: 'desc', header: 'Description', cell: (a) => a.Description },
          { id: 'cause', header: 'Cause', cell: (a) => a.Cause },
        ]}
        empty="No scaling activities"
      />
    </SpaceBetween>
  );
}
