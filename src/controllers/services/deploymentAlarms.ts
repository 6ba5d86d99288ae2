// Deployment alarms (deploymentConfiguration.alarms), pure: while the PRIMARY deployment is IN_PROGRESS (a rolling
// update, or a traffic-shifting one up to the end of its bake), any named CloudWatch alarm in ALARM fails it; with
// `rollback`, the last COMPLETED deployment becomes PRIMARY again: the same deployment when its tasks still run (blue
// during a bake, old tasks during a rolling update), so traffic goes back at once, else a new deployment of it.
import type { Deployment } from '@aws-sdk/client-ecs';
import { RolloutReasons, ServiceEvents } from '../../domain/deployment.js';
import type { ServiceRecord } from '../../domain/service.js';
import { addEvent } from './events.js';
import { rollBackTo } from './rollback.js';

/** An alarm's state by name (CloudWatch's StateValue), undefined for an alarm that does not exist. */
export type AlarmStateOf = (name: string) => string | undefined;

const rollingBack = (d: Deployment) => /rolling back/.test(d.rolloutStateReason ?? '');

export function applyDeploymentAlarms(rec: ServiceRecord, now: Date, alarmState: AlarmStateOf | undefined): ServiceRecord {
  const cfg = rec.service.deploymentConfiguration?.alarms;
  const primary = rec.deployments[0];
  if (!alarmState || !cfg?.enable || !primary || primary.rolloutState !== 'IN_PROGRESS' || rollingBack(primary)) return rec;
  const firing = (cfg.alarmNames ?? []).filter((n) => alarmState(n) === 'ALARM');
  if (firing.length === 0) return rec;
  const name = rec.service.serviceName!;
  const failed: Deployment = { ...primary, rolloutState: 'FAILED', rolloutStateReason: RolloutReasons.alarmsFailed(firing), updatedAt: now };
  let out = addEvent({ ...rec, deployments: [failed, ...rec.deployments.slice(1)] }, ServiceEvents.deploymentAlarmFailed(name, primary.id!), now);
  const target = out.lastCompleted;
  if (!cfg.rollback || !target || target.id === primary.id) return out;
  return rollBackTo(out, target, RolloutReasons.rollingBackOnAlarm(target.id!), now, true);
}
