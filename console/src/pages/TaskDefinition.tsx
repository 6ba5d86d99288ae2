// One revision: overview, containers, and its JSON.
import type { DescribeTaskDefinitionResponse } from '@aws-sdk/client-ecs';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { ecs } from '../aws/apis';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { enc, time } from '../lib/format';
import { navigate } from '../lib/router';
import { Status } from '../lib/Status';
import { usePoll } from '../lib/usePoll';

export default function TaskDefinition({ family, revision }: { family: string; revision: string }) {
  const { session } = useConsole();
  const name = `${family}:${revision}`;
  const poll = usePoll(() => ecs<DescribeTaskDefinitionResponse>(session, 'DescribeTaskDefinition', { taskDefinition: name }), [name], 10_000);
  const td = poll.data?.taskDefinition;
  return (
    <SpaceBetween size="m">
      <BreadcrumbGroup
        ariaLabel="Breadcrumbs"
        items={[
          { text: 'Task definitions', href: '#/task-definitions' },
          { text: family, href: `#/task-definitions/${enc(family)}` },
          { text: revision, href: `#/task-definitions/${enc(family)}/${revision}` },
        ]}
      />
      <Header
        variant="h1"
        actions={
          <Button variant="primary" onClick={() => navigate(`/task-definitions/create?from=${enc(name)}`)}>
            Create new revision
          </Button>
        }
      >
        {name}
      </Header>
      <ErrorAlert error={poll.error} />
      <Container header={<Header variant="h2">Overview</Header>}>
        <KeyValuePairs
          columns={3}
          items={[
            { label: 'Status', value: <Status value={td?.status} /> },
            { label: 'Network mode', value: td?.networkMode ?? '-' },
            { label: 'Compatibilities', value: (td?.requiresCompatibilities ?? td?.compatibilities ?? []).join(', ') || '-' },
            { label: 'Task CPU', value: td?.cpu ?? '-' },
            { label: 'Task memory', value: td?.memory ?? '-' },
            { label: 'Registered at', value: time(td?.registeredAt) },
            { label: 'ARN', value: td?.taskDefinitionArn ?? '-' },
          ]}
        />
      </Container>
      <Table
        items={td?.containerDefinitions ?? []}
        loading={poll.loading && !td}
        loadingText="Loading"
        trackBy="name"
        header={<Header variant="h2">Containers</Header>}
        columnDefinitions={[
          { id: 'name', header: 'Name', isRowHeader: true, cell: (c) => c.name },
          { id: 'image', header: 'Image', cell: (c) => c.image },
          { id: 'essential', header: 'Essential', cell: (c) => (c.essential === false ? 'No' : 'Yes') },
          { id: 'ports', header: 'Ports', cell: (c) => (c.portMappings ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'tcp'}`).join(', ') || '-' },
          { id: 'cpu', header: 'CPU', cell: (c) => c.cpu ?? '-' },
          { id: 'mem', header: 'Memory', cell: (c) => c.memory ?? c.memoryReservation ?? '-' },
        ]}
      />
      <Container header={<Header variant="h2">JSON</Header>}>
        <pre style={{ overflow: 'auto', maxHeight: 480, margin: 0 }} tabIndex={0} aria-label="Task definition JSON">
          {td ? JSON.stringify(td, null, 2) : ''}
        </pre>
      </Container>
    </SpaceBetween>
  );
}
