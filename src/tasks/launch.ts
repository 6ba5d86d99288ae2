// The one launch path: a placement plan becomes task records, the reservations on their instances and the
// addresses of awsvpc tasks, all in the caller's batch (one guarded transaction). RunTask, StartTask, services
// and DAEMON services all launch through here.
import { randomUUID } from 'node:crypto';
import type { Attachment, Tag, Task, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import { instanceKeyOf } from '../domain/containerInstance.js';
import { containerArn, newContainer, taskArn, type Reservation, type TaskRecord } from '../domain/task.js';
import type { Placement, Plan, TaskDemand } from '../scheduler/index.js';
import { FARGATE_PLATFORM_VERSION } from './platformVersion.js';
import type { TaskBatch } from './batch.js';
import type { LaunchChoice } from './launchTypes.js';
import { normalizeOverrides, overriddenContainer } from '../domain/overrides.js';
import { containerPortsOf } from '../domain/taskDefinition/ports.js';
import { randomHexId } from '../domain/randomId.js';

/** What every task of one launch shares. */
export interface LaunchSpec {
  ctx: { region: string; accountId: string };
  clusterName: string;
  clusterArn: string;
  taskDefinition: TaskDefinition;
  /** One per task to launch, in the plan's order. */
  launches: LaunchChoice[];
  overrides?: TaskOverride;
  group: string;
  startedBy?: string;
  tags: Tag[];
  demand: TaskDemand;
  enableExecuteCommand?: boolean;
  subnets?: string[];
}

/** Writes one task per placement of `plan` into the batch; returns them in the plan's order. */
export function launch(batch: TaskBatch, spec: LaunchSpec, plan: Plan): TaskRecord[] {
  const awsvpc = spec.taskDefinition.networkMode === 'awsvpc';
  const addresses = awsvpc ? batch.addresses : undefined;
  return plan.placements.map((placement, i) => {
    const instanceKey = instanceKeyOf(placement.instanceArn);
    const ci = batch.instance(instanceKey);
    if (!ci) throw new Error(`placement on an unknown instance ${placement.instanceArn}`);
    const id = randomHexId();
    const taskKey = `${spec.clusterName}/${id}`;
    const address = addresses?.claim(ci, taskKey);
    const availabilityZone = ci.attributes?.find((a) => a.name === 'ecs.availability-zone')?.value;
    const cpuArchitecture = ci.attributes?.find((a) => a.name === 'ecs.cpu-architecture')?.value ?? 'x86_64';
    const rec = buildTask(id, { ...spec, ...spec.launches[i]!, now: batch.ctx.now }, { placement, instanceKey, address, availabilityZone, cpuArchitecture });
    batch.add(taskKey, rec);
    return rec;
  });
}

interface PlacedOn {
  placement: Placement;
  instanceKey: string;
  /** awsvpc: the address given to the task. */
  address?: string;
  availabilityZone?: string;
  /** The instance's ecs.cpu-architecture, which the task reports. */
  cpuArchitecture: string;
}

function buildTask(id: string, spec: LaunchSpec & LaunchChoice & { now: Date }, on: PlacedOn): TaskRecord {
  const arn = taskArn(spec.ctx, spec.clusterName, id);
  const td = spec.taskDefinition;
  const mode = td.networkMode ?? 'bridge';
  const overrides = normalizeOverrides(spec.overrides, (td.containerDefinitions ?? []).map((c) => c.name!));
  const hostPorts: TaskRecord['hostPorts'] = {};
  let k = 0;
  for (const c of td.containerDefinitions ?? []) {
    const list: TaskRecord['hostPorts'][string] = [];
    for (const pm of c.portMappings ?? []) {
      const protocol = pm.protocol === 'udp' ? 'udp' : 'tcp';
      // The scheduler resolved host ports in the same order as demand.ports (bridge and host modes only); a
      // containerPortRange counts one per port (awsvpc: the container's ports themselves, a static mapping).
      for (const containerPort of containerPortsOf(pm)) {
        const hostPort = mode === 'bridge' || mode === 'host' ? (on.placement.hostPorts[k++] ?? 0) : containerPort;
        list.push({ containerPort, hostPort, protocol });
      }
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
    containers: (td.containerDefinitions ?? []).map((def) => {
      const c = overriddenContainer(def, overrides.containerOverrides?.find((x) => x.name === def.name));
      const container = newContainer(containerArn(spec.ctx, spec.clusterName, id, randomUUID()), arn, c.name!, c.image, c.cpu, c.memory, c.memoryReservation);
      if (on.address) container.networkInterfaces = [{ attachmentId: attachments[0]!.id, privateIpv4Address: on.address }];
      return container;
    }),
    startedBy: spec.startedBy,
    version: 1,
    createdAt: spec.now,
    group: spec.group,
    launchType: spec.launchType,
    capacityProviderName: spec.capacityProviderName,
    platformVersion: fargate ? FARGATE_PLATFORM_VERSION : undefined,
    platformFamily: fargate ? 'Linux' : undefined,
    attachments,
    attributes: [{ name: 'ecs.cpu-architecture', value: on.cpuArchitecture }],
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
    essentialContainers: (td.containerDefinitions ?? []).filter((c) => c.essential !== false).map((c) => c.name!),
  };
}
