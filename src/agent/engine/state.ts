// The engine's record of each task and container: known and desired status side by side, plus what the runtime told
// us. Only the engine (engine.ts) mutates these; the step functions only read them.
import type { AgentTask, ContainerDefinition, HostPort } from '../protocol.js';
import type { NetworkBinding } from './reporter.js';
import type { HealthStatus, Status, StopCode } from './status.js';

export interface ContainerState {
  name: string;
  containerArn: string;
  /** The awsvpc pause container: never reported, owns the network namespace. */
  internal: boolean;
  definition: ContainerDefinition;
  hostPorts: HostPort[];
  /** versionConsistency: the digest (or, for an image only built locally, the image id) this container must run. */
  pinnedImage?: string;
  /** The reference the container is created from when not its definition's image (repo@digest, or an image id). */
  runImage?: string;
  /** The image's manifest digest (sha256:...; the image id for an image no registry has) and the image id it is of. */
  digest?: string;
  digestOf?: string;
  dockerName: string;
  known: Status;
  desired: Status;
  runtimeId?: string;
  exitCode?: number;
  reason?: string;
  health: HealthStatus;
  bindings: NetworkBinding[];
  /** A runtime call for this container is under way. */
  inFlight: boolean;
  /** When it first waited on a dependency (ms), for startTimeout. */
  blockedSince?: number;
  createdAt?: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** From the runtime once it ran: what the task metadata endpoint shows. */
  imageId?: string;
  ipv4Address?: string;
  /** Restarted in place by its restart policy this many times. */
  restartCount?: number;
  /** It exited and its restart policy starts it again: it stays RUNNING meanwhile, as on ECS. */
  restarting?: boolean;
  /** A warm pause container (warmPause.ts): its ports are Wharf's to publish and unpublish. */
  warm?: boolean;
  /** Taken already running from the warm pool: its start step only checks it and opens its endpoints. */
  prestarted?: boolean;
}

export interface TaskState {
  task: AgentTask;
  known: Status;
  desired: 'RUNNING' | 'STOPPED';
  containers: ContainerState[];
  stopCode?: StopCode;
  stoppedReason?: string;
  volumesReady: boolean;
  /** The task's cgroup, when task-level limits are applied to the task as a whole. */
  cgroupParent?: string;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  executionStoppedAt?: Date;
  /** Set when the task reached STOPPED (ms), for the clean-up wait. */
  stoppedAtMs?: number;
  cleanedUp: boolean;
  /** When each step of the task's start happened (epoch ms, sub-ms precision), logged once it runs. */
  timeline?: [string, number][];
}

export function isPause(c: ContainerState): boolean {
  return c.internal;
}

export function essential(c: ContainerState): boolean {
  return c.internal || c.definition.essential !== false;
}

/** It got as far as running at some point (a STOPPED container may or may not have). */
export function hasRun(c: ContainerState): boolean {
  return c.startedAt !== undefined;
}
