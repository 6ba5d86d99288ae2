// A table of tasks with a Stop action, used on the cluster page and the service page.
import type { Task } from '@aws-sdk/client-ecs';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState, type ReactNode } from 'react';
import { ecs } from '../aws/apis';
import { ConfirmModal } from './ConfirmModal';
import { useConsole } from './context';
import { enc, taskDefName, taskId, time } from './format';
import { Status } from './Status';

export function TasksTable(props: { cluster: string; tasks: Task[] | undefined; loading: boolean; refresh: () => void; actions?: ReactNode }) {
  const { session, flash } = useConsole();
  const [selected, setSelected] = useState<Task[]>([]);
  const [stopping, setStopping] = useState(false);
  return (
    <>
      <Table
        data-testid="tasks-table"
        items={props.tasks ?? []}
        loading={props.loading && !props.tasks}
        loadingText="Loading tasks"
        trackBy="taskArn"
        selectionType="multi"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        ariaLabels={{
          selectionGroupLabel: 'Tasks',
          itemSelectionLabel: (_s, t) => `Select task ${taskId(t.taskArn)}`,
          allItemsSelectionLabel: () => 'Select all tasks',
        }}
        header={
          <Header
            variant="h2"
            counter={props.tasks ? `(${props.tasks.length})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={selected.length === 0} onClick={() => setStopping(true)}>
                  Stop
                </Button>
                {props.actions}
              </SpaceBetween>
            }
          >
            Tasks
          </Header>
        }
        columnDefinitions={[
          {
            id: 'task',
            header: 'Task',
            isRowHeader: true,
            cell: (t) => <Link href={`#/clusters/${enc(props.cluster)}/tasks/${taskId(t.taskArn)}`}>{taskId(t.taskArn)}</Link>,
          },
          { id: 'last', header: 'Last status', cell: (t) => <Status value={t.lastStatus} /> },
          { id: 'desired', header: 'Desired status', cell: (t) => t.desiredStatus },
          { id: 'td', header: 'Task definition', cell: (t) => taskDefName(t.taskDefinitionArn) },
          { id: 'group', header: 'Started by', cell: (t) => t.group ?? t.startedBy ?? '-' },
          { id: 'launch', header: 'Launch type', cell: (t) => t.launchType ?? '-' },
          { id: 'health', header: 'Health', cell: (t) => t.healthStatus ?? '-' },
          { id: 'started', header: 'Started at', cell: (t) => time(t.startedAt) },
        ]}
        empty="No tasks"
      />
      <ConfirmModal
        visible={stopping}
        title="Stop tasks"
        confirmLabel="Stop"
        onCancel={() => setStopping(false)}
        onConfirm={async () => {
          for (const t of selected) await ecs(session, 'StopTask', { cluster: props.cluster, task: t.taskArn, reason: 'Stopped from the Wharf console' });
          flash({ type: 'success', content: `Stopping ${selected.length} task(s).` });
          setSelected([]);
          props.refresh();
        }}
      >
        Stop {selected.length} task(s)? A service replaces the tasks it runs.
      </ConfirmModal>
    </>
  );
}
