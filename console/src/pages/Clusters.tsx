// Clusters: list (ListClusters + DescribeClusters), create, delete.
import type { Cluster } from '@aws-sdk/client-ecs';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { ecs } from '../aws/apis';
import type { Session } from '../aws/session';
import { ConfirmModal } from '../lib/ConfirmModal';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { enc } from '../lib/format';
import { loadClusters, takeEarlyClusters, takeEarlyPress, takeSettledEarlyClusters } from '../lib/firstLoad';
import { usePoll } from '../lib/usePoll';

export default function Clusters() {
  const { session, flash } = useConsole();
  // The list loaded as the page arrived: in the first render when it is already here, else awaited by the first poll.
  const [initial] = useState(() => takeSettledEarlyClusters(session));
  const poll = usePoll(() => takeEarlyClusters(session) ?? loadClusters(session), [session], 3000, initial);
  const [selected, setSelected] = useState<Cluster[]>([]);
  // Open at once when "Create cluster" was pressed on the plain list shown before the console arrived.
  const [creating, setCreating] = useState(() => takeEarlyPress('create-cluster'));
  const [deleting, setDeleting] = useState(false);
  const [name, setName] = useState('');

  return (
    <SpaceBetween size="m">
      <ErrorAlert error={poll.error} />
      <Table
        data-testid="clusters"
        variant="full-page"
        loading={poll.loading && !poll.data}
        loadingText="Loading clusters"
        items={poll.data ?? []}
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        trackBy="clusterArn"
        ariaLabels={{
          selectionGroupLabel: 'Clusters',
          itemSelectionLabel: (_s, c) => `Select cluster ${c.clusterName}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        header={
          <Header
            variant="h1"
            counter={poll.data ? `(${poll.data.length})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh" onClick={poll.refresh} />
                <Button disabled={selected.length === 0} onClick={() => setDeleting(true)}>
                  Delete cluster
                </Button>
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Create cluster
                </Button>
              </SpaceBetween>
            }
          >
            Clusters
          </Header>
        }
        columnDefinitions={[
          {
            id: 'name',
            header: 'Cluster',
            cell: (c) => <Link href={`#/clusters/${enc(c.clusterName!)}`}>{c.clusterName}</Link>,
            isRowHeader: true,
          },
          { id: 'status', header: 'Status', cell: (c) => <StatusIndicator type={c.status === 'ACTIVE' ? 'success' : 'stopped'}>{c.status}</StatusIndicator> },
          { id: 'services', header: 'Services', cell: (c) => c.activeServicesCount ?? 0 },
          { id: 'running', header: 'Running tasks', cell: (c) => c.runningTasksCount ?? 0 },
          { id: 'pending', header: 'Pending tasks', cell: (c) => c.pendingTasksCount ?? 0 },
          { id: 'instances', header: 'Container instances', cell: (c) => c.registeredContainerInstancesCount ?? 0 },
          { id: 'cp', header: 'Capacity providers', cell: (c) => (c.capacityProviders ?? []).join(', ') || '-' },
        ]}
        empty="No clusters"
      />
      <ConfirmModal
        visible={creating}
        title="Create cluster"
        confirmLabel="Create"
        onCancel={() => setCreating(false)}
        onConfirm={async () => {
          await ecs(session, 'CreateCluster', { clusterName: name.trim() });
          flash({ type: 'success', content: `Cluster ${name.trim()} has been created.` });
          setName('');
          poll.refresh();
        }}
      >
        <FormField label="Cluster name" description="Up to 255 letters, numbers, hyphens and underscores.">
          <Input value={name} onChange={(e) => setName(e.detail.value)} name="clusterName" />
        </FormField>
      </ConfirmModal>
      <ConfirmModal
        visible={deleting}
        title="Delete cluster"
        confirmLabel="Delete"
        onCancel={() => setDeleting(false)}
        onConfirm={async () => {
          const c = selected[0]!;
          await ecs(session, 'DeleteCluster', { cluster: c.clusterArn });
          flash({ type: 'success', content: `Cluster ${c.clusterName} has been deleted.` });
          setSelected([]);
          poll.refresh();
        }}
      >
        Delete cluster <b>{selected[0]?.clusterName}</b>? A cluster with services or registered instances cannot be deleted.
      </ConfirmModal>
    </SpaceBetween>
  );
}
