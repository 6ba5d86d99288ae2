// A table of tasks with a Stop action, used on the cluster page and the service page. Paged (50 a page) and
// filtered in the browser with Cloudscape's collection hooks, so a thousand tasks render as fast as fifty.
import type { Task } from '@aws-sdk/client-ecs';
import { useCollection } from '@cloudscape-design/collection-hooks';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import TextFilter from '@cloudscape-design/components/text-filter';
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
  const { items, filteredItemsCount, collectionProps, filterProps, paginationProps } = useCollection(props.tasks ?? [], {
    filtering: {
      filteringFunction: (t, text) => {
        const q = text.toLowerCase();
        return [taskId(t.taskArn), t.lastStatus, t.desiredStatus, taskDefName(t.taskDefinitionArn), t.group, t.startedBy].some((v) => v?.toLowerCase().includes(q));
      },
    },
    pagination: { pageSize: 50 },
    sorting: {},
  });
  return (
    <>
      <Table
        {...collectionProps}
        data-testid="tasks-table"
        items={items}
        filter={
          <TextFilter
            {...filterProps}
            filteringPlaceholder="Find tasks"
            filteringAriaLabel="Find tasks"
            countText={`${filteredItemsCount ?? 0} matches`}
          />
        }
        pagination={<Pagination {...paginationProps} ariaLabels={{ nextPageLabel: 'Next page', previousPageLabel: 'Previous page', pageLabel: (n) => `Page ${n}` }} />}
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
