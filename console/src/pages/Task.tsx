// A task: status, its containers (status, exit code, reason, network bindings with links to the task's address),
// its logs, and Stop.
import type { DescribeTasksResponse, NetworkBinding, Task as EcsTask } from '@aws-sdk/client-ecs';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { ecs } from '../aws/apis';
import { ConfirmModal } from '../lib/ConfirmModal';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { enc, shortArn, taskDefName, time } from '../lib/format';
import { Status } from '../lib/Status';
import { TaskLogs } from '../lib/TaskLogs';
import { usePoll } from '../lib/usePoll';

function bindingUrl(b: NetworkBinding): string {
  const host = !b.bindIP || b.bindIP === '0.0.0.0' ? window.location.hostname : b.bindIP;
  return `http://${host}:${b.hostPort}/`;
}

function taskAddress(t: EcsTask | undefined): string | undefined {
  return t?.attachments?.flatMap((a) => a.details ?? []).find((d) => d.name === 'privateIPv4Address')?.value || undefined;
}

export default function Task({ cluster, task }: { cluster: string; task: string }) {
  const { session, flash } = useConsole();
  const [stopping, setStopping] = useState(false);
  const poll = usePoll(async () => {
    const r = await ecs<DescribeTasksResponse>(session, 'DescribeTasks', { cluster, tasks: [task] });
    const t = r.tasks?.[0];
    if (!t) throw Object.assign(new Error(`Task ${task} was not found in cluster ${cluster} (${r.failures?.[0]?.reason ?? 'MISSING'}).`), { name: 'TaskNotFound' });
    return t;
  }, [cluster, task], 2000);
  const t = poll.data;
  const address = taskAddress(t);

  return (
    <SpaceBetween size="m">
      <BreadcrumbGroup
        ariaLabel="Breadcrumbs"
        items={[
          { text: 'Clusters', href: '#/clusters' },
          { text: cluster, href: `#/clusters/${enc(cluster)}` },
          { text: 'Tasks', href: `#/clusters/${enc(cluster)}?tab=tasks` },
          { text: task, href: `#/clusters/${enc(cluster)}/tasks/${task}` },
        ]}
      />
      <Header
        variant="h1"
        actions={
          <Button onClick={() => setStopping(true)} disabled={!t || t.desiredStatus === 'STOPPED'}>
            Stop
          </Button>
        }
      >
        Task {task}
      </Header>
      <ErrorAlert error={poll.error} />
      <Container header={<Header variant="h2">Overview</Header>}>
        <KeyValuePairs
          columns={4}
          items={[
            { label: 'Last status', value: <span data-testid="task-status"><Status value={t?.lastStatus} /></span> },
            { label: 'Desired status', value: <span data-testid="task-desired">{t?.desiredStatus ?? '-'}</span> },
            { label: 'Task definition', value: t?.taskDefinitionArn ? <Link href={`#/task-definitions/${taskDefName(t.taskDefinitionArn).replace(':', '/')}`}>{taskDefName(t.taskDefinitionArn)}</Link> : '-' },
            { label: 'Launch type', value: t?.launchType ?? '-' },
            { label: 'Started by', value: t?.group ?? t?.startedBy ?? '-' },
            { label: 'Health', value: t?.healthStatus ?? '-' },
            { label: 'Private IP', value: address ? <Link href={`http://${address}/`} external>{address}</Link> : '-' },
            { label: 'Container instance', value: shortArn(t?.containerInstanceArn) },
            { label: 'CPU / memory', value: `${t?.cpu ?? '-'} / ${t?.memory ?? '-'}` },
            { label: 'Created', value: time(t?.createdAt) },
            { label: 'Started', value: time(t?.startedAt) },
            { label: 'Stopped', value: t?.stoppedAt ? `${time(t.stoppedAt)} (${t.stopCode ?? ''}: ${t.stoppedReason ?? ''})` : '-' },
          ]}
        />
      </Container>
      <Table
        data-testid="containers"
        items={t?.containers ?? []}
        loading={poll.loading && !t}
        loadingText="Loading containers"
        trackBy="name"
        header={<Header variant="h2">Containers</Header>}
        wrapLines
        columnDefinitions={[
          { id: 'name', header: 'Container', isRowHeader: true, cell: (c) => c.name },
          { id: 'status', header: 'Last status', cell: (c) => <Status value={c.lastStatus} /> },
          { id: 'exit', header: 'Exit code', cell: (c) => c.exitCode ?? '-' },
          { id: 'reason', header: 'Reason', cell: (c) => c.reason ?? '-' },
          { id: 'health', header: 'Health', cell: (c) => c.healthStatus ?? '-' },
          {
            id: 'bindings',
            header: 'Network bindings',
            cell: (c) =>
              (c.networkBindings ?? []).length === 0 ? (
                '-'
              ) : (
                <SpaceBetween size="xxs">
                  {(c.networkBindings ?? []).map((b) => (
                    <Link key={`${b.bindIP}:${b.hostPort}`} href={bindingUrl(b)} external>
                      {`${b.bindIP}:${b.hostPort} → ${b.containerPort}/${b.protocol ?? 'tcp'}`}
                    </Link>
                  ))}
                </SpaceBetween>
              ),
          },
          { id: 'image', header: 'Image', cell: (c) => c.image ?? '-' },
        ]}
      />
      <TaskLogs cluster={cluster} taskId={task} />
      <ConfirmModal
        visible={stopping}
        title={`Stop task ${task}`}
        confirmLabel="Stop"
        onCancel={() => setStopping(false)}
        onConfirm={async () => {
          await ecs(session, 'StopTask', { cluster, task, reason: 'Stopped from the Wharf console' });
          flash({ type: 'success', content: `Task ${task} is stopping.` });
          poll.refresh();
        }}
      >
        Stop task {task}?
      </ConfirmModal>
    </SpaceBetween>
  );
}
