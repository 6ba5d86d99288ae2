import { describe, expect, it } from 'vitest';
import { formToJson } from './taskDefinitionForm';

const base = { family: ' web ', containerName: 'web', image: 'busybox', port: '80', command: '', cpu: '256', memory: '512', networkMode: 'awsvpc', launchType: 'FARGATE' };

describe('the task definition form', () => {
  it('writes the RegisterTaskDefinition input, trimmed, with task-level cpu and memory', () => {
    expect(formToJson(base)).toEqual({
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'busybox', essential: true, portMappings: [{ containerPort: 80, protocol: 'tcp' }], command: undefined }],
    });
  });

  it('takes a command comma-separated as the ECS console does, or as a JSON array', () => {
    const c = (command: string) => (formToJson({ ...base, command }).containerDefinitions as { command?: string[] }[])[0]!.command;
    expect(c('sh, -c, httpd -f')).toEqual(['sh', '-c', 'httpd -f']);
    expect(c('["sh","-c","echo a, b"]')).toEqual(['sh', '-c', 'echo a, b']);
  });

  it('leaves out what is left empty, so ECS answers for it', () => {
    const j = formToJson({ ...base, port: '', cpu: '', memory: '' });
    expect(j.cpu).toBeUndefined();
    expect(j.memory).toBeUndefined();
    expect((j.containerDefinitions as { portMappings: unknown[] }[])[0]!.portMappings).toEqual([]);
  });
});
