// The control plane's task machine: one pure function, next(task, event), decides every move of a task's status,
// its stop code and its stopped reason, and names what the move frees (the effects). Callers feed it events
// (api/ecs for agents and people, controllers for the scheduler, host loss, load balancers and retention) and
// commit what it returns through batch.ts; nothing else writes a task's status. The order of statuses and what
// DescribeTasks shows live in domain/task.ts; docs/architecture.md lists who feeds which event.
//
//   PROVISIONING --agent PENDING--> PENDING --agent ACTIVATING--> ACTIVATING --agent RUNNING--> RUNNING
//   (awsvpc, with its               (bridge, host and none                                        |
//    address claimed)                start here)                 stop-requested / scheduler-stop  |
//                                                                                                  v
//                   behind a load balancer: target-deregistered                 awsvpc or behind a load balancer:
//   STOPPING <-------------- otherwise: deactivated ------------------------------------- DEACTIVATING
//      |       (any other running task goes straight to STOPPING)
//      | agent STOPPED: reservation released
//      v
//   DEPROVISIONING (awsvpc) --deprovisioned: address released--> STOPPED --expired--> (deleted)
//   (the others go straight to STOPPED)
//
// From any status below STOPPED, agent STOPPED jumps ahead, and host-lost and launch-failed go to STOPPED at once,
// releasing what is still held (never back). desiredStatus turns STOPPED on the first stop of any kind and stays so.
// A STOPPED task always carries a stop code and a reason: the first decided wins, later events only add facts.
import type { Attachment, Container, Task } from '@aws-sdk/client-ecs';
import { isPending, statusRank, type Reservation, type TaskRecord } from '../domain/task.js';
import { decideAgentStop, mergeContainer, taskHealth } from './facts.js';
import { REASONS } from './reasons.js';

import type { ContainerFacts, StopCode } from './facts.js';
export type { ContainerFacts, StopCode };

/** What an agent reports for a whole task (SubmitTaskStateChange). */
export interface TaskFacts {
  status: 'PENDING' | 'ACTIVATING' | 'RUNNING' | 'STOPPED';
  reason?: string;
  containers: ContainerFacts[];
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  executionStoppedAt?: Date;
}

export type TaskEvent =
  /** The agent moved the task (SubmitTaskStateChange). */
  | { type: 'agent-task'; facts: TaskFacts }
  /** The agent moved one container (SubmitContainerStateChange). */
  | { type: 'agent-container'; facts: ContainerFacts }
  /** Attachment statuses by attachment id (SubmitAttachmentStateChanges). */
  | { type: 'agent-attachments'; statuses: Readonly<Record<string, string>> }
  /** Container health, by container name (the channel). */
  | { type: 'agent-health'; health: Readonly<Record<string, NonNullable<Container['healthStatus']>>> }
  /** StopTask. `deregisterFirst`: the task is behind a load balancer and leaves it before it stops. */
  | { type: 'stop-requested'; reason?: string; deregisterFirst: boolean }
  /** The service scheduler stops it (scale in, replacement, unhealthy, deployment). */
  | { type: 'scheduler-stop'; reason: string; deregisterFirst: boolean }
  /** FARGATE_SPOT capacity taken back: the task stops (SIGTERM, then SIGKILL after its stopTimeout, at most 120 s). */
  | { type: 'spot-interrupted'; deregisterFirst: boolean }
  /** Its instance's agent is gone past the grace period, or the instance was deregistered. */
  | { type: 'host-lost' }
  /** The control plane cannot honour its definition (e.g. a missing awslogs group). */
  | { type: 'launch-failed'; reason: string }
  /** The load balancer finished draining it (targetRegistration.ts). */
  | { type: 'target-deregistered' }
  /** Nothing to deregister: DEACTIVATING is done (taskLifecycle.ts). */
  | { type: 'deactivated' }
  /** awsvpc: its network interface is gone (taskLifecycle.ts). */
  | { type: 'deprovisioned' }
  /** STOPPED past its retention (taskLifecycle.ts). */
  | { type: 'expired' };

export type Effect =
  /** Give the reservation back to its instance; `wasPending` says which of the instance's counts it was in. */
  | { type: 'release-reservation'; reservation: Reservation; wasPending: boolean }
  /** The task moved from pending to running: the instance's counts follow. */
  | { type: 'promote'; instanceKey: string }
  /** Free the task's awsvpc address claim. */
  | { type: 'release-address'; address: string }
  /** Remove the record. */
  | { type: 'delete' };

export interface MachineContext {
  now: Date;
  /** How long a STOPPED task stays describable. */
  stoppedRetentionMs: number;
}

export type Outcome =
  | { ok: true; rec: TaskRecord; effects: Effect[]; changed: boolean }
  | { ok: false; refusal: string };

/** How long STOPPED tasks stay describable (ECS: at least an hour). */
export const DEFAULT_STOPPED_RETENTION_MS = 3600_000;

const unchanged = (rec: TaskRecord): Outcome => ({ ok: true, rec, effects: [], changed: false });
const refuse = (refusal: string): Outcome => ({ ok: false, refusal });

