// The definition-to-Docker mapping, checked without Docker.
import { describe, expect, it } from 'vitest';
import type { AgentTask } from '../protocol.js';
import { buildPauseSpec, buildSpec, parseEnvFile } from './spec.js';
import { unsupported } from './support.js';

const task = (extra: Partial<AgentTask> = {}): AgentTask => ({ taskArn: 'arn:t/x', clusterArn: 'c', family: 'f', revision: 1, desiredStatus: 'RUNNING', launchType: 'EC2', networkMode: 'bridge', volumes: [], containers: [], ...extra });

describe('buildSpec', () => {
  it('publishes the scheduler host port (or a dynamic one) on the publish address', () => {
    const spec = buildSpec({
      task: task(), name: 'web', dockerName: 'd', labels: {}, fileEnv: [], volumes: new Map(), dockerNames: new Map(), publishAddress: '127.0.0.1',
      definition: { image: 'i', portMappings: [{ containerPort: 80 }, { containerPort: 53, protocol: 'udp' }] },
      hostPorts: [{ containerPort: 80, hostPort: 32768, protocol: 'tcp' }],
    });
    expect(spec.HostConfig!.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '32768' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  });

  it('joins the pause namespace in awsvpc; the pause container publishes every port on the task address', () => {
    const t = task({ networkMode: 'awsvpc', containers: [{ name: 'a', containerArn: 'a', hostPorts: [], definition: { portMappings: [{ containerPort: 8080 }] } }] });
    const spec = buildSpec({ task: t, name: 'a', dockerName: 'd', labels: {}, fileEnv: [], volumes: new Map(), dockerNames: new Map(), publishAddress: '127.0.0.1', pauseId: 'P', definition: { image: 'i' }, hostPorts: [] });
    expect(spec.HostConfig!.NetworkMode).toBe('container:P');
    const pause = buildPauseSpec({ task: t, dockerName: 'p', image: 'pause', labels: {}, address: '127.0.5.6' });
    expect(pause.HostConfig!.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.5.6', HostPort: '8080' }] });
  });

  it('lets environment win over environment files', () => {
    const spec = buildSpec({ task: task(), name: 'a', dockerName: 'd', labels: {}, fileEnv: parseEnvFile('# c\nA=file\nB=file\n\n'), volumes: new Map(), dockerNames: new Map(), publishAddress: '127.0.0.1', definition: { image: 'i', environment: [{ name: 'A', value: 'env' }] }, hostPorts: [] });
    expect(spec.Env).toEqual(['A=env', 'B=file']);
  });
});

describe('unsupported', () => {
  it('names what the agent cannot honour', () => {
    const t = task({ containers: [{ name: 'a', containerArn: 'a', hostPorts: [], definition: { privileged: true } }] });
    expect(unsupported(t, { allowPrivileged: false })).toMatch(/privileged/);
    expect(unsupported(t, { allowPrivileged: true })).toBeUndefined();
    expect(unsupported(task({ volumes: [{ name: 'e', fsxWindowsFileServerVolumeConfiguration: { fileSystemId: 'fs', rootDirectory: '/', authorizationConfig: { credentialsParameter: 'x', domain: 'd' } } }] }), { allowPrivileged: false })).toMatch(/fsxWindowsFileServerVolumeConfiguration/);
  });
});
