// From a stored task to the AgentTask an agent receives (docs/agent-protocol.md): the definition's containers with
// RunTask's overrides applied (domain/overrides.ts) and the host ports the scheduler chose.
import type { AgentTask, EfsVolumeMount, Volume } from '../../agent/protocol.js';
import type { TaskRecord } from '../../domain/task.js';
import type { Tables } from '../../state/tables.js';
import { overriddenContainer } from '../../domain/overrides.js';
import { findTaskDefinition } from '../ecs/taskDefinitions.js';
import { pinnedDigests } from './imagePins.js';
import { serviceConnectOf, type AliasMemo } from './serviceConnect.js';

/** Resolves a task's efsVolumeConfiguration against EFS's state (undefined: no such file system or access point). */
export type EfsResolver = (v: NonNullable<Volume['efsVolumeConfiguration']>) => EfsVolumeMount | undefined;

export function agentTask(tables: Tables, rec: TaskRecord, resolveEfs?: EfsResolver, aliases?: AliasMemo): AgentTask | undefined {
  const t = rec.task;
  const td = findTaskDefinition(tables, t.taskDefinitionArn!)?.value.taskDefinition;
  if (!td) return undefined;
  const overrides = t.overrides?.containerOverrides ?? [];
  const pins = pinnedDigests(tables, rec, td.containerDefinitions ?? []);
  return {
    taskArn: t.taskArn!,
    clusterArn: t.clusterArn!,
    family: td.family!,
    revision: td.revision!,
    desiredStatus: agentDesiredStatus(rec),
    launchType: (t.launchType ?? 'EC2') as AgentTask['launchType'],
    networkMode: (td.networkMode ?? 'bridge') as AgentTask['networkMode'],
    cpu: t.overrides?.cpu ?? td.cpu,
    memory: t.overrides?.memory ?? td.memory,
    pidMode: td.pidMode,
    ipcMode: td.ipcMode,
    ephemeralStorageGiB: t.overrides?.ephemeralStorage?.sizeInGiB ?? td.ephemeralStorage?.sizeInGiB,
    volumes: td.volumes ?? [],
    privateIPv4Address: rec.privateIPv4Address,
    attachmentId: t.attachments?.find((a) => a.type === 'ElasticNetworkInterface')?.id,
    stopReason: agentDesiredStatus(rec) === 'STOPPED' ? t.stoppedReason : undefined,
    serviceName: t.group?.startsWith('service:') ? t.group.slice('service:'.length) : undefined,
    availabilityZone: t.availabilityZone,
    efs: efsMounts(td.volumes ?? [], resolveEfs),
    serviceConnect: serviceConnectOf(tables, rec, aliases),
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
        ...(pins.has(def.name!) ? { imageDigest: pins.get(def.name!) } : {}),
      };
    }),
  };
}

/**
 * What the agent is told to do with a task. A task that is DEACTIVATING is still leaving its load balancers and Cloud
 * Map (and still serving the requests and the clients that found it a moment ago): as on ECS, its containers are
 * told to stop only once it moves on to STOPPING.
 */
export function agentDesiredStatus(rec: TaskRecord): AgentTask['desiredStatus'] {
  const t = rec.task;
  return t.desiredStatus === 'STOPPED' && t.lastStatus !== 'DEACTIVATING' ? 'STOPPED' : 'RUNNING';
}

function efsMounts(volumes: Volume[], resolve: EfsResolver | undefined): Record<string, EfsVolumeMount> | undefined {
  const out: Record<string, EfsVolumeMount> = {};
  for (const v of volumes) {
    const m = v.efsVolumeConfiguration && resolve?.(v.efsVolumeConfiguration);
    if (m) out[v.name!] = m;
  }
  return Object.keys(out).length ? out : undefined;
}
