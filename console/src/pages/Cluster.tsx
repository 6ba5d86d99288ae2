// A cluster: its services, tasks, container instances (resources used and free, agent connected, drain) and
// utilization, live.
import type { ContainerInstance, DescribeClustersResponse, UpdateContainerInstancesStateResponse } from '@aws-sdk/client-ecs';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import Tabs from '@cloudscape-design/components/tabs';
import { useState } from 'react';
import { ecs } from '../aws/apis';
import { useConsole } from '../lib/context';
import { UtilizationChart } from '../lib/CpuChart';
import { ErrorAlert } from '../lib/ErrorAlert';
import { enc, shortArn, taskDefName } from '../lib/format';
import { loadInstances, loadServices, loadTasks, resource } from '../lib/resources';
import { navigate, queryParam } from '../lib/router';
import { Status } from '../lib/Status';
import { TasksTable } from '../lib/TasksTable';
import { usePoll } from '../lib/usePoll';

export default function Cluster({ cluster, path }: { cluster: string; path: string }) {
  const { session } = useConsole();
  const [tab, setTab] = useState(queryParam(path, 'tab') ?? 'services');
  const info = usePoll(async () => {
    const r = await ecs<DescribeClustersResponse>(session, 'DescribeClusters', { clusters: [cluster] });
    if (r.failures?.length && !r.clusters?.length) throw Object.assign(new Error(`Cluster ${cluster}: ${r.failures[0]!.reason}`), { name: 'ClusterNotFoundException' });
    return r.clusters![0]!;
  }, [cluster]);
  const c = info.data;

  return (
    <SpaceBetween size="m">
      <BreadcrumbGroup ariaLabel="Breadcrumbs" items={[{ text: 'Clusters', href: '#/clusters' }, { text: cluster, href: `#/clusters/${enc(cluster)}` }]} />
      <Header variant="h1">{cluster}</Header>
      <ErrorAlert error={info.error} />
      <Container header={<Header variant="h2">Cluster overview</Header>}>
        <KeyValuePairs
          columns={4}
          items={[
            { label: 'Status', value: <Status value={c?.status} /> },
            { label: 'Services', value: String(c?.activeServicesCount ?? '-') },
            { label: 'Tasks', value: c ? `${c.runningTasksCount ?? 0} running, ${c.pendingTasksCount ?? 0} pending` : '-' },
            { label: 'Container instances', value: String(c?.registeredContainerInstancesCount ?? '-') },
            { label: 'ARN', value: c?.clusterArn ?? '-' },
          ]}
        />
      </Container>
      <Tabs
        activeTabId={tab}
        onChange={(e) => setTab(e.detail.activeTabId)}
        ariaLabel="Cluster details"
        tabs={[
          {
            id: 'services',
            label: 'Services',
            content: <ServicesTab cluster={cluster} />,
          },
          {
            id: 'tasks',
            label: 'Tasks',
            content: <TasksTab cluster={cluster} />,
          },
          {
            id: 'instances',
            label: 'Container instances',
            content: <InstancesTab cluster={cluster} />,
          },
          { id: 'metrics', label: 'Metrics', content: <UtilizationChart cluster={cluster} /> },
        ]}
      />
    </SpaceBetween>
  );
}

// Each tab polls only while it is shown.
function ServicesTab({ cluster }: { cluster: string }) {
  const { session } = useConsole();
  const services = usePoll(() => loadServices(session, cluster), [cluster, 'services']);
  return (
              <SpaceBetween size="s">
                <ErrorAlert error={services.error} />
                <Table
                  data-testid="services-table"
                  items={services.data ?? []}
                  loading={services.loading && !services.data}
                  loadingText="Loading services"
                  trackBy="serviceArn"
                  header={
                    <Header
                      variant="h2"
                      counter={services.data ? `(${services.data.length})` : undefined}
                      actions={
                        <Button variant="primary" onClick={() => navigate(`/clusters/${enc(cluster)}/create-service`)}>
                          Create service
                        </Button>
                      }
                    >
                      Services
                    </Header>
                  }
                  columnDefinitions={[
                    {
                      id: 'name',
                      header: 'Service',
                      isRowHeader: true,
                      cell: (s) => <Link href={`#/clusters/${enc(cluster)}/services/${enc(s.serviceName!)}`}>{s.serviceName}</Link>,
                    },
                    { id: 'status', header: 'Status', cell: (s) => <Status value={s.status} /> },
                    { id: 'tasks', header: 'Tasks', cell: (s) => `${s.runningCount ?? 0}/${s.desiredCount ?? 0} running, ${s.pendingCount ?? 0} pending` },
                    { id: 'rollout', header: 'Deployment', cell: (s) => <Status value={s.deployments?.find((d) => d.status === 'PRIMARY')?.rolloutState} /> },
                    { id: 'td', header: 'Task definition', cell: (s) => taskDefName(s.taskDefinition) },
                    { id: 'launch', header: 'Launch type', cell: (s) => s.launchType ?? s.capacityProviderStrategy?.map((p) => p.capacityProvider).join(', ') ?? '-' },
                  ]}
                  empty="No services"
                />
              </SpaceBetween>
  );
}

