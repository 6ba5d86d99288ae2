import { describe, expect, it } from 'vitest';
import type { AgentTask, ContainerDefinition } from '../protocol.js';
import { warmPauseFits } from './warmPause.js';

const task = (t: Partial<AgentTask>, defs: ContainerDefinition[] = [{ image: 'i' }]): AgentTask => ({
  taskArn: 'arn', clusterArn: 'c', family: 'f', revision: 1, desiredStatus: 'RUNNING', launchType: 'FARGATE', networkMode: 'awsvpc', volumes: [],
  containers: defs.map((definition, i) => ({ name: `c${i}`, containerArn: `c${i}`, definition, hostPorts: [] })),
  ...t,
});

describe('which tasks take a warm pause container', () => {
  it('awsvpc tasks with few ports and no IPC namespace of their own to share', () => {
    expect(warmPauseFits(task({}))).toBe(true);
    expect(warmPauseFits(task({ pidMode: 'task' }))).toBe(true);
    expect(warmPauseFits(task({}, [{ image: 'i', portMappings: [{ containerPort: 80 }, { containerPort: 53, protocol: 'udp' }] }]))).toBe(true);
  });

  it('not bridge or host tasks, an ipcMode task (its pause must be shareable from its create), or more than 16 ports', () => {
    expect(warmPauseFits(task({ networkMode: 'bridge' }))).toBe(false);
    expect(warmPauseFits(task({ networkMode: 'host' }))).toBe(false);
    expect(warmPauseFits(task({ ipcMode: 'task' }))).toBe(false);
    expect(warmPauseFits(task({}, [{ image: 'i', portMappings: [{ containerPortRange: '8000-8015' }] }]))).toBe(true);
    expect(warmPauseFits(task({}, [{ image: 'i', portMappings: [{ containerPortRange: '8000-8016' }] }]))).toBe(false);
  });
});
