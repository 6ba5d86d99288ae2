// Create a task definition (or a new revision) from a simple form or from JSON. The form writes the same JSON the
// JSON tab shows; what Wharf refuses is shown with its own message (RegisterTaskDefinition's validation).
import type { DescribeTaskDefinitionResponse, RegisterTaskDefinitionResponse } from '@aws-sdk/client-ecs';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Grid from '@cloudscape-design/components/grid';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Tabs from '@cloudscape-design/components/tabs';
import Textarea from '@cloudscape-design/components/textarea';
import { useEffect, useState } from 'react';
import { ecs } from '../aws/apis';
import { useConsole } from '../lib/context';
import { FormPage } from '../lib/FormPage';
import { enc } from '../lib/format';
import { navigate, queryParam } from '../lib/router';
import { formToJson, READ_ONLY, type FormState } from '../lib/taskDefinitionForm';

const NETWORK_MODES = ['awsvpc', 'bridge', 'host', 'none'].map((v) => ({ value: v, label: v }));
const LAUNCH_TYPES = ['FARGATE', 'EC2'].map((v) => ({ value: v, label: v }));

export default function CreateTaskDefinition({ path }: { path: string }) {
  const { session, flash } = useConsole();
  const from = queryParam(path, 'from');
  const [tab, setTab] = useState(from ? 'json' : 'form');
  const [form, setForm] = useState<FormState>({
    family: '',
    containerName: '',
    image: '',
    port: '80',
    command: '',
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    launchType: 'FARGATE',
  });
  const [json, setJson] = useState(() => JSON.stringify(formToJson(form), null, 2));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!from) return;
    ecs<DescribeTaskDefinitionResponse>(session, 'DescribeTaskDefinition', { taskDefinition: from }).then(
      (r) => {
        const td = { ...(r.taskDefinition as Record<string, unknown>) };
        for (const k of READ_ONLY) delete td[k];
        setJson(JSON.stringify(td, null, 2));
      },
      setError,
    );
  }, [from, session]);

  const set = (k: keyof FormState) => (v: string) => {
    const next = { ...form, [k]: v };
    if (k === 'launchType' && v === 'FARGATE') next.networkMode = 'awsvpc';
    setForm(next);
    try {
      setJson(JSON.stringify(formToJson(next), null, 2));
    } catch {
      // an unfinished command array: the JSON follows once it parses
    }
  };

  const submit = async () => {
    setError(undefined);
    let input: unknown;
    try {
      input = tab === 'form' ? formToJson(form) : JSON.parse(json);
    } catch (err) {
      setError(Object.assign(new Error(`The JSON does not parse: ${(err as Error).message}`), { name: 'InvalidJSON' }));
      return;
    }
    setBusy(true);
    try {
      const r = await ecs<RegisterTaskDefinitionResponse>(session, 'RegisterTaskDefinition', input as object);
      const td = r.taskDefinition!;
      flash({ type: 'success', content: `Task definition ${td.family}:${td.revision} has been registered.` });
      navigate(`/task-definitions/${enc(td.family!)}/${td.revision}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormPage
      breadcrumbs={[
        { text: 'Task definitions', href: '#/task-definitions' },
        { text: 'Create new task definition', href: '#/task-definitions/create' },
      ]}
      title={from ? `Create new revision of ${from}` : 'Create new task definition'}
      cancelTo="/task-definitions"
      submitLabel="Create"
      submitTestId="create-task-definition"
      busy={busy}
      error={error}
      onDismissError={() => setError(undefined)}
      onSubmit={() => void submit()}
    >
      <Tabs
        activeTabId={tab}
        onChange={(e) => setTab(e.detail.activeTabId)}
        ariaLabel="How to write the task definition"
        tabs={[
          {
            id: 'form',
            label: 'Form',
            content: (
              <Container header={<Header variant="h2">Task definition configuration</Header>}>
                <SpaceBetween size="m">
                  <FormField label="Task definition family">
                    <Input value={form.family} onChange={(e) => set('family')(e.detail.value)} name="family" />
                  </FormField>
                  <Grid gridDefinition={[{ colspan: { default: 12, s: 6 } }, { colspan: { default: 12, s: 6 } }]}>
                    <FormField label="Launch type">
                      <Select
                        selectedOption={{ value: form.launchType, label: form.launchType }}
                        options={LAUNCH_TYPES}
                        onChange={(e) => set('launchType')(e.detail.selectedOption.value!)}
                        ariaLabel="Launch type"
                      />
                    </FormField>
                    <FormField label="Network mode">
                      <Select
                        selectedOption={{ value: form.networkMode, label: form.networkMode }}
                        options={NETWORK_MODES}
                        onChange={(e) => set('networkMode')(e.detail.selectedOption.value!)}
                        ariaLabel="Network mode"
                      />
                    </FormField>
                  </Grid>
                  <Grid gridDefinition={[{ colspan: { default: 12, s: 6 } }, { colspan: { default: 12, s: 6 } }]}>
                    <FormField label="Task CPU (units)" description="1024 units = 1 vCPU">
                      <Input value={form.cpu} onChange={(e) => set('cpu')(e.detail.value)} inputMode="numeric" name="cpu" />
                    </FormField>
                    <FormField label="Task memory (MiB)">
                      <Input value={form.memory} onChange={(e) => set('memory')(e.detail.value)} inputMode="numeric" name="memory" />
                    </FormField>
                  </Grid>
                  <Header variant="h3">Container</Header>
                  <Grid gridDefinition={[{ colspan: { default: 12, s: 6 } }, { colspan: { default: 12, s: 6 } }]}>
                    <FormField label="Container name">
                      <Input value={form.containerName} onChange={(e) => set('containerName')(e.detail.value)} name="containerName" />
                    </FormField>
                    <FormField label="Image URI">
                      <Input value={form.image} onChange={(e) => set('image')(e.detail.value)} name="image" />
                    </FormField>
                  </Grid>
                  <FormField label="Container port">
                    <Input value={form.port} onChange={(e) => set('port')(e.detail.value)} inputMode="numeric" name="containerPort" />
                  </FormField>
                  <FormField label="Command - optional" description='Comma-separated, as in the ECS console (sh,-c,httpd -f), or a JSON array.'>
                    <Input value={form.command} onChange={(e) => set('command')(e.detail.value)} name="command" />
                  </FormField>
                </SpaceBetween>
              </Container>
            ),
          },
          {
            id: 'json',
            label: 'JSON',
            content: (
              <Container header={<Header variant="h2">Task definition JSON</Header>}>
                <FormField label="RegisterTaskDefinition input" stretch>
                  <Textarea value={json} onChange={(e) => setJson(e.detail.value)} rows={24} spellcheck={false} name="json" />
                </FormField>
              </Container>
            ),
          },
        ]}
      />
    </FormPage>
  );
}
