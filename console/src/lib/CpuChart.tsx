// A cluster's or a service's CPUUtilization and MemoryUtilization (AWS/ECS, average per period) over the last hour,
// from CloudWatch.
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import LineChart from '@cloudscape-design/components/line-chart';
import { cloudwatch } from '../aws/apis';
import { useConsole } from './context';
import { ErrorAlert } from './ErrorAlert';
import { usePoll } from './usePoll';

interface Datapoint {
  Timestamp: number;
  Average?: number;
}

export function ServiceMetrics({ cluster, service }: { cluster: string; service: string }) {
  return <UtilizationChart cluster={cluster} service={service} />;
}

export function UtilizationChart({ cluster, service }: { cluster: string; service?: string }) {
  const { session } = useConsole();
  const poll = usePoll(
    async () => {
      const end = Math.floor(Date.now() / 1000);
      const series = async (MetricName: string) => {
        const r = await cloudwatch<{ Datapoints?: Datapoint[] }>(session, 'GetMetricStatistics', {
          Namespace: 'AWS/ECS',
          MetricName,
          Dimensions: [{ Name: 'ClusterName', Value: cluster }, ...(service ? [{ Name: 'ServiceName', Value: service }] : [])],
          StartTime: end - 3600,
          EndTime: end,
          Period: 60,
          Statistics: ['Average'],
        });
        return (r.Datapoints ?? []).map((d) => ({ x: new Date(d.Timestamp * 1000), y: d.Average ?? 0 })).sort((a, b) => a.x.getTime() - b.x.getTime());
      };
      return { cpu: await series('CPUUtilization'), memory: await series('MemoryUtilization') };
    },
    [cluster, service],
    15_000,
  );
  const end = new Date();
  return (
    <Container header={<Header variant="h2" description="AWS/ECS, average per minute, last hour">Utilization</Header>}>
      <span data-testid="datapoint-count" hidden>
        {poll.data ? poll.data.cpu.length : ''}
      </span>
      <ErrorAlert error={poll.error} />
      <LineChart
        series={[
          { title: 'CPUUtilization', type: 'line', data: poll.data?.cpu ?? [], valueFormatter: (v) => `${v.toFixed(2)}%` },
          { title: 'MemoryUtilization', type: 'line', data: poll.data?.memory ?? [], valueFormatter: (v) => `${v.toFixed(2)}%` },
        ]}
        xDomain={[new Date(end.getTime() - 3600_000), end]}
        xScaleType="time"
        yTitle="Percent"
        xTitle="Time"
        height={200}
        statusType={poll.loading && !poll.data ? 'loading' : 'finished'}
        hideFilter
        ariaLabel={service ? 'Service utilization' : 'Cluster utilization'}
        empty={<Box textAlign="center">No datapoints yet: tasks report every few seconds and a period closes each minute.</Box>}
        i18nStrings={{ xTickFormatter: (d) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) }}
      />
    </Container>
  );
}
