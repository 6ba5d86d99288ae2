// Create a service: task definition, desired count, launch type, networking, optionally a target group, the
// deployment options (min/max percent, circuit breaker) and service auto scaling (a target tracking policy on CPU,
// registered with Application Auto Scaling once ECS has the service, as ECS's console does).
import type { CreateServiceResponse } from '@aws-sdk/client-ecs';
import Checkbox from '@cloudscape-design/components/checkbox';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useEffect, useState } from 'react';
import { autoscaling, ecs } from '../aws/apis';
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
  const [minPercent, setMinPercent] = useState('100');
  const [maxPercent, setMaxPercent] = useState('200');
  const [breaker, setBreaker] = useState(false);
  const [rollback, setRollback] = useState(true);
  const [scaling, setScaling] = useState(false);
  const [scaleMin, setScaleMin] = useState('1');
  const [scaleMax, setScaleMax] = useState('4');
  const [scaleTarget, setScaleTarget] = useState('70');
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
        deploymentConfiguration: {
          minimumHealthyPercent: Number(minPercent),
          maximumPercent: Number(maxPercent),
          deploymentCircuitBreaker: { enable: breaker, rollback: breaker && rollback },
        },
      });
      flash({ type: 'success', content: `Service ${r.service?.serviceName} has been created.` });
      if (scaling) {
        const target = { ServiceNamespace: 'ecs', ResourceId: `service/${cluster}/${r.service!.serviceName!}`, ScalableDimension: 'ecs:service:DesiredCount' };
        try {
          await autoscaling(session, 'RegisterScalableTarget', { ...target, MinCapacity: Number(scaleMin), MaxCapacity: Number(scaleMax) });
          await autoscaling(session, 'PutScalingPolicy', {
            ...target,
            PolicyName: `${r.service!.serviceName!}-cpu-target`,
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingScalingPolicyConfiguration: {
              TargetValue: Number(scaleTarget),
              PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
            },
          });
        } catch (err) {
          // The service exists either way; its page shows the refusal so the user can retry the scaling alone.
          flash({ type: 'error', header: `Auto scaling: ${(err as Error).name}`, content: (err as Error).message });
        }
      }
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
      <Container header={<Header variant="h2">Deployment options</Header>}>
        <SpaceBetween size="m">
          <SpaceBetween size="s" direction="horizontal">
            <FormField label="Min running tasks %">
              <Input value={minPercent} onChange={(e) => setMinPercent(e.detail.value)} inputMode="numeric" name="minimumHealthyPercent" />
            </FormField>
            <FormField label="Max running tasks %">
              <Input value={maxPercent} onChange={(e) => setMaxPercent(e.detail.value)} inputMode="numeric" name="maximumPercent" />
            </FormField>
          </SpaceBetween>
          <Checkbox checked={breaker} onChange={(e) => setBreaker(e.detail.checked)} description="Stops a deployment whose tasks keep failing to start.">
            Use the deployment circuit breaker
          </Checkbox>
          {breaker && (
            <Checkbox checked={rollback} onChange={(e) => setRollback(e.detail.checked)}>
              Rollback on failures
            </Checkbox>
          )}
        </SpaceBetween>
      </Container>
      <Container header={<Header variant="h2">Service auto scaling - optional</Header>}>
        <SpaceBetween size="m">
          <Checkbox checked={scaling} onChange={(e) => setScaling(e.detail.checked)}>
            Use service auto scaling (target tracking on average CPU)
          </Checkbox>
          {scaling && (
            <SpaceBetween size="s" direction="horizontal">
              <FormField label="Minimum number of tasks">
                <Input value={scaleMin} onChange={(e) => setScaleMin(e.detail.value)} inputMode="numeric" name="scaleMin" />
              </FormField>
              <FormField label="Maximum number of tasks">
                <Input value={scaleMax} onChange={(e) => setScaleMax(e.detail.value)} inputMode="numeric" name="scaleMax" />
              </FormField>
              <FormField label="Target CPU utilization %">
                <Input value={scaleTarget} onChange={(e) => setScaleTarget(e.detail.value)} inputMode="numeric" name="scaleTarget" />
              </FormField>
            </SpaceBetween>
          )}
        </SpaceBetween>
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
