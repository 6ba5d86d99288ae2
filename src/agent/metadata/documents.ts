// The JSON documents of the task metadata endpoint v4, in ECS's shape (the developer guide's "task metadata v4 JSON
// response"), built from the engine's own state. Pure: the server only looks things up and sends these.
import { LABELS } from '../protocol.js';
import { apiStatus } from '../engine/status.js';
import type { ContainerState, TaskState } from '../engine/state.js';

export interface HostFacts {
  /** Where host-mode containers are reached. */
  publishAddress: string;
}

type Doc = Record<string, unknown>;

const iso = (d: Date | undefined) => d?.toISOString();

function compact(o: Doc): Doc {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function networks(ts: TaskState, c: ContainerState, host: HostFacts): Doc[] {
  const mode = ts.task.networkMode;
  switch (mode) {
    case 'awsvpc':
      return [compact({ NetworkMode: 'awsvpc', IPv4Addresses: [ts.task.privateIPv4Address ?? host.publishAddress], AttachmentIndex: 0 })];
    case 'bridge':
      return [compact({ NetworkMode: 'bridge', IPv4Addresses: c.ipv4Address ? [c.ipv4Address] : undefined })];
    case 'host':
      return [{ NetworkMode: 'host', IPv4Addresses: [host.publishAddress] }];
    default:
      return [{ NetworkMode: mode }];
  }
}

export function containerDocument(ts: TaskState, c: ContainerState, host: HostFacts): Doc {
  const d = c.definition;
  const labels: Record<string, string> = { ...(d.dockerLabels ?? {}) };
  labels[LABELS.cluster] = ts.task.clusterArn.split('/').pop()!;
  labels[LABELS.containerName] = c.name;
  labels[LABELS.taskArn] = ts.task.taskArn;
  labels[LABELS.family] = ts.task.family;
  labels[LABELS.version] = String(ts.task.revision);
  const stopped = apiStatus(c.known) === 'STOPPED';
  return compact({
    DockerId: c.runtimeId,
    Name: c.name,
    DockerName: c.dockerName,
    Image: d.image,
    ImageID: c.imageId,
    Ports: c.bindings.length
      ? c.bindings.map((b) => ({ ContainerPort: b.containerPort, Protocol: b.protocol, HostPort: b.hostPort, HostIp: b.bindIP }))
      : undefined,
    Labels: labels,
    DesiredStatus: ts.desired === 'STOPPED' || ts.task.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
    KnownStatus: apiStatus(c.known),
    ExitCode: stopped ? c.exitCode : undefined,
    Limits: compact({ CPU: d.cpu ?? 0, Memory: d.memory ?? d.memoryReservation }),
    CreatedAt: iso(c.createdAt),
    StartedAt: iso(c.startedAt),
    FinishedAt: stopped ? iso(c.finishedAt) : undefined,
    Type: 'NORMAL',
    Health: d.healthCheck ? { status: c.health } : undefined,
    RestartCount: d.restartPolicy?.enabled ? (c.restartCount ?? 0) : undefined,
    LogDriver: d.logConfiguration?.logDriver,
    LogOptions: d.logConfiguration?.options,
    ContainerARN: c.containerArn || undefined,
    Networks: networks(ts, c, host),
  });
}

export function taskDocument(ts: TaskState, host: HostFacts): Doc {
  const t = ts.task;
  const limits = compact({ CPU: t.cpu ? Number(t.cpu) / 1024 : undefined, Memory: t.memory ? Number(t.memory) : undefined });
  return compact({
    Cluster: t.clusterArn,
    TaskARN: t.taskArn,
    Family: t.family,
    Revision: String(t.revision),
    ServiceName: t.serviceName,
    DesiredStatus: ts.desired === 'STOPPED' || t.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
    KnownStatus: apiStatus(ts.known),
    Limits: Object.keys(limits).length ? limits : undefined,
    PullStartedAt: iso(ts.pullStartedAt),
    PullStoppedAt: iso(ts.pullStoppedAt),
    ExecutionStoppedAt: iso(ts.executionStoppedAt),
    AvailabilityZone: t.availabilityZone,
    LaunchType: t.launchType,
    Containers: ts.containers.filter((c) => !c.internal).map((c) => containerDocument(ts, c, host)),
  });
}
