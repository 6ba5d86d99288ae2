// From a stored task to the AgentTask an agent receives (docs/agent-protocol.md): the definition's containers with
// RunTask's overrides applied (domain/overrides.ts) and the host ports the scheduler chose.
import type { AgentTask } from '../../agent/protocol.js';
import type { TaskRecord } from '../../domain/task.js';
import type { Tables } from '../../state/tables.js';
import { overriddenContainer } from '../../domain/overrides.js';
import { findTaskDefinition } from '../ecs/taskDefinitions.js';

export function agentTask(tables: Tables, rec: TaskRecord): AgentTask | undefined {
  const t = rec.task;
  const td = findTaskDefinition(tables, t.taskDefinitionArn!)?.value.taskDefinition;
  if (!td) return undefined;
  const overrides = t.overrides?.containerOverrides ?? [];
  return {
    taskArn: t.taskArn!,
    clusterArn: t.clusterArn!,
    family: td.family!,
    revision: td.revision!,
    desiredStatus: t.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
    launchType: (t.launchType ?? 'EC2') as AgentTask['launchType'],
    networkMode: (td.networkMode ?? 'bridge') as AgentTask['networkMode'],
    cpu: t.overrides?.cpu ?? td.cpu,
    memory: t.overrides?.memory ?? td.memory,
    pidMode: td.pidMode,
    ipcMode: td.ipcMode,
    volumes: td.volumes ?? [],
    privateIPv4Address: rec.privateIPv4Address,
    attachmentId: t.attachments?.find((a) => a.type === 'ElasticNetworkInterface')?.id,
    stopReason: t.desiredStatus === 'STOPPED' ? t.stoppedReason : undefined,
    serviceName: t.group?.startsWith('service:') ? t.group.slice('service:'.length) : undefined,
    availabilityZone: t.availabilityZone,
    taskRoleArn: t.overrides?.taskRoleArn ?? td.taskRoleArn,
    containers: (td.containerDefinitions ?? []).map((def) => {
      const o = overrides.find((x) => x.name === def.name);
      const container = t.containers?.find((c) => c.name === def.name);
      const definition = overriddenContainer(def, o);
      return {
        name: def.name!,
        containerArn: container?.containerArn ?? '',
        definition,
        hostPorts: rec.hostPorts[def.name!] ?? [],
      };
    }),
  };
}
