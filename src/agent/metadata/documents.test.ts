import { describe, expect, it } from 'vitest';
import type { ContainerState, TaskState } from '../engine/state.js';
import { Status } from '../engine/status.js';
import { containerDocument, taskDocument } from './documents.js';
import { endpointId } from './endpointId.js';

const taskArn = 'arn:aws:ecs:us-east-1:000000000000:task/prod/0123456789abcdef0123456789abcdef';

function container(over: Partial<ContainerState> = {}): ContainerState {
  return {
    name: 'app',
    containerArn: `${taskArn}/app`,
    internal: false,
    definition: { name: 'app', image: 'web:1' },
    hostPorts: [],
    dockerName: 'ecs-web-1-app-0123',
    known: Status.RUNNING,
    desired: Status.RUNNING,
    health: 'UNKNOWN',
    bindings: [],
    inFlight: false,
    ...over,
  };
}

function task(containers: ContainerState[], over: Partial<TaskState['task']> = {}): TaskState {
  return {
    task: { taskArn, clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/prod', family: 'web', revision: 3, desiredStatus: 'RUNNING', launchType: 'EC2', networkMode: 'bridge', volumes: [], containers: [], ...over },
    known: Status.RUNNING,
    desired: 'RUNNING',
    containers,
    volumesReady: true,
    cleanedUp: false,
  };
}

const host = { publishAddress: '127.0.0.1' };

describe('task metadata documents', () => {
  it('describe a stopped container with its exit code and finish time, and omit what is unknown', () => {
    const c = container({ known: Status.STOPPED, exitCode: 3, runtimeId: 'abc', finishedAt: new Date('2026-01-02T03:04:05Z') });
    const doc = containerDocument(task([c]), c, host);
    expect(doc).toMatchObject({ DockerId: 'abc', KnownStatus: 'STOPPED', ExitCode: 3, FinishedAt: '2026-01-02T03:04:05.000Z', Networks: [{ NetworkMode: 'bridge' }] });
    expect(doc).not.toHaveProperty('Ports');
    expect(doc).not.toHaveProperty('Health');
    expect((doc.Labels as Record<string, string>)['com.amazonaws.ecs.cluster']).toBe('prod');
  });

  it('leave the pause container out of the task and Limits out when the task has no size', () => {
    const pause = container({ name: '~internal~ecs~pause', internal: true });
    const doc = taskDocument(task([pause, container()], { networkMode: 'awsvpc', privateIPv4Address: '127.1.0.9' }), host);
    expect(doc).not.toHaveProperty('Limits');
    expect((doc.Containers as { Name: string }[]).map((c) => c.Name)).toEqual(['app']);
    expect((doc.Containers as { Networks: unknown[] }[])[0]!.Networks).toEqual([{ NetworkMode: 'awsvpc', IPv4Addresses: ['127.1.0.9'], AttachmentIndex: 0 }]);
    expect(doc.Revision).toBe('3');
  });

  it('give each container a stable endpoint id of its own', () => {
    expect(endpointId(taskArn, 'app')).toBe(endpointId(taskArn, 'app'));
    expect(endpointId(taskArn, 'app')).not.toBe(endpointId(taskArn, 'side'));
    expect(endpointId(taskArn, 'app')).toMatch(/^0123456789abcdef0123456789abcdef-[0-9a-f]{10}$/);
  });
});
