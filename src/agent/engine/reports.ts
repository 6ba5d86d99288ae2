// Builds the reports the engine sends from its state, through the one status map in status.ts.
import type { ContainerReport, TaskReport } from './reporter.js';
import { withRanges } from './portRanges.js';
import { apiStatus, type HealthStatus } from './status.js';
import type { ContainerState, TaskState } from './state.js';

export function containerReport(ts: TaskState, c: ContainerState): ContainerReport {
  const r: ContainerReport = {
    taskArn: ts.task.taskArn,
    containerName: c.name,
    containerArn: c.containerArn,
    status: apiStatus(c.known),
    networkBindings: withRanges(c.bindings, c.definition),
    healthStatus: c.definition.healthCheck ? c.health : 'UNKNOWN',
  };
  if (c.runtimeId) r.runtimeId = c.runtimeId;
  const digest = c.digest && c.digestOf === c.imageId ? c.digest : c.imageId;
  if (digest) r.imageDigest = digest;
  if (c.exitCode !== undefined) r.exitCode = c.exitCode;
  if (c.reason) r.reason = c.reason;
  return r;
}

export function taskReport(ts: TaskState, health: HealthStatus): TaskReport {
  const stopped = apiStatus(ts.known) === 'STOPPED';
  const r: TaskReport = {
    taskArn: ts.task.taskArn,
    status: apiStatus(ts.known),
    healthStatus: health,
    containers: ts.containers.filter((c) => !c.internal).map((c) => containerReport(ts, c)),
    attachments: ts.task.networkMode === 'awsvpc' && ts.task.attachmentId
      ? [{ attachmentArn: ts.task.attachmentId, status: stopped ? 'DETACHED' : 'ATTACHED', privateIPv4Address: ts.task.privateIPv4Address }]
      : [],
  };
  if (stopped && ts.stoppedReason) r.reason = ts.stoppedReason;
  if (stopped && ts.stopCode) r.stopCode = ts.stopCode;
  if (ts.pullStartedAt) r.pullStartedAt = ts.pullStartedAt;
  if (ts.pullStoppedAt) r.pullStoppedAt = ts.pullStoppedAt;
  if (ts.executionStoppedAt) r.executionStoppedAt = ts.executionStoppedAt;
  return r;
}
