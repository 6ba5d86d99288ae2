// Making the last COMPLETED deployment PRIMARY again (a circuit breaker's or an alarm's rollback): the same deployment
// when its tasks still run and `reuseLive` allows it (blue during a bake, so production returns to it at once), else
// a new deployment of its revision.
import type { Deployment } from '@aws-sdk/client-ecs';
import { newDeploymentId, ServiceEvents } from '../../domain/deployment.js';
import type { ServiceRecord } from '../../domain/service.js';
import { addEvent } from './events.js';

export function rollBackTo(rec: ServiceRecord, target: Deployment, reason: string, now: Date, reuseLive: boolean): ServiceRecord {
  const live = reuseLive ? rec.deployments.find((d) => d.id === target.id) : undefined;
  const back: Deployment = {
    ...(live ?? target),
    id: live ? target.id : newDeploymentId(),
    status: 'PRIMARY',
    desiredCount: rec.service.desiredCount,
    failedTasks: live?.failedTasks ?? 0,
    createdAt: live?.createdAt ?? now,
    updatedAt: now,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: reason,
  };
  const rest = rec.deployments.filter((d) => d.id !== back.id).map((d) => ({ ...d, status: 'ACTIVE' }));
  const out = { ...rec, service: { ...rec.service, taskDefinition: target.taskDefinition }, deployments: [back, ...rest] };
  return addEvent(out, ServiceEvents.rollingBack(rec.service.serviceName!, target.id!), now);
}
