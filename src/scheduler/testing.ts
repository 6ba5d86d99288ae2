// Builders for InstanceViews and requests with sensible defaults, for this module's tests and for callers'
// deterministic harnesses (a service controller test wants a three-instance cluster in one line).

import type { ClusterState } from './state/clusterState.js';
import type { InstanceView, Plan, PlacementRequest, PortNeed, TaskDemand } from './types.js';

export interface InstanceSpec {
  arn?: string;
  ec2InstanceId?: string;
  registeredAt?: number;
  status?: InstanceView['status'];
  agentConnected?: boolean;
  agentVersion?: string;
  attributes?: Record<string, string | undefined>;
  cpu?: number;
  memory?: number;
  tcp?: number[];
  udp?: number[];
  runningTasksCount?: number;
  taskGroups?: Record<string, number>;
  /** Shorthands for the built-in attributes. */
  az?: string;
  instanceType?: string;
}

/** Ports an ECS agent reserves by default: SSH, Docker, and its own. */
export const DEFAULT_RESERVED_TCP = [22, 2375, 2376, 51678, 51679, 51680];

let counter = 0;

export function instance(spec: InstanceSpec = {}): InstanceView {
  const n = ++counter;
  const attributes = new Map<string, string | undefined>([
    ['ecs.os-type', 'linux'],
    ['ecs.cpu-architecture', 'x86_64'],
    ['ecs.availability-zone', spec.az ?? 'us-east-1a'],
    ['ecs.instance-type', spec.instanceType ?? 't2.medium'],
    ...Object.entries(spec.attributes ?? {}),
  ]);
  const groups = spec.taskGroups ?? {};
  return {
    arn: spec.arn ?? `arn:aws:ecs:us-east-1:000000000000:container-instance/default/ci-${String(n).padStart(6, '0')}`,
    ec2InstanceId: spec.ec2InstanceId ?? `i-${n.toString(16).padStart(8, '0')}`,
    registeredAt: spec.registeredAt ?? Date.UTC(2024, 0, 1) + n,
    status: spec.status ?? 'ACTIVE',
    agentConnected: spec.agentConnected ?? true,
    agentVersion: spec.agentVersion ?? '1.80.0',
    attributes,
    remainingCpu: spec.cpu ?? 2048,
    remainingMemory: spec.memory ?? 4096,
    reservedTcpPorts: new Set(spec.tcp ?? DEFAULT_RESERVED_TCP),
    reservedUdpPorts: new Set(spec.udp ?? []),
    runningTasksCount: spec.runningTasksCount ?? Object.values(groups).reduce((a, b) => a + b, 0),
    taskGroups: new Map(Object.entries(groups)),
  };
}

export function demand(d: { cpu?: number; memory?: number; ports?: PortNeed[]; requires?: string[] } = {}): TaskDemand {
  return {
    cpu: d.cpu ?? 256,
    memory: d.memory ?? 512,
    ports: d.ports ?? [],
    requiredAttributes: (d.requires ?? []).map((name) => ({ name })),
  };
}

export function request(r: Partial<PlacementRequest> = {}): PlacementRequest {
  return { count: 1, group: 'family:web', demand: demand(), ...r };
}

/**
 * Takes a plan's placements into the state, as Wharf's control plane does by committing them to the store (whose
 * guard on each instance's revision is the re-check) and following the cache: for tests and benchmarks that plan
 * one request after another on one state.
 */
export function takePlan(state: ClusterState, plan: Plan): void {
  for (const p of plan.placements) state.reserve(state.slotOf(p.instanceArn)!, plan.demand, p.hostPorts, plan.group);
}
