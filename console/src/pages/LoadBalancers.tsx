// Load balancers with their listeners, and target groups with their targets' health (ELBv2, query protocol).
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { elbv2, xmlMemberElements, xmlText } from '../aws/apis';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { Status } from '../lib/Status';
import { usePoll } from '../lib/usePoll';

interface Lb {
  arn: string;
  name: string;
  dns: string;
  state: string;
  address: string;
  listeners: string[];
}

interface Tg {
  arn: string;
  name: string;
  protocol: string;
  port: string;
  type: string;
  targets: { id: string; port: string; state: string; reason: string }[];
}

export default function LoadBalancers() {
  const { session } = useConsole();
  const lbs = usePoll(async (): Promise<Lb[]> => {
    const doc = await elbv2(session, 'DescribeLoadBalancers');
    const out: Lb[] = [];
    for (const m of xmlMemberElements(doc, 'LoadBalancers')) {
      const arn = xmlText(m, 'LoadBalancerArn');
      const ls = await elbv2(session, 'DescribeListeners', { LoadBalancerArn: arn });
      out.push({
        arn,
        name: xmlText(m, 'LoadBalancerName'),
        dns: xmlText(m, 'DNSName'),
        state: xmlText(m.getElementsByTagName('State')[0] ?? m, 'Code'),
        address: xmlText(m, 'IpAddress'),
        listeners: xmlMemberElements(ls, 'Listeners').map((l) => `${xmlText(l, 'Protocol')}:${xmlText(l, 'Port')}`),
      });
    }
    return out;
  }, [], 5000);
  const tgs = usePoll(async (): Promise<Tg[]> => {
    const doc = await elbv2(session, 'DescribeTargetGroups');
    const out: Tg[] = [];
    for (const m of xmlMemberElements(doc, 'TargetGroups')) {
      const arn = xmlText(m, 'TargetGroupArn');
      const h = await elbv2(session, 'DescribeTargetHealth', { TargetGroupArn: arn });
      out.push({
        arn,
        name: xmlText(m, 'TargetGroupName'),
        protocol: xmlText(m, 'Protocol'),
        port: xmlText(m, 'Port'),
        type: xmlText(m, 'TargetType'),
        targets: xmlMemberElements(h, 'TargetHealthDescriptions').map((d) => ({
          id: xmlText(d.getElementsByTagName('Target')[0]!, 'Id'),
          port: xmlText(d.getElementsByTagName('Target')[0]!, 'Port'),
          state: xmlText(d.getElementsByTagName('TargetHealth')[0]!, 'State'),
          reason: xmlText(d.getElementsByTagName('TargetHealth')[0]!, 'Reason'),
        })),
      });
    }
    return out;
  }, ['tgs'], 3000);
  return (
    <SpaceBetween size="l">
      <ErrorAlert error={lbs.error} />
      <Table
        data-testid="load-balancers"
        items={lbs.data ?? []}
        loading={lbs.loading && !lbs.data}
        loadingText="Loading load balancers"
        trackBy="arn"
        header={<Header variant="h1" counter={lbs.data ? `(${lbs.data.length})` : undefined}>Load balancers</Header>}
        columnDefinitions={[
          { id: 'name', header: 'Name', isRowHeader: true, cell: (l) => l.name },
          { id: 'state', header: 'State', cell: (l) => <Status value={l.state} /> },
          { id: 'dns', header: 'DNS name', cell: (l) => l.dns },
          { id: 'addr', header: 'Address', cell: (l) => (l.address ? <Link href={`http://${l.address}/`} external>{l.address}</Link> : '-') },
          { id: 'listeners', header: 'Listeners', cell: (l) => l.listeners.join(', ') || '-' },
        ]}
        empty="No load balancers"
      />
      <ErrorAlert error={tgs.error} />
      <Table
        data-testid="target-groups"
        items={tgs.data ?? []}
        loading={tgs.loading && !tgs.data}
        loadingText="Loading target groups"
        trackBy="arn"
        wrapLines
        header={<Header variant="h2" counter={tgs.data ? `(${tgs.data.length})` : undefined}>Target groups</Header>}
        columnDefinitions={[
          { id: 'name', header: 'Name', isRowHeader: true, cell: (g) => g.name },
          { id: 'proto', header: 'Protocol : port', cell: (g) => `${g.protocol}:${g.port}` },
          { id: 'type', header: 'Target type', cell: (g) => g.type },
          {
            id: 'targets',
            header: 'Targets',
            cell: (g) =>
              g.targets.length === 0 ? (
                'None registered'
              ) : (
                <SpaceBetween size="xxs">
                  {g.targets.map((t) => (
                    <span key={`${t.id}:${t.port}`}>
                      {t.id}:{t.port} <Status value={t.state} /> {t.reason}
                    </span>
                  ))}
                </SpaceBetween>
              ),
          },
        ]}
        empty="No target groups"
      />
    </SpaceBetween>
  );
}
