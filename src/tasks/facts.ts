// What agents report, as facts the task machine reads: container statuses, exit codes and reasons. ECS's
// SubmitTaskStateChange has no stop code; as in ECS, the stop code follows from these facts (which essential
// container stopped, whether it ran), never from the reason text.
import type { Container, NetworkBinding, Task } from '@aws-sdk/client-ecs';
import { containerRank, type TaskRecord } from '../domain/task.js';
import { REASONS } from './reasons.js';

export type StopCode = NonNullable<Task['stopCode']>;

/** One container's change as an agent reports it (SubmitContainerStateChange, or one entry of a task's report). */
export interface ContainerFacts {
  containerName: string;
  status?: string;
  exitCode?: number;
  reason?: string;
  runtimeId?: string;
  networkBindings?: NetworkBinding[];
  imageDigest?: string;
}

/** The container after a report: statuses only move forward, facts accumulate. */
export function mergeContainer(c: Container, f: ContainerFacts): Container {
  const status = f.status ?? c.lastStatus;
  if (containerRank(status) < containerRank(c.lastStatus)) return c;
  return {
    ...c,
    lastStatus: status === 'PULLED' || status === 'CREATED' ? 'PENDING' : status,
    exitCode: f.exitCode ?? c.exitCode,
    reason: f.reason ?? c.reason,
    runtimeId: f.runtimeId ?? c.runtimeId,
    networkBindings: f.networkBindings ?? c.networkBindings,
    ...(f.imageDigest ? { imageDigest: f.imageDigest } : {}),
  };
}

/** Task health: UNHEALTHY if any container is, HEALTHY when all are, else UNKNOWN. */
export function taskHealth(containers: readonly Container[]): Task['healthStatus'] {
  const states = containers.map((c) => c.healthStatus ?? 'UNKNOWN');
  if (states.includes('UNHEALTHY')) return 'UNHEALTHY';
  if (states.length > 0 && states.every((s) => s === 'HEALTHY')) return 'HEALTHY';
  return 'UNKNOWN';
}

/**
 * Why a task the agent reports STOPPED (and nobody asked to stop) stopped, from its containers:
 * 1. a container stopped before the task ever ran, without an exit code (it never ran: pull, create or start
 *    failed, or a dependency could not be met) -> TaskFailedToStart, with that container's reason;
 * 2. an essential container stopped after running (it has an exit code, or was RUNNING) -> EssentialContainerExited;
 * 3. otherwise: EssentialContainerExited once the task had run (its pause container), else TaskFailedToStart.
 * The agent's reason, when it gives one, is kept as it is.
 */
export function decideAgentStop(
  rec: TaskRecord,
  before: Task,
  containers: readonly Container[],
  facts: { reason?: string },
): { stopCode: StopCode; reason: string } {
  const ranBefore = new Set((before.containers ?? []).filter((c) => c.lastStatus === 'RUNNING').map((c) => c.name));
  const essential = (name: string | undefined) => !rec.essentialContainers || rec.essentialContainers.includes(name ?? '');
  const started = before.startedAt !== undefined;
  if (!started) {
    const failed = containers.find((c) => c.lastStatus === 'STOPPED' && c.exitCode === undefined && !ranBefore.has(c.name) && c.reason);
    if (failed) return { stopCode: 'TaskFailedToStart', reason: facts.reason ?? failed.reason! };
  }
  const exited = containers.find(
    (c) => c.lastStatus === 'STOPPED' && essential(c.name) && (c.exitCode !== undefined || ranBefore.has(c.name)),
  );
  if (exited || started) return { stopCode: 'EssentialContainerExited', reason: facts.reason ?? REASONS.essentialExited };
  return { stopCode: 'TaskFailedToStart', reason: facts.reason ?? REASONS.failedToStart };
}
