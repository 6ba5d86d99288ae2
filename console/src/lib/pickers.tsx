// Inputs shared by the create-service and run-task pages: task definition family and revision, launch type and
// awsvpc networking, and the target groups a service can register with.
import type { ListTaskDefinitionFamiliesResponse, ListTaskDefinitionsResponse } from '@aws-sdk/client-ecs';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useEffect, useState } from 'react';
import { ecs, elbv2, xmlMemberElements, xmlText } from '../aws/apis';
import type { Session } from '../aws/session';

export interface Placement {
  taskDefinition: string;
  launchType: string;
  subnets: string;
}

export function TaskDefinitionPicker({ session, value, onChange }: { session: Session; value: string; onChange: (v: string) => void }) {
  const [families, setFamilies] = useState<string[]>([]);
  const [revisions, setRevisions] = useState<string[]>([]);
  const family = value.split(':')[0] ?? '';
  useEffect(() => {
    void ecs<ListTaskDefinitionFamiliesResponse>(session, 'ListTaskDefinitionFamilies', { status: 'ACTIVE', maxResults: 100 }).then(
      (r) => setFamilies(r.families ?? []),
      () => setFamilies([]),
    );
  }, [session]);
  useEffect(() => {
    if (!family) return;
    void ecs<ListTaskDefinitionsResponse>(session, 'ListTaskDefinitions', { familyPrefix: family, status: 'ACTIVE', sort: 'DESC', maxResults: 100 }).then(
      (r) => setRevisions((r.taskDefinitionArns ?? []).map((a) => a.split('/').pop()!).filter((n) => n.split(':')[0] === family)),
      () => setRevisions([]),
    );
  }, [session, family]);
  return (
    <SpaceBetween size="s" direction="horizontal">
      <FormField label="Task definition family">
        <Select
          selectedOption={family ? { value: family, label: family } : null}
          options={families.map((f) => ({ value: f, label: f }))}
          onChange={(e) => onChange(e.detail.selectedOption.value!)}
          placeholder="Choose a family"
          empty="No task definitions"
          ariaLabel="Task definition family"
          filteringType="auto"
          data-testid="family-select"
        />
      </FormField>
      <FormField label="Revision">
        <Select
          selectedOption={{ value: value.includes(':') ? value : family, label: value.includes(':') ? value.split(':')[1]! : 'Latest' }}
          options={[{ value: family, label: 'Latest' }, ...revisions.map((r) => ({ value: r, label: r.split(':')[1]! }))]}
          onChange={(e) => onChange(e.detail.selectedOption.value!)}
          ariaLabel="Revision"
          disabled={!family}
        />
      </FormField>
    </SpaceBetween>
  );
}

export function LaunchPicker({ value, onChange }: { value: Placement; onChange: (v: Placement) => void }) {
  return (
    <SpaceBetween size="m">
      <FormField label="Launch type">
        <Select
          selectedOption={{ value: value.launchType, label: value.launchType }}
          options={['FARGATE', 'EC2'].map((v) => ({ value: v, label: v }))}
          onChange={(e) => onChange({ ...value, launchType: e.detail.selectedOption.value! })}
          ariaLabel="Launch type"
        />
      </FormField>
      <FormField label="Subnets" description="For awsvpc task definitions: comma-separated subnet ids (any id works on Wharf). Leave empty otherwise.">
        <Input value={value.subnets} onChange={(e) => onChange({ ...value, subnets: e.detail.value })} name="subnets" />
      </FormField>
    </SpaceBetween>
  );
}

export function networkConfiguration(subnets: string): object | undefined {
  const list = subnets
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? { awsvpcConfiguration: { subnets: list } } : undefined;
}

export interface TargetGroupRef {
  arn: string;
  name: string;
  port: string;
}

export async function loadTargetGroups(session: Session): Promise<TargetGroupRef[]> {
  const doc = await elbv2(session, 'DescribeTargetGroups');
  return xmlMemberElements(doc, 'TargetGroups').map((m) => ({ arn: xmlText(m, 'TargetGroupArn'), name: xmlText(m, 'TargetGroupName'), port: xmlText(m, 'Port') }));
}
