// A family's revisions (ListTaskDefinitions), with deregister.
import type { ListTaskDefinitionsResponse } from '@aws-sdk/client-ecs';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { ecs } from '../aws/apis';
import { ConfirmModal } from '../lib/ConfirmModal';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { enc } from '../lib/format';
import { navigate } from '../lib/router';
import { Status } from '../lib/Status';
import { usePoll } from '../lib/usePoll';
import { listAll } from '../lib/firstLoad';

interface Revision {
  arn: string;
  revision: string;
  status: string;
}

export default function TaskDefinitionFamily({ family }: { family: string }) {
  const { session, flash } = useConsole();
  const [selected, setSelected] = useState<Revision[]>([]);
  const [deregistering, setDeregistering] = useState(false);
  const poll = usePoll(async () => {
    const byStatus = async (status: string) =>
      listAll(async (nextToken) => {
        const r = await ecs<ListTaskDefinitionsResponse>(session, 'ListTaskDefinitions', { familyPrefix: family, status, sort: 'DESC', nextToken });
        return { items: r.taskDefinitionArns ?? [], next: r.nextToken };
      });
    const rows: Revision[] = [];
    for (const status of ['ACTIVE', 'INACTIVE']) {
      for (const arn of await byStatus(status)) {
        const [fam, rev] = arn.split('/').pop()!.split(':');
        if (fam === family) rows.push({ arn, revision: rev!, status });
      }
    }
    return rows.sort((a, b) => Number(b.revision) - Number(a.revision));
  }, [family]);

  return (
    <SpaceBetween size="m">
      <BreadcrumbGroup
        ariaLabel="Breadcrumbs"
        items={[
          { text: 'Task definitions', href: '#/task-definitions' },
          { text: family, href: `#/task-definitions/${enc(family)}` },
        ]}
      />
      <ErrorAlert error={poll.error} />
      <Table
        data-testid="revisions"
        items={poll.data ?? []}
        loading={poll.loading && !poll.data}
        loadingText="Loading revisions"
        trackBy="arn"
        selectionType="multi"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        isItemDisabled={(r) => r.status !== 'ACTIVE'}
        ariaLabels={{
          selectionGroupLabel: 'Revisions',
          itemSelectionLabel: (_s, r) => `Select revision ${r.revision}`,
          allItemsSelectionLabel: () => 'Select all revisions',
        }}
        header={
          <Header
            variant="h1"
            counter={poll.data ? `(${poll.data.length})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button
                  disabled={selected.length !== 2}
                  onClick={() => {
                    const [a, b] = selected.map((r) => Number(r.revision)).sort((x, y) => x - y);
                    navigate(`/task-definitions/${enc(family)}/compare?from=${a}&to=${b}`);
                  }}
                >
                  Compare
                </Button>
                <Button disabled={selected.length === 0} onClick={() => setDeregistering(true)}>
                  Deregister
                </Button>
                <Button variant="primary" onClick={() => navigate(`/task-definitions/create?from=${enc(family)}`)}>
                  Create new revision
                </Button>
              </SpaceBetween>
            }
          >
            {family}
          </Header>
        }
        columnDefinitions={[
          {
            id: 'rev',
            header: 'Task definition',
            isRowHeader: true,
            cell: (r) => <Link href={`#/task-definitions/${enc(family)}/${r.revision}`}>{`${family}:${r.revision}`}</Link>,
          },
          { id: 'status', header: 'Status', cell: (r) => <Status value={r.status} /> },
        ]}
        empty="No revisions"
      />
      <ConfirmModal
        visible={deregistering}
        title="Deregister task definition revisions"
        confirmLabel="Deregister"
        onCancel={() => setDeregistering(false)}
        onConfirm={async () => {
          for (const r of selected) await ecs(session, 'DeregisterTaskDefinition', { taskDefinition: r.arn });
          flash({ type: 'success', content: `Deregistered ${selected.map((r) => `${family}:${r.revision}`).join(', ')}.` });
          setSelected([]);
          poll.refresh();
        }}
      >
        Deregister {selected.map((r) => `${family}:${r.revision}`).join(', ')}? Running tasks and services keep running; no new ones can use it.
      </ConfirmModal>
    </SpaceBetween>
  );
}
