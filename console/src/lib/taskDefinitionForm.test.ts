import { describe, expect, it } from 'vitest';
import { emptyContainer, formToJson, jsonToForm, type ContainerForm, type FormState } from './taskDefinitionForm';

const web: ContainerForm = { ...emptyContainer(), name: 'web', image: 'busybox' };
const base: FormState = { family: ' web ', cpu: '256', memory: '512', networkMode: 'awsvpc', launchType: 'FARGATE', executionRoleArn: '', containers: [web] };
const first = (j: Record<string, unknown>) => (j.containerDefinitions as Record<string, unknown>[])[0]!;

describe('the task definition form', () => {
  it('writes the RegisterTaskDefinition input, trimmed, with task-level cpu and memory', () => {
    expect(JSON.parse(JSON.stringify(formToJson(base)))).toEqual({
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'busybox', essential: true, portMappings: [{ containerPort: 80, protocol: 'tcp' }] }],
    });
  });

  it('takes a command comma-separated as the ECS console does, or as a JSON array', () => {
    const c = (command: string) => first(formToJson({ ...base, containers: [{ ...web, command }] })).command;
    expect(c('sh, -c, httpd -f')).toEqual(['sh', '-c', 'httpd -f']);
    expect(c('["sh","-c","echo a, b"]')).toEqual(['sh', '-c', 'echo a, b']);
  });

  it('leaves out what is left empty, so ECS answers for it', () => {
    const j = formToJson({ ...base, cpu: '', memory: '', containers: [{ ...web, port: '' }] });
    expect(j.cpu).toBeUndefined();
    expect(j.memory).toBeUndefined();
    expect(first(j).portMappings).toEqual([]);
    expect(first(j).environment).toBeUndefined();
    expect(first(j).logConfiguration).toBeUndefined();
    expect(first(j).healthCheck).toBeUndefined();
  });

  it('writes several containers with environment, awslogs and a CMD-SHELL health check', () => {
    const sidecar: ContainerForm = {
      ...emptyContainer(), name: 'side', image: 'busybox', port: '', essential: false, environment: 'A=1\n B = x=y \n\n',
      logGroup: '/ecs/web', logStreamPrefix: 'web', healthCommand: 'wget -q -O- localhost || exit 1', healthInterval: '10', healthRetries: '2',
    };
    const j = formToJson({ ...base, containers: [web, sidecar] }, {}, 'eu-west-1');
    const side = (j.containerDefinitions as Record<string, unknown>[])[1]!;
    expect(side).toMatchObject({
      name: 'side',
      essential: false,
      environment: [{ name: 'A', value: '1' }, { name: 'B', value: ' x=y' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'web' } },
      healthCheck: { command: ['CMD-SHELL', 'wget -q -O- localhost || exit 1'], interval: 10, retries: 2 },
    });
  });

  it('reads a registered revision back into the form, and keeps the fields it has none for', () => {
    const td = {
      family: 'web', networkMode: 'bridge', requiresCompatibilities: ['EC2'], volumes: [{ name: 'data' }],
      containerDefinitions: [{ name: 'web', image: 'busybox', memory: 128, environment: [{ name: 'A', value: '1' }], healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5 } }],
    };
    const f = jsonToForm(td);
    expect(f).toMatchObject({ family: 'web', networkMode: 'bridge', launchType: 'EC2', containers: [{ name: 'web', environment: 'A=1', healthCommand: 'true', healthInterval: '5' }] });
    f.containers[0]!.image = 'busybox:2';
    const j = formToJson(f, td);
    expect(j.volumes).toEqual([{ name: 'data' }]);
    expect(first(j)).toMatchObject({ image: 'busybox:2', memory: 128, environment: [{ name: 'A', value: '1' }] });
  });
});
