// Why this exists: Application Auto Scaling's scalable targets for ECS services: register (create or update min,
// max and suspended state, then bring the service inside the bounds), describe, deregister (with its policies,
// their alarms and its scheduled actions).
import type {
  DeregisterScalableTargetRequest, DescribeScalableTargetsRequest, DescribeScalableTargetsResponse,
  RegisterScalableTargetRequest, RegisterScalableTargetResponse, ScalableTarget,
} from '@aws-sdk/client-application-auto-scaling';
import { randomUUID } from 'node:crypto';
import { ObjectNotFound, ValidationError } from '../../domain/errors.js';
import type { ScalingEngine } from '../../autoscaling/engine.js';
import { targetId, type TargetRecord } from '../../autoscaling/tables.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import { pageOf } from '../cloudwatch/paging.js';
import { pageSize } from './pageSize.js';

export function checkEcsTarget(ns: string | undefined, dim: string | undefined, resourceId: string | undefined): string {
  if (ns !== 'ecs') throw new ValidationError(`Wharf scales ECS services only; unsupported service namespace: ${ns}`);
  if (dim !== undefined && dim !== 'ecs:service:DesiredCount') throw new ValidationError(`Unsupported scalable dimension for ecs: ${dim}`);
  if (resourceId !== undefined && !/^service\/[^/]+\/[^/]+$/.test(resourceId)) throw new ValidationError(`Unsupported resource ID for ecs: ${resourceId}`);
  return targetId(ns, dim ?? 'ecs:service:DesiredCount', resourceId ?? '');
}

export function notFound(resourceId: string | undefined): never {
  throw new ObjectNotFound(`No scalable target registered for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ecs:service:DesiredCount`);
}

export const presentTarget = ({ ...t }: TargetRecord): ScalableTarget => t as ScalableTarget;

export function targetOperations(e: ScalingEngine) {
  const { cache, tables } = e.opts;
  return {
    async RegisterScalableTarget(input: RegisterScalableTargetRequest, ctx: RequestContext): Promise<RegisterScalableTargetResponse> {
      const id = checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, input.ResourceId);
      if (!(await e.opts.getService(input.ResourceId!))) throw new ValidationError(`ECS service doesn't exist: ${input.ResourceId}`);
      const next = await cache.update(() => {
        const row = tables.targets.get(id);
        const old = row?.value;
        if (!old && (input.MinCapacity === undefined || input.MaxCapacity === undefined)) {
          throw new ValidationError('MinCapacity and MaxCapacity are required to register a new scalable target.');
        }
        const rec: TargetRecord = {
          ServiceNamespace: 'ecs',
          ResourceId: input.ResourceId!,
          ScalableDimension: input.ScalableDimension!,
          MinCapacity: input.MinCapacity ?? old!.MinCapacity,
          MaxCapacity: input.MaxCapacity ?? old!.MaxCapacity,
          RoleARN: input.RoleARN ?? old?.RoleARN ?? `arn:aws:iam::${ctx.accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
          CreationTime: old?.CreationTime ?? ctx.now,
          SuspendedState: {
            DynamicScalingInSuspended: input.SuspendedState?.DynamicScalingInSuspended ?? old?.SuspendedState.DynamicScalingInSuspended ?? false,
            DynamicScalingOutSuspended: input.SuspendedState?.DynamicScalingOutSuspended ?? old?.SuspendedState.DynamicScalingOutSuspended ?? false,
            ScheduledScalingSuspended: input.SuspendedState?.ScheduledScalingSuspended ?? old?.SuspendedState.ScheduledScalingSuspended ?? false,
          },
          ScalableTargetARN: old?.ScalableTargetARN ?? `arn:aws:application-autoscaling:${ctx.region}:${ctx.accountId}:scalable-target/${randomUUID().replace(/-/g, '').slice(0, 28)}`,
        };
        if (rec.MinCapacity > rec.MaxCapacity) throw new ValidationError(`Minimum capacity cannot be greater than maximum capacity`);
        return { txn: new Txn().put(tables.targets, id, rec, row?.modRevision ?? 0), result: rec };
      });
      await e.serial(() => e.enforceBounds(next, `minimum and maximum capacity were set to ${next.MinCapacity} and ${next.MaxCapacity}`));
      return { ScalableTargetARN: next.ScalableTargetARN };
    },

    DescribeScalableTargets(input: DescribeScalableTargetsRequest): DescribeScalableTargetsResponse {
      checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, undefined);
      const ids = input.ResourceIds?.length ? new Set(input.ResourceIds) : undefined;
      const found = [...tables.targets.values()].map((r) => r.value).filter((t) => !ids || ids.has(t.ResourceId)).sort((a, b) => (a.ResourceId < b.ResourceId ? -1 : 1));
      const { page, next } = pageOf(found, input.NextToken, pageSize(input.MaxResults, 50), () => new ValidationError('Invalid NextToken'));
      return { ScalableTargets: page.map(presentTarget), NextToken: next };
    },

    async DeregisterScalableTarget(input: DeregisterScalableTargetRequest): Promise<Record<string, never>> {
      const id = checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, input.ResourceId);
      await cache.update(() => {
        const row = tables.targets.get(id);
        if (!row) notFound(input.ResourceId);
        const txn = new Txn().delete(tables.targets, id, row.modRevision);
        for (const p of tables.policies.byIndex('target', id)) {
          txn.delete(tables.policies, p.id);
          for (const a of p.value.Alarms) txn.delete(e.opts.alarms.alarms, a.AlarmName);
        }
        for (const s of tables.scheduled.byIndex('target', id)) txn.delete(tables.scheduled, s.id);
        return { txn, result: undefined };
      });
      return {};
    },
  };
}
