// From ECS's own ContainerInstance shape (DescribeContainerInstances, the agent's registration) to the
// scheduler's InstanceView: remaining resources are the `CPU`, `MEMORY`, `PORTS` and `PORTS_UDP` entries of
// `remainingResources`. Task groups come from the tasks on the instance, which a ContainerInstance does not carry.

import type { ContainerInstance, Resource } from '@aws-sdk/client-ecs';
import type { InstanceStatus, InstanceView } from './types.js';

export function instanceViewFromEcs(
  ci: ContainerInstance,
  taskGroups: ReadonlyMap<string, number> = new Map(),
): InstanceView {
  const res = (name: string): Resource | undefined => ci.remainingResources?.find((r) => r.name === name);
  const num = (r: Resource | undefined) => r?.integerValue ?? r?.longValue ?? r?.doubleValue ?? 0;
  const ports = (r: Resource | undefined) => new Set((r?.stringSetValue ?? []).map(Number).filter(Number.isInteger));
  const attributes = new Map<string, string | undefined>();
  for (const a of ci.attributes ?? []) if (a.name) attributes.set(a.name, a.value);
  return {
    arn: ci.containerInstanceArn ?? '',
    ...(ci.ec2InstanceId !== undefined ? { ec2InstanceId: ci.ec2InstanceId } : {}),
    registeredAt: ci.registeredAt?.getTime() ?? 0,
    status: (ci.status ?? 'ACTIVE') as InstanceStatus,
    agentConnected: ci.agentConnected ?? false,
    ...(ci.versionInfo?.agentVersion !== undefined ? { agentVersion: ci.versionInfo.agentVersion } : {}),
    attributes,
    remainingCpu: num(res('CPU')),
    remainingMemory: num(res('MEMORY')),
    reservedTcpPorts: ports(res('PORTS')),
    reservedUdpPorts: ports(res('PORTS_UDP')),
    runningTasksCount: ci.runningTasksCount ?? 0,
    taskGroups,
  };
}
