// Load balancers with their listeners, and target groups with their targets' health (ELBv2, query protocol);
// create a load balancer, a target group and a listener that forwards to one, as the EC2 console's wizards do.
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Link from '@cloudscape-design/components/link';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { elbv2, xmlMemberElements, xmlText } from '../aws/apis';
import { ConfirmModal } from '../lib/ConfirmModal';
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

type Dialog = 'lb' | 'tg' | 'listener' | undefined;

/** ELBv2's query encoding of a list: Name.member.1, Name.member.2 ... */
function members(name: string, list: string): Record<string, string> {
  const out: Record<string, string> = {};
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((v, i) => (out[`${name}.member.${i + 1}`] = v));
  return out;
}

export default function LoadBalancers() {
  const { session, flash } = useConsole();
  const [dialog, setDialog] = useState<Dialog>();
  const [lbForm, setLbForm] = useState({ name: '', type: 'application', subnets: 'subnet-a, subnet-b' });
  const [tgForm, setTgForm] = useState({ name: '', protocol: 'HTTP', port: '80', targetType: 'ip', vpc: 'vpc-local', path: '/', interval: '30', timeout: '5', healthy: '5', unhealthy: '2' });
  const [lsForm, setLsForm] = useState({ lb: '', protocol: 'HTTP', port: '80', tg: '' });
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
        header={
          <Header
            variant="h1"
            counter={lbs.data ? `(${lbs.data.length})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button onClick={() => setDialog('listener')} disabled={!lbs.data?.length}>
                  Add listener
                </Button>
                <Button variant="primary" onClick={() => setDialog('lb')}>
                  Create load balancer
                </Button>
              </SpaceBetween>
            }
          >
            Load balancers
          </Header>
        }
        columnDefinitions={[
          { id: 'name', header: 'Name', isRowHeader: true, cell: (l) => l.name },
          { id: 'state', header: 'State', cell: (l) => <Status value={l.state} /> },
          { id: 'dns', header: 'DNS name', cell: (l) => (l.dns ? <Link href={`http://${l.dns}/`} external>{l.dns}</Link> : '-') },
          {
            id: 'addr',
            header: 'Address',
            cell: (l) =>
              l.address ? (
                <Link href={`http://${l.address}/`} external data-testid={`lb-address-${l.name}`}>
                  {l.address}
                </Link>
              ) : (
                '-'
              ),
          },
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
        header={
          <Header
            variant="h2"
            counter={tgs.data ? `(${tgs.data.length})` : undefined}
            actions={<Button onClick={() => setDialog('tg')}>Create target group</Button>}
          >
            Target groups
          </Header>
        }
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
      <ConfirmModal
        visible={dialog === 'lb'}
        title="Create load balancer"
        confirmLabel="Create load balancer"
        onCancel={() => setDialog(undefined)}
        onConfirm={async () => {
          await elbv2(session, 'CreateLoadBalancer', { Name: lbForm.name.trim(), Type: lbForm.type, ...members('Subnets', lbForm.subnets) });
          flash({ type: 'success', content: `Load balancer ${lbForm.name.trim()} has been created.` });
          lbs.refresh();
        }}
      >
        <SpaceBetween size="m">
          <FormField label="Load balancer name">
            <Input value={lbForm.name} onChange={(e) => setLbForm({ ...lbForm, name: e.detail.value })} name="lbName" />
          </FormField>
          <FormField label="Load balancer type">
            <Select
              selectedOption={{ value: lbForm.type, label: lbForm.type === 'application' ? 'Application Load Balancer' : 'Network Load Balancer' }}
              options={[
                { value: 'application', label: 'Application Load Balancer' },
                { value: 'network', label: 'Network Load Balancer' },
              ]}
              onChange={(e) => setLbForm({ ...lbForm, type: e.detail.selectedOption.value! })}
              ariaLabel="Load balancer type"
            />
          </FormField>
          <FormField label="Subnets" description="Comma-separated subnet ids (any id works on Wharf).">
            <Input value={lbForm.subnets} onChange={(e) => setLbForm({ ...lbForm, subnets: e.detail.value })} name="lbSubnets" />
          </FormField>
        </SpaceBetween>
      </ConfirmModal>
      <ConfirmModal
        visible={dialog === 'tg'}
        title="Create target group"
        confirmLabel="Create target group"
        onCancel={() => setDialog(undefined)}
        onConfirm={async () => {
          const f = tgForm;
          await elbv2(session, 'CreateTargetGroup', {
            Name: f.name.trim(),
            Protocol: f.protocol,
            Port: f.port.trim(),
            TargetType: f.targetType,
            VpcId: f.vpc.trim(),
            HealthCheckPath: f.path.trim(),
            HealthCheckIntervalSeconds: f.interval.trim(),
            HealthCheckTimeoutSeconds: f.timeout.trim(),
            HealthyThresholdCount: f.healthy.trim(),
            UnhealthyThresholdCount: f.unhealthy.trim(),
          });
          flash({ type: 'success', content: `Target group ${f.name.trim()} has been created.` });
          tgs.refresh();
        }}
      >
        <SpaceBetween size="m">
          <FormField label="Target group name">
            <Input value={tgForm.name} onChange={(e) => setTgForm({ ...tgForm, name: e.detail.value })} name="tgName" />
          </FormField>
          <SpaceBetween direction="horizontal" size="s">
            <FormField label="Protocol">
              <Select
                selectedOption={{ value: tgForm.protocol, label: tgForm.protocol }}
                options={['HTTP', 'HTTPS', 'TCP', 'UDP'].map((v) => ({ value: v, label: v }))}
                onChange={(e) => setTgForm({ ...tgForm, protocol: e.detail.selectedOption.value! })}
                ariaLabel="Target group protocol"
              />
            </FormField>
            <FormField label="Port">
              <Input value={tgForm.port} onChange={(e) => setTgForm({ ...tgForm, port: e.detail.value })} inputMode="numeric" name="tgPort" />
            </FormField>
            <FormField label="Target type">
              <Select
                selectedOption={{ value: tgForm.targetType, label: tgForm.targetType === 'ip' ? 'IP addresses' : 'Instances' }}
                options={[
                  { value: 'ip', label: 'IP addresses' },
                  { value: 'instance', label: 'Instances' },
                ]}
                onChange={(e) => setTgForm({ ...tgForm, targetType: e.detail.selectedOption.value! })}
                ariaLabel="Target type"
              />
            </FormField>
          </SpaceBetween>
          <FormField label="VPC">
            <Input value={tgForm.vpc} onChange={(e) => setTgForm({ ...tgForm, vpc: e.detail.value })} name="tgVpc" />
          </FormField>
          <FormField label="Health check path">
            <Input value={tgForm.path} onChange={(e) => setTgForm({ ...tgForm, path: e.detail.value })} name="tgHealthPath" />
          </FormField>
          <SpaceBetween direction="horizontal" size="s">
            <FormField label="Interval (s)">
              <Input value={tgForm.interval} onChange={(e) => setTgForm({ ...tgForm, interval: e.detail.value })} inputMode="numeric" name="tgInterval" />
            </FormField>
            <FormField label="Timeout (s)">
              <Input value={tgForm.timeout} onChange={(e) => setTgForm({ ...tgForm, timeout: e.detail.value })} inputMode="numeric" name="tgTimeout" />
            </FormField>
            <FormField label="Healthy threshold">
              <Input value={tgForm.healthy} onChange={(e) => setTgForm({ ...tgForm, healthy: e.detail.value })} inputMode="numeric" name="tgHealthy" />
            </FormField>
            <FormField label="Unhealthy threshold">
              <Input value={tgForm.unhealthy} onChange={(e) => setTgForm({ ...tgForm, unhealthy: e.detail.value })} inputMode="numeric" name="tgUnhealthy" />
            </FormField>
          </SpaceBetween>
        </SpaceBetween>
      </ConfirmModal>
      <ConfirmModal
        visible={dialog === 'listener'}
        title="Add listener"
        confirmLabel="Add listener"
        onCancel={() => setDialog(undefined)}
        onConfirm={async () => {
          const f = lsForm;
          await elbv2(session, 'CreateListener', {
            LoadBalancerArn: f.lb,
            Protocol: f.protocol,
            Port: f.port.trim(),
            'DefaultActions.member.1.Type': 'forward',
            'DefaultActions.member.1.TargetGroupArn': f.tg,
          });
          flash({ type: 'success', content: `Listener ${f.protocol}:${f.port.trim()} has been added.` });
          lbs.refresh();
        }}
      >
        <SpaceBetween size="m">
          <FormField label="Load balancer">
            <Select
              selectedOption={lsForm.lb ? { value: lsForm.lb, label: lbs.data?.find((l) => l.arn === lsForm.lb)?.name ?? lsForm.lb } : null}
              options={(lbs.data ?? []).map((l) => ({ value: l.arn, label: l.name }))}
              onChange={(e) => setLsForm({ ...lsForm, lb: e.detail.selectedOption.value! })}
              placeholder="Choose a load balancer"
              ariaLabel="Load balancer"
            />
          </FormField>
          <SpaceBetween direction="horizontal" size="s">
            <FormField label="Protocol">
              <Select
                selectedOption={{ value: lsForm.protocol, label: lsForm.protocol }}
                options={['HTTP', 'HTTPS', 'TCP', 'UDP'].map((v) => ({ value: v, label: v }))}
                onChange={(e) => setLsForm({ ...lsForm, protocol: e.detail.selectedOption.value! })}
                ariaLabel="Listener protocol"
              />
            </FormField>
            <FormField label="Port">
              <Input value={lsForm.port} onChange={(e) => setLsForm({ ...lsForm, port: e.detail.value })} inputMode="numeric" name="listenerPort" />
            </FormField>
          </SpaceBetween>
          <FormField label="Default action: forward to target group">
            <Select
              selectedOption={lsForm.tg ? { value: lsForm.tg, label: tgs.data?.find((g) => g.arn === lsForm.tg)?.name ?? lsForm.tg } : null}
              options={(tgs.data ?? []).map((g) => ({ value: g.arn, label: g.name }))}
              onChange={(e) => setLsForm({ ...lsForm, tg: e.detail.selectedOption.value! })}
              placeholder="Choose a target group"
              ariaLabel="Forward to target group"
            />
          </FormField>
        </SpaceBetween>
      </ConfirmModal>
    </SpaceBetween>
  );
}
