// Create a task definition (or a new revision of one) from a form or from JSON. The form writes the same JSON the
// JSON tab shows; what Wharf refuses is shown with its own message (RegisterTaskDefinition's validation). A new
// revision opens with the old one's settings in the form and its full JSON as the base the form writes over.
import type { DescribeTaskDefinitionResponse, RegisterTaskDefinitionResponse } from '@aws-sdk/client-ecs';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
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
import { emptyContainer, formToJson, jsonToForm, READ_ONLY, type ContainerForm, type FormState } from '../lib/taskDefinitionForm';

const NETWORK_MODES = ['awsvpc', 'bridge', 'host', 'none'].map((v) => ({ value: v, label: v }));
const LAUNCH_TYPES = ['FARGATE', 'EC2'].map((v) => ({ value: v, label: v }));

export default function CreateTaskDefinition({ path }: { path: string }) {
  const { session, flash } = useConsole();
  const from = queryParam(path, 'from');
  const [tab, setTab] = useState('form');
  const [form, setForm] = useState<FormState>({ family: '', cpu: '256', memory: '512', networkMode: 'awsvpc', launchType: 'FARGATE', executionRoleArn: '', containers: [emptyContainer()] });
  const [base, setBase] = useState<Record<string, unknown>>({});
  const toJson = (f: FormState, b = base) => formToJson(f, b, session.region);
  const [json, setJson] = useState(() => JSON.stringify(toJson(form), null, 2));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!from) return;
    ecs<DescribeTaskDefinitionResponse>(session, 'DescribeTaskDefinition', { taskDefinition: from }).then(
      (r) => {
        const td = { ...(r.taskDefinition as Record<string, unknown>) };
        for (const k of READ_ONLY) delete td[k];
        setBase(td);
        setForm(jsonToForm(td));
        setJson(JSON.stringify(td, null, 2));
      },
      setError,
    );
  }, [from, session]);

  const update = (next: FormState) => {
    setForm(next);
    try {
      setJson(JSON.stringify(toJson(next), null, 2));
    } catch {
      // an unfinished command array: the JSON follows once it parses
    }
  };
  const set = (k: Exclude<keyof FormState, 'containers'>) => (v: string) => {
    const next = { ...form, [k]: v };
    if (k === 'launchType' && v === 'FARGATE') next.networkMode = 'awsvpc';
    update(next);
  };
  const setContainer = (i: number, patch: Partial<ContainerForm>) =>
    update({ ...form, containers: form.containers.map((c, j) => (j === i ? { ...c, ...patch } : c)) });

  const submit = async () => {
    setError(undefined);
    let input: unknown;
    try {
      input = tab === 'form' ? toJson(form) : JSON.parse(json);
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
                  <FormField label="Task execution role ARN - optional" description="The role the agent uses for awslogs and registry credentials; FARGATE needs one for awslogs.">
                    <Input value={form.executionRoleArn} onChange={(e) => set('executionRoleArn')(e.detail.value)} name="executionRoleArn" />
                  </FormField>
                  {form.containers.map((c, i) => (
                    <ContainerFields
                      key={i}
                      index={i}
                      value={c}
                      onChange={(patch) => setContainer(i, patch)}
                      onRemove={form.containers.length > 1 ? () => update({ ...form, containers: form.containers.filter((_, j) => j !== i) }) : undefined}
                    />
                  ))}
                  <Button formAction="none" iconName="add-plus" onClick={() => update({ ...form, containers: [...form.containers, { ...emptyContainer(), port: '' }] })}>
                    Add container
                  </Button>
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

/** One container's fields. The first container's inputs are named plainly (containerName, image ...), the next ones
 * with their position (containerName-2 ...). */
function ContainerFields({ index, value: c, onChange, onRemove }: { index: number; value: ContainerForm; onChange: (p: Partial<ContainerForm>) => void; onRemove?: () => void }) {
  const n = (name: string) => (index ? `${name}-${index + 1}` : name);
  const half = [{ colspan: { default: 12, s: 6 } }, { colspan: { default: 12, s: 6 } }];
  const thirds = [{ colspan: { default: 12, s: 4 } }, { colspan: { default: 12, s: 4 } }, { colspan: { default: 12, s: 4 } }];
  return (
    <Container
      header={
        <Header
          variant="h3"
          actions={
            onRemove && (
              <Button formAction="none" onClick={onRemove} ariaLabel={`Remove container ${index + 1}`}>
                Remove
              </Button>
            )
          }
        >
          Container {index + 1}
        </Header>
      }
    >
      <SpaceBetween size="m">
        <Grid gridDefinition={half}>
          <FormField label="Container name">
            <Input value={c.name} onChange={(e) => onChange({ name: e.detail.value })} name={n('containerName')} />
          </FormField>
          <FormField label="Image URI">
            <Input value={c.image} onChange={(e) => onChange({ image: e.detail.value })} name={n('image')} />
          </FormField>
        </Grid>
        <Grid gridDefinition={half}>
          <FormField label="Container port">
            <Input value={c.port} onChange={(e) => onChange({ port: e.detail.value })} inputMode="numeric" name={n('containerPort')} />
          </FormField>
          <FormField label="Essential container">
            <Checkbox checked={c.essential} onChange={(e) => onChange({ essential: e.detail.checked })}>
              Essential
            </Checkbox>
          </FormField>
        </Grid>
        <FormField label="Command - optional" description="Comma-separated, as in the ECS console (sh,-c,httpd -f), or a JSON array.">
          <Input value={c.command} onChange={(e) => onChange({ command: e.detail.value })} name={n('command')} />
        </FormField>
        <FormField label="Environment variables - optional" description="KEY=value, one a line.">
          <Textarea value={c.environment} onChange={(e) => onChange({ environment: e.detail.value })} rows={3} name={n('environment')} />
        </FormField>
        <Grid gridDefinition={half}>
          <FormField label="Log collection: awslogs group - optional" description="Sends the container's output to CloudWatch Logs.">
            <Input value={c.logGroup} onChange={(e) => onChange({ logGroup: e.detail.value })} name={n('logGroup')} />
          </FormField>
          <FormField label="Log stream prefix">
            <Input value={c.logStreamPrefix} onChange={(e) => onChange({ logStreamPrefix: e.detail.value })} name={n('logStreamPrefix')} />
          </FormField>
        </Grid>
        <Grid gridDefinition={thirds}>
          <FormField label="Health check command - optional" description="Run with CMD-SHELL.">
            <Input value={c.healthCommand} onChange={(e) => onChange({ healthCommand: e.detail.value })} name={n('healthCommand')} />
          </FormField>
          <FormField label="Interval (s)">
            <Input value={c.healthInterval} onChange={(e) => onChange({ healthInterval: e.detail.value })} inputMode="numeric" name={n('healthInterval')} />
          </FormField>
          <FormField label="Retries">
            <Input value={c.healthRetries} onChange={(e) => onChange({ healthRetries: e.detail.value })} inputMode="numeric" name={n('healthRetries')} />
          </FormField>
        </Grid>
      </SpaceBetween>
    </Container>
  );
}
