// The scheduler's vocabulary: what callers hand in (a read-only view of container instances and a placement
// request) and what they get back (a plan). Everything here is plain data so the store, RunTask/StartTask and the
// service controller can build it without knowing how placement works inside.

import type { PlacementConstraint, PlacementStrategy } from '@aws-sdk/client-ecs';
import type { FailureReason } from './reasons.js';

/** Container instance statuses as ECS names them; only ACTIVE instances take new tasks. */
export type InstanceStatus =
  | 'ACTIVE'
  | 'DRAINING'
  | 'INACTIVE'
  | 'REGISTERING'
  | 'DEREGISTERING'
  | 'REGISTRATION_FAILED';

/** One container instance as the scheduler sees it. Never mutated by the scheduler. */
export interface InstanceView {
  /** Container instance ARN; the identity used in plans and failures. */
  readonly arn: string;
  readonly ec2InstanceId?: string;
  /** Registration time, epoch milliseconds. */
  readonly registeredAt: number;
  readonly status: InstanceStatus;
  readonly agentConnected: boolean;
  readonly agentVersion?: string;
  /**
   * Attributes by name, built-in (`ecs.availability-zone`, `ecs.instance-type`, `ecs.os-type`,
   * `ecs.cpu-architecture`, `ecs.capability.*`) and custom. `undefined` value = attribute present without a value.
   */
  readonly attributes: ReadonlyMap<string, string | undefined>;
  /** CPU units not yet reserved (1024 = one vCPU). */
  readonly remainingCpu: number;
  /** Memory MiB not yet reserved. */
  readonly remainingMemory: number;
  /** Host TCP ports in use: ECS's `PORTS` remaining resource (defaults 22, 2375, 2376, 51678-51680 included). */
  readonly reservedTcpPorts: ReadonlySet<number>;
  /** Host UDP ports in use: ECS's `PORTS_UDP`. */
  readonly reservedUdpPorts: ReadonlySet<number>;
  readonly runningTasksCount: number;
  /** Task group -> number of tasks of that group on this instance (`service:web`, `family:batch`, ...). */
  readonly taskGroups: ReadonlyMap<string, number>;
}

/** One host port a task needs. `hostPort` 0 asks for a dynamic port from the ephemeral range (bridge mode). */
export interface PortNeed {
  readonly protocol: 'tcp' | 'udp';
  readonly hostPort: number;
  /**
   * A containerPortRange in bridge mode: this need and the next `block - 1` (all dynamic) take one run of
   * consecutive host ports, as ECS's agent gives a range a host port range.
   */
  readonly block?: number;
}

/** What one task reserves on the instance it lands on. */
export interface TaskDemand {
  readonly cpu: number;
  readonly memory: number;
  readonly ports: readonly PortNeed[];
  /** Attributes the instance must carry (task definition `requiresAttributes`), e.g. `ecs.capability.task-eni`. */
  readonly requiredAttributes: readonly { readonly name: string; readonly value?: string }[];
}

/** Where a request comes from decides ECS's default strategy (see rank/defaults.ts). */
export type RequestOrigin = 'standalone' | 'service';

export interface PlacementRequest {
  /** How many identical tasks to place (RunTask `count`, or the tasks a service is short of). */
  readonly count: number;
  /** The tasks' group: `service:NAME` for services, `family:NAME` or RunTask's `group` otherwise. */
  readonly group: string;
  readonly demand: TaskDemand;
  /** Request constraints plus the task definition's own `memberOf` constraints. */
  readonly placementConstraints?: readonly PlacementConstraint[];
  /** Chained in order; empty or absent means ECS's default for `origin`. */
  readonly placementStrategy?: readonly PlacementStrategy[];
  readonly origin?: RequestOrigin;
}

/** One task placed: where, and the host ports it got, in the order of `demand.ports` (dynamic ones resolved). */
export interface Placement {
  readonly instanceArn: string;
  readonly hostPorts: readonly number[];
}

/** Why one instance could not take a task: ECS's `Failure` shape (`arn` + `reason`). */
export interface Rejection {
  readonly arn: string;
  readonly reason: FailureReason;
}

export interface Plan {
  readonly group: string;
  readonly demand: TaskDemand;
  readonly placements: readonly Placement[];
  /** Tasks that found no instance. All tasks of a request are alike, so one rejection list explains them all. */
  readonly unplaced: number;
  /** Per instance, why it could not take the first unplaced task (ECS RunTask `failures`). Empty if all placed. */
  readonly rejections: readonly Rejection[];
  /** The instance that passed the most stages ("the closest matching container-instance" of service events). */
  readonly closest?: Rejection;
}
