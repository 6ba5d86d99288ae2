// Why this exists: scheduled actions (at, rate, cron with a time zone) and the scaling activities log.
import type {
  DeleteScheduledActionRequest, DescribeScalingActivitiesRequest, DescribeScalingActivitiesResponse,
  DescribeScheduledActionsRequest, DescribeScheduledActionsResponse, PutScheduledActionRequest, ScalingActivity,
  ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import { ObjectNotFound, ValidationError } from '../../domain/errors.js';
import type { ScalingEngine } from '../../autoscaling/engine.js';
import { parseSchedule } from '../../autoscaling/schedule.js';
import type { ScheduledRecord } from '../../autoscaling/tables.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import { pageOf } from '../cloudwatch/paging.js';
import { pageSize } from './pageSize.js';
import { checkEcsTarget, notFound } from './targets.js';

export function scheduledOperations(e: ScalingEngine) {
  const { cache, tables } = e.opts;
  const badToken = () => new ValidationError('Invalid NextToken');
  return {
    async PutScheduledAction(input: PutScheduledActionRequest, ctx: RequestContext): Promise<Record<string, never>> {
      const tid = checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, input.ResourceId);
      const id = `${tid}|${input.ScheduledActionName}`;
      if (input.Timezone) {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: input.Timezone });
        } catch {
          throw new ValidationError(`Invalid Timezone ${input.Timezone}`);
        }
      }
      await cache.update(() => {
        if (!tables.targets.get(tid)) notFound(input.ResourceId);
        const row = tables.scheduled.get(id);
        const schedule = input.Schedule ?? row?.value.Schedule;
        if (!schedule) throw new ValidationError('Schedule is required for a new scheduled action.');
        parseSchedule(schedule);
        const rec: ScheduledRecord = {
          ScheduledActionName: input.ScheduledActionName!,
          ScheduledActionARN: row?.value.ScheduledActionARN ?? `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:scheduledAction:${crypto.randomUUID()}:resource/ecs/${input.ResourceId}:scheduledActionName/${input.ScheduledActionName}`,
          ServiceNamespace: 'ecs',
          Schedule: schedule,
          Timezone: input.Timezone ?? row?.value.Timezone,
          ResourceId: input.ResourceId!,
          ScalableDimension: input.ScalableDimension!,
          StartTime: input.StartTime ? new Date(input.StartTime) : row?.value.StartTime,
          EndTime: input.EndTime ? new Date(input.EndTime) : row?.value.EndTime,
          ScalableTargetAction: input.ScalableTargetAction ?? row?.value.ScalableTargetAction,
          CreationTime: row?.value.CreationTime ?? ctx.now,
          checkedUntil: row?.value.checkedUntil ?? ctx.now,
        };
        return { txn: new Txn().put(tables.scheduled, id, rec, row?.modRevision ?? 0), result: undefined };
      });
      return {};
    },

    DescribeScheduledActions(input: DescribeScheduledActionsRequest): DescribeScheduledActionsResponse {
      checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, input.ResourceId);
      const names = input.ScheduledActionNames?.length ? new Set(input.ScheduledActionNames) : undefined;
      const found = [...tables.scheduled.values()]
        .map((r) => r.value)
        .filter((s) => (!input.ResourceId || s.ResourceId === input.ResourceId) && (!names || names.has(s.ScheduledActionName)))
        .sort((a, b) => (a.ScheduledActionName < b.ScheduledActionName ? -1 : 1));
      const { page, next } = pageOf(found, input.NextToken, pageSize(input.MaxResults, 50), badToken);
      return { ScheduledActions: page.map(({ checkedUntil: _c, ...s }) => s as ScheduledAction), NextToken: next };
    },

    async DeleteScheduledAction(input: DeleteScheduledActionRequest): Promise<Record<string, never>> {
      const tid = checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, input.ResourceId);
      await cache.update(() => {
        const row = tables.scheduled.get(`${tid}|${input.ScheduledActionName}`);
        if (!row) throw new ObjectNotFound(`No scheduled action found for service namespace: ecs, resource ID: ${input.ResourceId}, scalable dimension: ecs:service:DesiredCount, scheduled action name: ${input.ScheduledActionName}`);
        return { txn: new Txn().delete(tables.scheduled, row.id, row.modRevision), result: undefined };
      });
      return {};
    },

    DescribeScalingActivities(input: DescribeScalingActivitiesRequest): DescribeScalingActivitiesResponse {
      checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, input.ResourceId);
      const found = [...tables.activities.values()]
        .filter((r) => !input.ResourceId || r.value.ResourceId === input.ResourceId)
        .sort((a, b) => (a.id < b.id ? 1 : -1))
        .map((r) => r.value as ScalingActivity);
      const { page, next } = pageOf(found, input.NextToken, pageSize(input.MaxResults, 50), badToken);
      return { ScalingActivities: page, NextToken: next };
    },
  };
}
