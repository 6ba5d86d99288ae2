// Run tasks in a cluster (RunTask); placement failures are shown as ECS reports them.
import type { RunTaskResponse } from '@aws-sdk/client-ecs';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ecs } from '../aws/apis';
import { useConsole } from '../lib/context';
import { FormPage } from '../lib/FormPage';
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
    <FormPage
      breadcrumbs={[
        { text: 'Clusters', href: '#/clusters' },
        { text: cluster, href: `#/clusters/${enc(cluster)}` },
        { text: 'Run task', href: `#/clusters/${enc(cluster)}/run-task` },
      ]}
      title="Run task"
      cancelTo={`/clusters/${enc(cluster)}`}
      submitLabel="Run"
      submitTestId="run-task"
      busy={busy}
      error={error}
      onDismissError={() => setError(undefined)}
      onSubmit={() => void submit()}
    >
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
    </FormPage>
  );
}
