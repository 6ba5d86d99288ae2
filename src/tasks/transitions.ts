// The one owner of task status changes: every move of lastStatus (agent reports, StopTask, host loss, the
// lifecycle controller) goes through these functions, which keep the instance's reservation and counts in step
// and refuse to go backwards.
import type { Container, Task } from '@aws-sdk/client-ecs';
import { InvalidParameter } from '../domain/errors.js';
import { isForward, isPending, statusRank, type TaskRecord } from '../domain/task.js';
import { promote, release } from '../placement/resources.js';
import { Txn, type Row } from '../store/cache.js';
import type { Tables } from '../state/tables.js';

/** How long STOPPED tasks stay describable (ECS: at least an hour). */
export const DEFAULT_STOPPED_RETENTION_MS = 3600_000;

export interface TransitionOptions {
  now: Date;
  stoppedRetentionMs?: number;
}

/**
 * Writes `next` as the task's new state into txn. Moving into STOPPED (or DEPROVISIONING) gives the reservation
 * back to the instance; moving from pending to running moves the instance's counts.
 */
export function writeTask(tables: Tables, txn: Txn, row: Row<TaskRecord>, next: Task, opts: TransitionOptions): TaskRecord {
  const prev = row.value;
  if (!isForward(prev.task.lastStatus, next.lastStatus ?? 'PROVISIONING')) {
    throw new InvalidParameter(`Task status cannot move from ${prev.task.lastStatus} to ${next.lastStatus}.`);
  }
  let rec: TaskRecord = { ...prev, task: { ...next, version: (prev.task.version ?? 0) + 1 } };
  const freeing = statusRank(next.lastStatus) >= statusRank('DEPROVISIONING') && prev.reservation;
  const promoting = isPending(prev.task) && !isPending(next) && !freeing;
  if ((freeing || promoting) && prev.instanceKey) {
    const ci = tables.containerInstances.get(prev.instanceKey);
    if (ci) {
      const updated = freeing ? release(ci.value, prev.reservation!, isPending(prev.task)) : promote(ci.value);
      txn.put(tables.containerInstances, ci.id, updated, ci.modRevision);
    }
  }
  if (freeing) rec = { ...rec, reservation: undefined };
  if (next.lastStatus === 'STOPPED') {
    rec = { ...rec, expiresAt: new Date(opts.now.getTime() + (opts.stoppedRetentionMs ?? DEFAULT_STOPPED_RETENTION_MS)) };
  }
  txn.put(tables.tasks, row.id, rec, row.modRevision);
  return rec;
}

/** The task after its containers changed: health follows the essential containers. */
export function withContainers(task: Task, containers: Container[]): Task {
  return { ...task, containers, healthStatus: taskHealth(containers) };
}

function taskHealth(containers: readonly Container[]): Task['healthStatus'] {
  const states = containers.map((c) => c.healthStatus ?? 'UNKNOWN');
  if (states.includes('UNHEALTHY')) return 'UNHEALTHY';
  if (states.length > 0 && states.every((s) => s === 'HEALTHY')) return 'HEALTHY';
  return 'UNKNOWN';
}

/** Marks a task STOPPED at once (a task that never reached an agent, or whose host is lost). */
export function stopNow(task: Task, reason: string, stopCode: Task['stopCode'], now: Date): Task {
  const neverStarted = isPending(task);
  return {
    ...task,
    desiredStatus: 'STOPPED',
    lastStatus: 'STOPPED',
    stopCode: task.stopCode ?? (neverStarted ? 'TaskFailedToStart' : stopCode),
    stoppedReason: task.stoppedReason ?? reason,
    stoppingAt: task.stoppingAt ?? now,
    stoppedAt: now,
    executionStoppedAt: task.executionStoppedAt ?? now,
    containers: (task.containers ?? []).map((c) =>
      c.lastStatus === 'STOPPED' ? c : { ...c, lastStatus: 'STOPPED', reason: c.reason ?? reason },
    ),
    attachments: (task.attachments ?? []).map((a) => ({ ...a, status: 'DELETED' })),
  };
}