/** The one step function: the task after `event`, and what that frees. Pure. */
export function next(rec: TaskRecord, event: TaskEvent, ctx: MachineContext): Outcome {
  const t = rec.task;
  const stopped = t.lastStatus === 'STOPPED';
  switch (event.type) {
    case 'agent-container': {
      if (!t.containers?.some((c) => c.name === event.facts.containerName)) {
        return refuse(`The task has no container named ${event.facts.containerName}.`);
      }
      const containers = t.containers.map((c) => (c.name === event.facts.containerName ? mergeContainer(c, event.facts) : c));
      return settle(rec, withContainers(t, containers), ctx);
    }
    case 'agent-task':
      return agentTask(rec, event.facts, ctx);
    case 'agent-attachments': {
      const atts = t.attachments ?? [];
      if (!atts.some((a) => a.id !== undefined && event.statuses[a.id] !== undefined)) return unchanged(rec);
      const attachments = atts.map((a) => (a.id !== undefined && event.statuses[a.id] !== undefined ? { ...a, status: event.statuses[a.id] } : a));
      return settle(rec, { ...t, attachments }, ctx);
    }
    case 'agent-health': {
      const cur = t.containers ?? [];
      if (cur.every((c) => event.health[c.name!] === undefined || event.health[c.name!] === (c.healthStatus ?? 'UNKNOWN'))) {
        return unchanged(rec);
      }
      const containers = cur.map((c) => (event.health[c.name!] !== undefined ? { ...c, healthStatus: event.health[c.name!] } : c));
      return settle(rec, withContainers(t, containers), ctx);
    }
    case 'stop-requested':
    case 'scheduler-stop':
    case 'spot-interrupted': {
      if (t.desiredStatus === 'STOPPED' || stopped) return unchanged(rec);
      const user = event.type === 'stop-requested';
      const spot = event.type === 'spot-interrupted';
      // A running task behind a load balancer or with its own network interface deactivates first.
      const deactivate = statusRank(t.lastStatus) === statusRank('RUNNING') && (event.deregisterFirst || (t.attachments?.length ?? 0) > 0);
      const lastStatus = statusRank(t.lastStatus) === statusRank('RUNNING') ? (deactivate ? 'DEACTIVATING' : 'STOPPING') : t.lastStatus;
      const next: Task = {
        ...t,
        desiredStatus: 'STOPPED',
        stopCode: spot ? 'SpotInterruption' : user ? 'UserInitiated' : 'ServiceSchedulerInitiated',
        stoppedReason: spot ? REASONS.spotInterrupted : user ? (event.reason ?? REASONS.userStop) : event.reason,
        stoppingAt: ctx.now,
        lastStatus,
      };
      return settle({ ...rec, awaitsDeregistration: deactivate && event.deregisterFirst ? true : undefined }, next, ctx);
    }
    case 'host-lost':
      if (stopped) return unchanged(rec);
      return settle(rec, stopNow(t, REASONS.hostLost, ctx.now), ctx);
    case 'launch-failed':
      if (stopped) return unchanged(rec);
      return settle(rec, stopNow(t, event.reason, ctx.now), ctx);
    case 'target-deregistered':
      if (t.lastStatus !== 'DEACTIVATING') return unchanged(rec);
      return settle({ ...rec, awaitsDeregistration: undefined }, { ...t, lastStatus: 'STOPPING' }, ctx);
    case 'deactivated':
      // A task behind a load balancer leaves DEACTIVATING only when the load balancer is done with it.
      if (t.lastStatus !== 'DEACTIVATING' || rec.awaitsDeregistration) return unchanged(rec);
      return settle(rec, { ...t, lastStatus: 'STOPPING' }, ctx);
    case 'deprovisioned':
      if (t.lastStatus !== 'DEPROVISIONING') return unchanged(rec);
      return settle(rec, { ...t, lastStatus: 'STOPPED', stoppedAt: ctx.now, attachments: deleted(t.attachments) }, ctx);
    case 'expired':
      if (!stopped || !rec.expiresAt || rec.expiresAt > ctx.now) return unchanged(rec);
      return { ok: true, rec, effects: [{ type: 'delete' }], changed: true };
  }
}

