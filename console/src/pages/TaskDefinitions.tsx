// Task definition families (ListTaskDefinitionFamilies), each linking to its revisions.
import type { ListTaskDefinitionFamiliesResponse } from '@aws-sdk/client-ecs';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { ecs } from '../aws/apis';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { enc } from '../lib/format';
import { navigate } from '../lib/router';
import { usePoll } from '../lib/usePoll';
import { listAll } from '../lib/firstLoad';

export default function TaskDefinitions() {
  const { session } = useConsole();
  const [status, setStatus] = useState('ACTIVE');
  const poll = usePoll(
    () =>
      listAll(async (nextToken) => {
        const r = await ecs<ListTaskDefinitionFamiliesResponse>(session, 'ListTaskDefinitionFamilies', { status, nextToken });
        return { items: r.families ?? [], next: r.nextToken };
      }),
    [status],
    5000,
  );
  return (
    <SpaceBetween size="m">
      <ErrorAlert error={poll.error} />
      <Table
        data-testid="families"
        variant="full-page"
        items={(poll.data ?? []).map((family) => ({ family }))}
        loading={poll.loading && !poll.data}
        loadingText="Loading task definitions"
        trackBy="family"
        header={
          <Header
            variant="h1"
            counter={poll.data ? `(${poll.data.length})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <SegmentedControl
                  label="Status"
                  selectedId={status}
                  onChange={(e) => setStatus(e.detail.selectedId)}
                  options={[
                    { id: 'ACTIVE', text: 'Active' },
                    { id: 'INACTIVE', text: 'Inactive' },
                  ]}
                />
                <Button variant="primary" onClick={() => navigate('/task-definitions/create')}>
                  Create new task definition
                </Button>
              </SpaceBetween>
            }
          >
            Task definitions
          </Header>
        }
        columnDefinitions={[{ id: 'family', header: 'Task definition', isRowHeader: true, cell: (f) => <Link href={`#/task-definitions/${enc(f.family)}`}>{f.family}</Link> }]}
        empty="No task definitions"
      />
    </SpaceBetween>
  );
}
