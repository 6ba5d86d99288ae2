// Turns one ECS container definition into the Docker create body: every setting applied for real. Pure: the engine
// hands in everything it had to look up (names, env file contents, volumes, the pause container).
import type { AgentTask, ContainerDefinition, HostPort } from '../protocol.js';
import type { CreateSpec } from '../runtime/types.js';
import { dockerLogConfig } from './logDrivers.js';
import { containerNamespaces, pauseNamespaces } from './namespaces.js';
import { storageOpt } from './ephemeralStorage.js';
import { publishedPorts } from './portRanges.js';

const MiB = 1024 * 1024;
const NS = 1_000_000_000;

export interface ResolvedVolume {
  /** A host path (bind) or a Docker volume name. */
  source: string;
  /** EFS access point: the POSIX user (uid:gid) and further groups every container mounting it runs as. */
  posixUser?: { user: string; groups: string[] };
}

export interface SpecInput {
  task: AgentTask;
  name: string;
  definition: ContainerDefinition;
  hostPorts: HostPort[];
  dockerName: string;
  labels: Record<string, string>;
  /** Variables read from environmentFiles, in file order; `environment` wins over them. */
  fileEnv: [string, string][];
  volumes: Map<string, ResolvedVolume>;
  /** Docker names of the task's containers, by container name (links, volumesFrom). */
  dockerNames: Map<string, string>;
  /** The pause container's id (awsvpc, or PID/IPC namespaces shared by the task). */
  pauseId?: string;
  publishAddress: string;
  /** The task's cgroup (task-level cpu/memory for the whole task), when the agent can make one. */
  cgroupParent?: string;
}

function portKey(port: number, protocol: string | undefined): string {
  return `${port}/${protocol ?? 'tcp'}`;
}

function env(input: SpecInput): string[] {
  const vars = new Map<string, string>(input.fileEnv);
  for (const e of input.definition.environment ?? []) if (e.name) vars.set(e.name, e.value ?? '');
  return [...vars].map(([k, v]) => `${k}=${v}`);
}

/** Bridge: the scheduler's host ports (or a dynamic one) on the publish address. */
function bridgePorts(input: SpecInput): Pick<CreateSpec, 'ExposedPorts'> & { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> } {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of publishedPorts(input.definition, input.hostPorts)) {
    const key = portKey(p.containerPort, p.protocol);
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: input.publishAddress, HostPort: p.hostPort ? String(p.hostPort) : '' });
  }
  return { ExposedPorts: exposed, PortBindings: bindings };
}

function healthcheck(d: ContainerDefinition): CreateSpec['Healthcheck'] {
  const h = d.healthCheck;
  if (!h?.command?.length) return undefined;
  return {
    Test: h.command,
    Interval: (h.interval ?? 30) * NS,
    Timeout: (h.timeout ?? 5) * NS,
    Retries: h.retries ?? 3,
    StartPeriod: (h.startPeriod ?? 0) * NS,
  };
}

/** Task-level cpu/memory: each container is also capped at the whole task's size (the sum is the task cgroup's job). */
function limits(input: SpecInput): Partial<NonNullable<CreateSpec['HostConfig']>> {
  const d = input.definition;
  const taskCpu = input.task.cpu ? Number(input.task.cpu) : undefined;
  const taskMem = input.task.memory ? Number(input.task.memory) : undefined;
  const memory = d.memory ?? (d.memoryReservation ? undefined : taskMem);
  const hc: Partial<NonNullable<CreateSpec['HostConfig']>> = {
    CpuShares: Math.max(d.cpu ?? 0, 2),
  };
  if (memory) {
    hc.Memory = Math.min(memory, taskMem ?? memory) * MiB;
    const swap = d.linuxParameters?.maxSwap;
    hc.MemorySwap = swap === undefined ? hc.Memory : hc.Memory + swap * MiB;
  } else if (taskMem) {
    hc.Memory = taskMem * MiB;
    hc.MemorySwap = hc.Memory;
  }
  if (d.memoryReservation) hc.MemoryReservation = d.memoryReservation * MiB;
  if (d.linuxParameters?.swappiness !== undefined) hc.MemorySwappiness = d.linuxParameters.swappiness;
  if (taskCpu) hc.NanoCpus = Math.round((taskCpu / 1024) * NS);
  return hc;
}

function mounts(input: SpecInput): string[] {
  return (input.definition.mountPoints ?? []).map((mp) => {
    const v = input.volumes.get(mp.sourceVolume ?? '');
    if (!v) throw new Error(`mount point names unknown volume ${mp.sourceVolume}`);
    return `${v.source}:${mp.containerPath}${mp.readOnly ? ':ro' : ''}`;
  });
}