function agentTask(rec: TaskRecord, facts: TaskFacts, ctx: MachineContext): Outcome {
  const t = rec.task;
  const byName = new Map(facts.containers.map((c) => [c.containerName, c]));
  const containers = (t.containers ?? []).map((c) => {
    const f = byName.get(c.name ?? '');
    return f ? mergeContainer(c, f) : c;
  });
  const next: Task = withContainers(t, containers);
  if (facts.pullStartedAt) next.pullStartedAt = facts.pullStartedAt;
  if (facts.pullStoppedAt) next.pullStoppedAt = facts.pullStoppedAt;
  if (facts.executionStoppedAt) next.executionStoppedAt = facts.executionStoppedAt;
  const behind = facts.status !== 'STOPPED' && statusRank(facts.status) < statusRank(t.lastStatus);
  if (behind) {
    // The agent going back is refused; a report the control plane has moved past on its own (a stop) only adds facts.
    if (t.desiredStatus !== 'STOPPED') return refuse(`Task status cannot move from ${t.lastStatus} back to ${facts.status}.`);
    return settle(rec, next, ctx);
  }
  const awsvpc = (t.attachments ?? []).some((a) => a.type === 'ElasticNetworkInterface');
  switch (facts.status) {
    case 'PENDING':
    case 'ACTIVATING':
      if (t.lastStatus === 'PROVISIONING') next.lastStatus = 'PENDING';
      if (facts.status === 'ACTIVATING') next.lastStatus = 'ACTIVATING';
      next.attachments = attach(next.attachments);
      break;
    case 'RUNNING':
      next.lastStatus = 'RUNNING';
      next.startedAt = t.startedAt ?? ctx.now;
      next.connectivity = 'CONNECTED';
      next.connectivityAt = t.connectivityAt ?? ctx.now;
      next.attachments = attach(next.attachments);
      break;
    case 'STOPPED': {
      if (statusRank(t.lastStatus) >= statusRank('DEPROVISIONING')) break; // already stopped: facts only
      const decided = decideAgentStop(rec, t, containers, facts);
      next.desiredStatus = 'STOPPED';
      next.lastStatus = awsvpc ? 'DEPROVISIONING' : 'STOPPED';
      next.stoppingAt = t.stoppingAt ?? ctx.now;
      next.executionStoppedAt = facts.executionStoppedAt ?? t.executionStoppedAt ?? ctx.now;
      if (!awsvpc) {
        next.stoppedAt = ctx.now;
        next.attachments = deleted(next.attachments);
      }
      next.stopCode = t.stopCode ?? decided.stopCode;
      next.stoppedReason = t.stoppedReason ?? decided.reason;
      next.connectivity = undefined;
      break;
    }
  }
  return settle(rec, next, ctx);
}

/**
 * The record after its task became `next`: checks the order, bumps the version, and names the effects of the move
 * (a reservation is released once, on the first move to DEPROVISIONING or later; the address on reaching STOPPED).
 */
function settle(rec: TaskRecord, next: Task, ctx: MachineContext): Outcome {
  const prev = rec.task;
  if (statusRank(next.lastStatus) < statusRank(prev.lastStatus)) {
    return refuse(`Task status cannot move from ${prev.lastStatus} to ${next.lastStatus}.`);
  }
  const effects: Effect[] = [];
  let out: TaskRecord = { ...rec, task: { ...next, version: (prev.version ?? 0) + 1 } };
  const freeing = statusRank(next.lastStatus) >= statusRank('DEPROVISIONING') && rec.reservation !== undefined;
  if (freeing) {
    effects.push({ type: 'release-reservation', reservation: rec.reservation!, wasPending: isPending(prev) });
    out = { ...out, reservation: undefined };
  } else if (isPending(prev) && !isPending(next) && rec.instanceKey && rec.reservation) {
    effects.push({ type: 'promote', instanceKey: rec.instanceKey });
  }
  if (next.lastStatus === 'STOPPED' && prev.lastStatus !== 'STOPPED') {
    if (rec.privateIPv4Address) effects.push({ type: 'release-address', address: rec.privateIPv4Address });
    out = { ...out, awaitsDeregistration: undefined, expiresAt: new Date(ctx.now.getTime() + ctx.stoppedRetentionMs) };
  }
  return { ok: true, rec: out, effects, changed: true };
}

/** The task stopped at once by the control plane itself (its host is gone, or it cannot be launched). */
function stopNow(task: Task, reason: string, now: Date): Task {
  return {
    ...task,
    desiredStatus: 'STOPPED',
    lastStatus: 'STOPPED',
    // Host loss and launch failures are the platform's failures: counted as failed starts, as the circuit breaker
    // expects, whichever status the task had reached.
    stopCode: task.stopCode ?? 'TaskFailedToStart',
    stoppedReason: task.stoppedReason ?? reason,
    stoppingAt: task.stoppingAt ?? now,
    stoppedAt: now,
    executionStoppedAt: task.executionStoppedAt ?? now,
    connectivity: undefined,
    containers: (task.containers ?? []).map((c) =>
      c.lastStatus === 'STOPPED' ? c : { ...c, lastStatus: 'STOPPED', reason: c.reason ?? reason },
    ),
    attachments: deleted(task.attachments),
  };
}

/** The task after its containers changed: health follows them. */
function withContainers(task: Task, containers: Container[]): Task {
  return { ...task, containers, healthStatus: taskHealth(containers) };
}

function attach(attachments: Attachment[] | undefined): Attachment[] | undefined {
  return attachments?.map((a) => (a.status === 'PRECREATED' || a.status === 'ATTACHING' ? { ...a, status: 'ATTACHED' } : a));
}

function deleted(attachments: Attachment[] | undefined): Attachment[] {
  return (attachments ?? []).map((a) => ({ ...a, status: 'DELETED' }));
}