function TasksTab({ cluster }: { cluster: string }) {
  const { session } = useConsole();
  const tasks = usePoll(() => loadTasks(session, cluster), [cluster, 'tasks']);
  return (
              <SpaceBetween size="s">
                <ErrorAlert error={tasks.error} />
                <TasksTable
                  cluster={cluster}
                  tasks={tasks.data}
                  loading={tasks.loading}
                  refresh={tasks.refresh}
                  actions={
                    <Button variant="primary" onClick={() => navigate(`/clusters/${enc(cluster)}/run-task`)}>
                      Run new task
                    </Button>
                  }
                />
              </SpaceBetween>
  );
}

function InstancesTab({ cluster }: { cluster: string }) {
  const { session, flash } = useConsole();
  const instances = usePoll(() => loadInstances(session, cluster), [cluster, 'instances'], 5000);
  const [selected, setSelected] = useState<ContainerInstance[]>([]);
  const [error, setError] = useState<unknown>();
  // UpdateContainerInstancesState: DRAINING moves the instance's service tasks elsewhere and places no new ones.
  const setState = async (status: 'DRAINING' | 'ACTIVE') => {
    setError(undefined);
    try {
      const r = await ecs<UpdateContainerInstancesStateResponse>(session, 'UpdateContainerInstancesState', {
        cluster,
        containerInstances: selected.map((i) => i.containerInstanceArn),
        status,
      });
      if (r.failures?.length) throw Object.assign(new Error(`${r.failures[0]!.arn}: ${r.failures[0]!.reason}${r.failures[0]!.detail ? ` (${r.failures[0]!.detail})` : ''}`), { name: 'Failure' });
      flash({ type: 'success', content: `${selected.length} container instance(s) set to ${status}.` });
      instances.refresh();
    } catch (err) {
      setError(err);
    }
  };
  const current = (instances.data ?? []).filter((i) => selected.some((s) => s.containerInstanceArn === i.containerInstanceArn));
  return (
              <SpaceBetween size="s">
                <ErrorAlert error={instances.error} />
                <ErrorAlert error={error} onDismiss={() => setError(undefined)} />
                <Table
                  data-testid="instances-table"
                  items={instances.data ?? []}
                  loading={instances.loading && !instances.data}
                  loadingText="Loading container instances"
                  trackBy="containerInstanceArn"
                  selectionType="multi"
                  selectedItems={current}
                  onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
                  ariaLabels={{
                    selectionGroupLabel: 'Container instances',
                    itemSelectionLabel: (_s, i) => `Select container instance ${shortArn(i.containerInstanceArn)}`,
                    allItemsSelectionLabel: () => 'Select all container instances',
                  }}
                  header={
                    <Header
                      variant="h2"
                      counter={instances.data ? `(${instances.data.length})` : undefined}
                      actions={
                        <SpaceBetween direction="horizontal" size="xs">
                          <Button disabled={current.length === 0} onClick={() => void setState('ACTIVE')}>
                            Set to active
                          </Button>
                          <Button disabled={current.length === 0} onClick={() => void setState('DRAINING')}>
                            Drain
                          </Button>
                        </SpaceBetween>
                      }
                    >
                      Container instances
                    </Header>
                  }
                  columnDefinitions={[
                    { id: 'id', header: 'Container instance', isRowHeader: true, cell: (i) => shortArn(i.containerInstanceArn) },
                    { id: 'ec2', header: 'Instance ID', cell: (i) => i.ec2InstanceId ?? '-' },
                    { id: 'status', header: 'Status', cell: (i) => <Status value={i.status} /> },
                    { id: 'agent', header: 'Agent connected', cell: (i) => (i.agentConnected ? 'Yes' : 'No') },
                    { id: 'tasks', header: 'Running tasks', cell: (i) => i.runningTasksCount ?? 0 },
                    {
                      id: 'cpu',
                      header: 'CPU used / free',
                      cell: (i) => {
                        const total = resource(i.registeredResources, 'CPU');
                        const free = resource(i.remainingResources, 'CPU');
                        return `${total - free} / ${free} of ${total}`;
                      },
                    },
                    {
                      id: 'mem',
                      header: 'Memory used / free (MiB)',
                      cell: (i) => {
                        const total = resource(i.registeredResources, 'MEMORY');
                        const free = resource(i.remainingResources, 'MEMORY');
                        return `${total - free} / ${free} of ${total}`;
                      },
                    },
                    { id: 'agentv', header: 'Agent version', cell: (i) => i.versionInfo?.agentVersion ?? '-' },
                  ]}
                  empty="No container instances. Join a host with `wharf agent --cluster NAME`."
                  wrapLines
                />
              </SpaceBetween>
  );
}
