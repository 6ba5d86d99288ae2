// Prepared service views for one-pass tests of the decision functions: no store, no timers.
import type { Deployment } from '@aws-sdk/client-ecs';
import type { ServiceRecord } from '../../domain/service.js';
import type { TaskRecord } from '../../domain/task.js';
import type { ServiceView, TaskView } from './view.js';

export const NOW = new Date('2025-01-01T00:00:00Z');

export function dep(id: string, extra: Partial<Deployment> = {}): Deployment {
  return { id, status: 'PRIMARY', taskDefinition: `td:${id}`, rolloutState: 'IN_PROGRESS', failedTasks: 0, ...extra };
}

export function service(desired: number, deployments: Deployment[], extra: Partial<ServiceRecord['service']> = {}): ServiceRecord {
  return {
    clusterName: 'c',
    service: {
      serviceName: 'web',
      status: 'ACTIVE',
      desiredCount: desired,
      schedulingStrategy: 'REPLICA',
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      ...extra,
    },
    deployments,
    events: [],
    protection: {},
    steady: false,
  };
}

let n = 0;
export function task(deploymentId: string, status: 'PENDING' | 'RUNNING' | 'STOPPED', extra: Partial<TaskView> = {}, t: Partial<TaskRecord['task']> = {}): TaskView {
  const id = `t${++n}`;
  const running = status === 'RUNNING';
  return {
    id: `c/${id}`,
    taskId: id,
    rec: {
      task: { lastStatus: status, desiredStatus: status === 'STOPPED' ? 'STOPPED' : 'RUNNING', startedBy: deploymentId, startedAt: running ? NOW : undefined, ...t },
      clusterName: 'c',
      hostPorts: {},
    },
    deploymentId,
    live: status !== 'STOPPED',
    wanted: status !== 'STOPPED',
    healthy: running,
    unhealthy: false,
    instanceKey: extra.instanceKey ?? 'c/i1',
    az: extra.az ?? 'a',
    draining: false,
    protected: false,
    ...extra,
  };
}

export const view = (rec: ServiceRecord, tasks: TaskView[], now = NOW): ServiceView => ({ id: 'c/web', rec, tasks, now });