export function buildSpec(input: SpecInput): CreateSpec {
  const { definition: d, task } = input;
  const lp = d.linuxParameters;
  const hc: NonNullable<CreateSpec['HostConfig']> = {
    ...limits(input),
    Binds: mounts(input),
    VolumesFrom: (d.volumesFrom ?? []).map((vf) => `${input.dockerNames.get(vf.sourceContainer ?? '')}${vf.readOnly ? ':ro' : ''}`),
    ReadonlyRootfs: d.readonlyRootFilesystem ?? false,
    Privileged: d.privileged ?? false,
    Ulimits: (d.ulimits ?? []).map((u) => ({ Name: u.name, Soft: u.softLimit, Hard: u.hardLimit })),
    CapAdd: lp?.capabilities?.add ?? [],
    CapDrop: lp?.capabilities?.drop ?? [],
    Init: lp?.initProcessEnabled ?? false,
    Tmpfs: Object.fromEntries(
      (lp?.tmpfs ?? []).map((t) => [t.containerPath!, [`size=${t.size}m`, ...(t.mountOptions ?? [])].join(',')]),
    ),
    SecurityOpt: d.dockerSecurityOptions ?? [],
    Sysctls: Object.fromEntries((d.systemControls ?? []).map((s) => [s.namespace!, s.value ?? ''])),
  };
  if (lp?.sharedMemorySize) hc.ShmSize = lp.sharedMemorySize * MiB;
  if (lp?.devices?.length) {
    hc.Devices = lp.devices.map((dev) => ({
      PathOnHost: dev.hostPath!,
      PathInContainer: dev.containerPath ?? dev.hostPath!,
      CgroupPermissions: (dev.permissions ?? ['read', 'write', 'mknod']).map((p) => p[0]).join(''),
    }));
  }
  if (input.cgroupParent) hc.CgroupParent = input.cgroupParent;
  Object.assign(hc, containerNamespaces(task, input.pauseId));
  const storage = storageOpt(task);
  if (storage) hc.StorageOpt = storage;
  const logConfig = dockerLogConfig(d);
  if (logConfig) hc.LogConfig = logConfig;
  if (d.dnsServers?.length) hc.Dns = d.dnsServers;
  if (d.dnsSearchDomains?.length) hc.DnsSearch = d.dnsSearchDomains;
  if (d.extraHosts?.length) hc.ExtraHosts = d.extraHosts.map((h) => `${h.hostname}:${h.ipAddress}`);

  const spec: CreateSpec = {
    name: input.dockerName,
    Image: d.image!,
    Env: env(input),
    Labels: { ...(d.dockerLabels ?? {}), ...input.labels },
    Tty: d.pseudoTerminal ?? false,
    OpenStdin: d.interactive ?? false,
    HostConfig: hc,
  };
  if (d.command?.length) spec.Cmd = d.command;
  if (d.entryPoint?.length) spec.Entrypoint = d.entryPoint;
  if (d.user) spec.User = d.user;
  // An EFS access point enforces its POSIX user on every file operation through it: the containers mounting it act
  // as that user.
  const posix = (d.mountPoints ?? []).map((mp) => input.volumes.get(mp.sourceVolume ?? '')?.posixUser).find((p) => p);
  if (posix) {
    spec.User = posix.user;
    if (posix.groups.length) hc.GroupAdd = posix.groups;
  }
  if (d.workingDirectory) spec.WorkingDir = d.workingDirectory;
  if (d.hostname) spec.Hostname = d.hostname;
  if (d.disableNetworking) spec.NetworkDisabled = true;
  const health = healthcheck(d);
  if (health) spec.Healthcheck = health;

  switch (task.networkMode) {
    case 'bridge': {
      const ports = bridgePorts(input);
      spec.ExposedPorts = ports.ExposedPorts;
      hc.PortBindings = ports.PortBindings;
      hc.NetworkMode = 'bridge';
      hc.Links = (d.links ?? []).map((l) => {
        const [target, alias] = l.split(':');
        return `${input.dockerNames.get(target!)}:${alias ?? target}`;
      });
      break;
    }
    case 'awsvpc':
      hc.NetworkMode = `container:${input.pauseId}`;
      break;
    default:
      hc.NetworkMode = task.networkMode; // host, none
  }
  return spec;
}

/**
 * The pause container: in awsvpc it owns the network namespace, so every container's ports are published on it;
 * it also owns the PID and IPC namespaces a task shares (pidMode/ipcMode task), with no network of its own otherwise.
 */
export function buildPauseSpec(input: {
  task: AgentTask;
  dockerName: string;
  image: string;
  labels: Record<string, string>;
  address: string;
  cgroupParent?: string;
}): CreateSpec {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const awsvpc = input.task.networkMode === 'awsvpc';
  for (const c of awsvpc ? input.task.containers : []) {
    for (const p of publishedPorts(c.definition, c.hostPorts ?? [], true)) {
      const key = portKey(p.containerPort, p.protocol);
      exposed[key] = {};
      bindings[key] = [{ HostIp: input.address, HostPort: String(p.containerPort) }];
    }
  }
  return {
    name: input.dockerName,
    Image: input.image,
    Labels: input.labels,
    ExposedPorts: exposed,
    HostConfig: {
      NetworkMode: awsvpc ? 'bridge' : 'none',
      PortBindings: bindings,
      ...pauseNamespaces(input.task),
      ...(input.cgroupParent ? { CgroupParent: input.cgroupParent } : {}),
    },
  };
}

/** Parses an environment file: KEY=VALUE lines, `#` comments and blank lines skipped (as ECS does). */
export function parseEnvFile(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return out;
}
