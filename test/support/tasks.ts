// Builds AgentTasks for engine tests, as the control plane would send them.
import { randomBytes } from 'node:crypto';
import type { AgentTask, ContainerDefinition, HostPort } from '../../src/agent/protocol.js';
import { BUSYBOX } from './images.js';

export const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:000000000000:cluster/agent-test';

export interface ContainerInput extends ContainerDefinition {
  name: string;
  hostPorts?: HostPort[];
}

export function makeTask(containers: ContainerInput[], extra: Partial<AgentTask> = {}): AgentTask {
  const id = randomBytes(16).toString('hex');
  const taskArn = `arn:aws:ecs:us-east-1:000000000000:task/agent-test/${id}`;
  return {
    taskArn,
    clusterArn: CLUSTER_ARN,
    family: 'agent-test',
    revision: 1,
    desiredStatus: 'RUNNING',
    launchType: 'EC2',
    networkMode: 'bridge',
    volumes: [],
    ...extra,
    containers: containers.map(({ hostPorts, ...d }) => ({
      name: d.name,
      containerArn: `arn:aws:ecs:us-east-1:000000000000:container/agent-test/${id}/${d.name}`,
      definition: { image: BUSYBOX, essential: true, ...d },
      hostPorts: hostPorts ?? [],
    })),
  };
}

export function stopped(task: AgentTask, reason = 'Task stopped by the test'): AgentTask {
  return { ...task, desiredStatus: 'STOPPED', stopReason: reason };
}
