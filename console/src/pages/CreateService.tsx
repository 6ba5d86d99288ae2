// Create a service: task definition, desired count, launch type, networking, and optionally a target group.
import type { CreateServiceResponse } from '@aws-sdk/client-ecs';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useEffect, useState } from 'react';
import { ecs } from '../aws/apis';
import { useConsole } from '../lib/context';
import { FormPage } from '../lib/FormPage';
import { enc } from '../lib/format';
import { LaunchPicker, loadTargetGroups, networkConfiguration, TaskDefinitionPicker, type Placement, type TargetGroupRef } from '../lib/pickers';
import { navigate } from '../lib/router';

export default function CreateService({ cluster }: { cluster: string }) {
  const { session, flash } = useConsole();
  const [name, setName] = useState('');
  const [desired, setDesired] = useState('1');
  const [placement, setPlacement] = useState<Placement>({ taskDefinition: '', launchType: 'FARGATE', subnets: 'subnet-local' });
  const [groups, setGroups] = useState<TargetGroupRef[]>([]);
  const [tg, setTg] = useState('');
  const [containerName, setContainerName] = useState('');
  const [containerPort, setContainerPort] = useState('80');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadTargetGroups(session).then(setGroups, () => setGroups([]));
  }, [session]);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await ecs<CreateServiceResponse>(session, 'CreateService', {
        cluster,
        serviceName: name.trim(),
        taskDefinition: placement.taskDefinition,
        desiredCount: Number(desired),
        launchType: placement.launchType,
        networkConfiguration: networkConfiguration(placement.subnets),
        loadBalancers: tg ? [{ targetGroupArn: tg, containerName: containerName.trim(), containerPort: Number(containerPort) }] : undefined,
      });
      flash({ type: 'success', content: `Service ${r.service?.serviceName} has been created.` });
      navigate(`/clusters/${enc(cluster)}/services/${enc(r.service!.serviceName!)}`);
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
        { text: 'Create service', href: `#/clusters/${enc(cluster)}/create-service` },
      ]}
      title="Create service"
      cancelTo={`/clusters/${enc(cluster)}`}
      submitLabel="Create"
      submitTestId="create-service"
      busy={busy}
      error={error}
      onDismissError={() => setError(undefined)}
      onSubmit={() => void submit()}
    >
      <Container header={<Header variant="h2">Deployment configuration</Header>}>
        <SpaceBetween size="m">
          <TaskDefinitionPicker session={session} value={placement.taskDefinition} onChange={(v) => setPlacement({ ...placement, taskDefinition: v })} />
          <FormField label="Service name">
            <Input value={name} onChange={(e) => setName(e.detail.value)} name="serviceName" />
          </FormField>
          <FormField label="Desired tasks">
            <Input value={desired} onChange={(e) => setDesired(e.detail.value)} inputMode="numeric" name="desiredCount" />
          </FormField>
        </SpaceBetween>
      </Container>
      <Container header={<Header variant="h2">Compute and networking</Header>}>
        <LaunchPicker value={placement} onChange={setPlacement} />
      </Container>
      <Container header={<Header variant="h2">Load balancing - optional</Header>}>
        <SpaceBetween size="m">
          <FormField label="Target group">
            <Select
              selectedOption={tg ? { value: tg, label: groups.find((g) => g.arn === tg)?.name ?? tg } : { value: '', label: 'None' }}
              options={[{ value: '', label: 'None' }, ...groups.map((g) => ({ value: g.arn, label: g.name, description: `port ${g.port}` }))]}
              onChange={(e) => setTg(e.detail.selectedOption.value!)}
              ariaLabel="Target group"
            />
          </FormField>
          {tg && (
            <SpaceBetween size="s" direction="horizontal">
              <FormField label="Container name">
                <Input value={containerName} onChange={(e) => setContainerName(e.detail.value)} name="lbContainerName" />
              </FormField>
              <FormField label="Container port">
                <Input value={containerPort} onChange={(e) => setContainerPort(e.detail.value)} inputMode="numeric" name="lbContainerPort" />
              </FormField>
            </SpaceBetween>
          )}
        </SpaceBetween>
      </Container>
    </FormPage>
  );
}
