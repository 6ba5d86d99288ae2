// Run tasks in a cluster (RunTask); placement failures are shown as ECS reports them.
import type { RunTaskResponse } from '@aws-sdk/client-ecs';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ecs } from '../aws/apis';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { enc, taskId } from '../lib/format';
import { LaunchPicker, networkConfiguration, TaskDefinitionPicker, type Placement } from '../lib/pickers';
import { navigate } from '../lib/router';

export default function RunTask({ cluster }: { cluster: string }) {
  const { session, flash } = useConsole();
  const [count, setCount] = useState('1');
  const [placement, setPlacement] = useState<Placement>({ taskDefinition: '', launchType: 'FARGATE', subnets: 'subnet-local' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await ecs<RunTaskResponse>(session, 'RunTask', {
        cluster,
        taskDefinition: placement.taskDefinition,
        count: Number(count),
        launchType: placement.launchType,
        networkConfiguration: networkConfiguration(placement.subnets),
      });
      const started = r.tasks ?? [];
      if (r.failures?.length) {
        const f = r.failures[0]!;
        setError(Object.assign(new Error(`${f.reason}${f.detail ? `: ${f.detail}` : ''} (${f.arn ?? ''})`), { name: 'RunTask failure' }));
      }
      if (started.length) {
        flash({ type: 'success', content: `Started ${started.length} task(s).` });
        navigate(started.length === 1 ? `/clusters/${enc(cluster)}/tasks/${taskId(started[0]!.taskArn)}` : `/clusters/${enc(cluster)}?tab=tasks`);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SpaceBetween size="m">
      <BreadcrumbGroup
        ariaLabel="Breadcrumbs"
        items={[
          { text: 'Clusters', href: '#/clusters' },
          { text: cluster, href: `#/clusters/${enc(cluster)}` },
          { text: 'Run task', href: `#/clusters/${enc(cluster)}/run-task` },
        ]}
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Form
          header={<Header variant="h1">Run task</Header>}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button formAction="none" variant="link" onClick={() => navigate(`/clusters/${enc(cluster)}`)}>
                Cancel
              </Button>
              <Button variant="primary" formAction="submit" loading={busy} data-testid="run-task">
                Run
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="m">
            <ErrorAlert error={error} onDismiss={() => setError(undefined)} />
            <Container header={<Header variant="h2">Task</Header>}>
              <SpaceBetween size="m">
                <TaskDefinitionPicker session={session} value={placement.taskDefinition} onChange={(v) => setPlacement({ ...placement, taskDefinition: v })} />
                <FormField label="Number of tasks">
                  <Input value={count} onChange={(e) => setCount(e.detail.value)} inputMode="numeric" name="count" />
                </FormField>
              </SpaceBetween>
            </Container>
            <Container header={<Header variant="h2">Compute and networking</Header>}>
              <LaunchPicker value={placement} onChange={setPlacement} />
            </Container>
          </SpaceBetween>
        </Form>
      </form>
    </SpaceBetween>
  );
}
