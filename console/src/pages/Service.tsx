// A service, live: counts, deployments rolling (rollout state), events, tasks, utilization; update and delete.
import type { DescribeServicesResponse, Service as EcsService } from '@aws-sdk/client-ecs';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import Tabs from '@cloudscape-design/components/tabs';
import { useState } from 'react';
import { ecs } from '../aws/apis';
import { ConfirmModal } from '../lib/ConfirmModal';
import { useConsole } from '../lib/context';
import { ServiceMetrics } from '../lib/CpuChart';
import { ServiceScaling } from '../lib/ServiceScaling';
import { ErrorAlert } from '../lib/ErrorAlert';
import { enc, shortArn, taskDefName, time } from '../lib/format';
import { TaskDefinitionPicker } from '../lib/pickers';
import { loadTasks } from '../lib/resources';
import { navigate } from '../lib/router';
import { Status } from '../lib/Status';
import { TasksTable } from '../lib/TasksTable';
import { usePoll } from '../lib/usePoll';

export default function Service({ cluster, service }: { cluster: string; service: string }) {
  const { session, flash } = useConsole();
  const poll = usePoll(async () => {
    const r = await ecs<DescribeServicesResponse>(session, 'DescribeServices', { cluster, services: [service] });
    const s = r.services?.[0];
    if (!s) throw Object.assign(new Error(`Service ${service} was not found in cluster ${cluster} (${r.failures?.[0]?.reason ?? 'MISSING'}).`), { name: 'ServiceNotFoundException' });
    return s;
  }, [cluster, service], 2000);
  const [updating, setUpdating] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [tab, setTab] = useState('deployments');
  const [upd, setUpd] = useState({ taskDefinition: '', desired: '', force: false });
  const s: EcsService | undefined = poll.data;

  const openUpdate = () => {
    setUpd({ taskDefinition: taskDefName(s?.taskDefinition).split(':')[0] ?? '', desired: String(s?.desiredCount ?? 1), force: false });
    setUpdating(true);
  };

  return (
    <SpaceBetween size="m">
      <BreadcrumbGroup
        ariaLabel="Breadcrumbs"
        items={[
          { text: 'Clusters', href: '#/clusters' },
          { text: cluster, href: `#/clusters/${enc(cluster)}` },
          { text: service, href: `#/clusters/${enc(cluster)}/services/${enc(service)}` },
        ]}
      />
      <Header
        variant="h1"
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button onClick={() => setDeleting(true)} disabled={!s || s.status !== 'ACTIVE'}>
              Delete service
            </Button>
            <Button variant="primary" onClick={openUpdate} disabled={!s || s.status !== 'ACTIVE'}>
              Update service
            </Button>
          </SpaceBetween>
        }
      >
        {service}
      </Header>
      <ErrorAlert error={poll.error} />
      <Container header={<Header variant="h2">Service overview</Header>}>
        <KeyValuePairs
          columns={4}
          items={[
            { label: 'Status', value: <Status value={s?.status} /> },
            { label: 'Desired tasks', value: <span data-testid="desired-count">{s?.desiredCount ?? '-'}</span> },
            { label: 'Running tasks', value: <span data-testid="running-count">{s?.runningCount ?? '-'}</span> },
            { label: 'Pending tasks', value: String(s?.pendingCount ?? '-') },
            { label: 'Task definition', value: s?.taskDefinition ? <a href={`#/task-definitions/${taskDefName(s.taskDefinition).replace(':', '/')}`}>{taskDefName(s.taskDefinition)}</a> : '-' },
            { label: 'Launch type', value: s?.launchType ?? '-' },
            { label: 'Scheduling strategy', value: s?.schedulingStrategy ?? '-' },
            {
              label: 'Deployment options',
              value: (
                <span data-testid="deployment-options">
                  {s?.deploymentConfiguration
                    ? `Min ${s.deploymentConfiguration.minimumHealthyPercent ?? '-'}%, max ${s.deploymentConfiguration.maximumPercent ?? '-'}%, circuit breaker ${
                        s.deploymentConfiguration.deploymentCircuitBreaker?.enable ? (s.deploymentConfiguration.deploymentCircuitBreaker.rollback ? 'on with rollback' : 'on') : 'off'
                      }`
                    : '-'}
                </span>
              ),
            },
            { label: 'Load balancers', value: (s?.loadBalancers ?? []).map((l) => `${shortArn(l.targetGroupArn)} → ${l.containerName}:${l.containerPort}`).join(', ') || '-' },
          ]}
        />
      </Container>
      <Tabs
        activeTabId={tab}
        onChange={(e) => setTab(e.detail.activeTabId)}
        ariaLabel="Service details"
        tabs={[
          {
            id: 'deployments',
            label: 'Deployments',
            content: (
              <Table
                data-testid="deployments-table"
                items={s?.deployments ?? []}
                loading={poll.loading && !s}
                loadingText="Loading deployments"
                trackBy="id"
                header={<Header variant="h2">Deployments</Header>}
                columnDefinitions={[
                  { id: 'id', header: 'Deployment', isRowHeader: true, cell: (d) => d.id },
                  { id: 'status', header: 'Status', cell: (d) => d.status },
                  { id: 'rollout', header: 'Rollout state', cell: (d) => <Status value={d.rolloutState} /> },
                  { id: 'td', header: 'Task definition', cell: (d) => taskDefName(d.taskDefinition) },
                  { id: 'counts', header: 'Desired / pending / running', cell: (d) => `${d.desiredCount ?? 0} / ${d.pendingCount ?? 0} / ${d.runningCount ?? 0}` },
                  { id: 'failed', header: 'Failed tasks', cell: (d) => d.failedTasks ?? 0 },
                  { id: 'reason', header: 'Reason', cell: (d) => d.rolloutStateReason ?? '-' },
                  { id: 'updated', header: 'Updated', cell: (d) => time(d.updatedAt) },
                ]}
                empty="No deployments"
              />
            ),
          },
          {
            id: 'tasks',
            label: 'Tasks',
            content: <ServiceTasks cluster={cluster} service={service} />,
          },
          {
            id: 'events',
            label: 'Events',
            content: (
              <Table
                data-testid="events-table"
                items={(s?.events ?? []).slice(0, 50)}
                trackBy="id"
                header={<Header variant="h2">Events</Header>}
                columnDefinitions={[
                  { id: 'at', header: 'Time', isRowHeader: true, cell: (e) => time(e.createdAt) },
                  { id: 'msg', header: 'Message', cell: (e) => e.message },
                ]}
                wrapLines
                empty="No events"
              />
            ),
          },
          { id: 'metrics', label: 'Metrics', content: <ServiceMetrics cluster={cluster} service={service} /> },
          { id: 'scaling', label: 'Auto scaling', content: <ServiceScaling cluster={cluster} service={service} /> },
        ]}
      />
      <ConfirmModal
        visible={updating}
        title={`Update service ${service}`}
        confirmLabel="Update"
        onCancel={() => setUpdating(false)}
        onConfirm={async () => {
          await ecs(session, 'UpdateService', {
            cluster,
            service,
            taskDefinition: upd.taskDefinition || undefined,
            desiredCount: upd.desired.trim() === '' ? undefined : Number(upd.desired),
            forceNewDeployment: upd.force,
          });
          flash({ type: 'success', content: `Service ${service} has been updated.` });
          poll.refresh();
        }}
      >
        <SpaceBetween size="m">
          <TaskDefinitionPicker session={session} value={upd.taskDefinition} onChange={(v) => setUpd({ ...upd, taskDefinition: v })} />
          <FormField label="Desired tasks">
            <Input value={upd.desired} onChange={(e) => setUpd({ ...upd, desired: e.detail.value })} inputMode="numeric" name="updateDesiredCount" />
          </FormField>
          <Checkbox checked={upd.force} onChange={(e) => setUpd({ ...upd, force: e.detail.checked })}>
            Force new deployment
          </Checkbox>
        </SpaceBetween>
      </ConfirmModal>
      <ConfirmModal
        visible={deleting}
        title={`Delete service ${service}`}
        confirmLabel="Delete"
        onCancel={() => setDeleting(false)}
        onConfirm={async () => {
          await ecs(session, 'DeleteService', { cluster, service, force: true });
          flash({ type: 'success', content: `Service ${service} is being deleted: its tasks stop.` });
          navigate(`/clusters/${enc(cluster)}`);
        }}
      >
        Delete service <b>{service}</b>? Its tasks are stopped (the service is scaled to zero and deleted).
      </ConfirmModal>
    </SpaceBetween>
  );
}

/** The service's tasks, polled while their tab is shown. */
function ServiceTasks({ cluster, service }: { cluster: string; service: string }) {
  const { session } = useConsole();
  const tasks = usePoll(() => loadTasks(session, cluster, { serviceName: service }), [cluster, service, 'tasks'], 2000);
  return (
    <SpaceBetween size="s">
      <ErrorAlert error={tasks.error} />
      <TasksTable cluster={cluster} tasks={tasks.data} loading={tasks.loading} refresh={tasks.refresh} />
    </SpaceBetween>
  );
}
