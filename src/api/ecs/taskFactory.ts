// Turns placements into task records: ARNs, containers, attachments, overrides, and the reservation each task
// holds on its instance. Shared by RunTask, StartTask and the service controller (through its Launcher).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Attachment, Task, TaskOverride } from '@aws-sdk/client-ecs';
import { containerArn, newContainer, normalizeOverrides, taskArn, type Reservation, type TaskRecord } from '../../domain/task.js';
import type { Placement } from '../../scheduler/index.js';
import type { LaunchSpec } from '../../controllers/services/apply.js';

/** A service launch (LaunchSpec, declared where the service controller needs it) plus RunTask's overrides. */
export interface TaskSpec extends LaunchSpec {
  overrides?: TaskOverride;
}

export interface PlacedOn {
  placement: Placement;
  instanceKey: string;
  /** awsvpc: the address given to the task. */
  address?: string;
  availabilityZone?: string;
}

export function buildTask(spec: TaskSpec, on: PlacedOn): TaskRecord {
  const id = randomBytes(16).toString('hex');
  const arn = taskArn(spec.ctx, spec.clusterName, id);
  const td = spec.taskDefinition;
  const mode = td.networkMode ?? 'bridge';
  const overrides = normalizeOverrides(spec.overrides, (td.containerDefinitions ?? []).map((c) => c.name!));
  const hostPorts: TaskRecord['hostPorts'] = {};
  let k = 0;
  for (const c of td.containerDefinitions ?? []) {
    const list: TaskRecord['hostPorts'][string] = [];
    for (const pm of c.portMappings ?? []) {
      if (pm.containerPort === undefined) continue;
      const protocol = pm.protocol === 'udp' ? 'udp' : 'tcp';
      // The scheduler resolved host ports in the same order as demand.ports (bridge and host modes only).
      const hostPort = mode === 'bridge' || mode === 'host' ? (on.placement.hostPorts[k++] ?? 0) : pm.containerPort;
      list.push({ containerPort: pm.containerPort, hostPort, protocol });
    }
    hostPorts[c.name!] = list;
  }
  const reservation: Reservation = {
    instanceKey: on.instanceKey,
    cpu: spec.demand.cpu,
    memory: spec.demand.memory,
    tcpPorts: spec.demand.ports.flatMap((p, i) => (p.protocol === 'tcp' ? [on.placement.hostPorts[i]!] : [])),
    udpPorts: spec.demand.ports.flatMap((p, i) => (p.protocol === 'udp' ? [on.placement.hostPorts[i]!] : [])),
  };
  const attachments: Attachment[] = [];
  if (mode === 'awsvpc') {
    attachments.push({
      id: randomUUID(),
      type: 'ElasticNetworkInterface',
      status: 'PRECREATED',
      details: [
        { name: 'subnetId', value: spec.subnets?.[0] ?? 'subnet-wharf' },
        { name: 'networkInterfaceId', value: `eni-${id.slice(0, 17)}` },
        { name: 'macAddress', value: '02:00:00:00:00:00' },
        { name: 'privateIPv4Address', value: on.address ?? '' },
      ],
    });
  }
  const fargate = spec.launchType === 'FARGATE';
  const task: Task = {
    taskArn: arn,
    clusterArn: spec.clusterArn,
    taskDefinitionArn: td.taskDefinitionArn,
    containerInstanceArn: fargate ? undefined : on.placement.instanceArn,
    overrides,
    lastStatus: mode === 'awsvpc' ? 'PROVISIONING' : 'PENDING',
    desiredStatus: 'RUNNING',
    cpu: String(spec.overrides?.cpu ?? td.cpu ?? spec.demand.cpu),
    memory: String(spec.overrides?.memory ?? td.memory ?? spec.demand.memory),
    containers: (td.containerDefinitions ?? []).map((c) => {
      const o = overrides.containerOverrides?.find((x) => x.name === c.name);
      const container = newContainer(
        containerArn(spec.ctx, spec.clusterName, id, randomUUID()),
        arn,
        c.name!,
        c.image,
        o?.cpu ?? c.cpu,
        o?.memory ?? c.memory,
        o?.memoryReservation ?? c.memoryReservation,
      );
      if (on.address) container.networkInterfaces = [{ attachmentId: attachments[0]!.id, privateIpv4Address: on.address }];
      return container;
    }),
    startedBy: spec.startedBy,
    version: 1,
    createdAt: spec.now,
    group: spec.group,
    launchType: spec.launchType,
    capacityProviderName: spec.capacityProviderName,
    platformVersion: fargate ? '1.4.0' : undefined,
    platformFamily: fargate ? 'Linux' : undefined,
    attachments,
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: on.availabilityZone,
    connectivity: undefined,
    enableExecuteCommand: spec.enableExecuteCommand ?? false,
    healthStatus: 'UNKNOWN',
    tags: spec.tags,
  };
  return {
    task,
    clusterName: spec.clusterName,
    instanceKey: on.instanceKey,
    reservation,
    hostPorts,
    privateIPv4Address: on.address,
  };
}
