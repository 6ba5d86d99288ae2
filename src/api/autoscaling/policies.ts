// Why this exists: scaling policies: PutScalingPolicy (target tracking creates or replaces its two alarms; step
// scaling waits for the caller's alarms to name its ARN), DescribeScalingPolicies, DeleteScalingPolicy.
import type {
  DeleteScalingPolicyRequest, DescribeScalingPoliciesRequest, DescribeScalingPoliciesResponse, PutScalingPolicyRequest,
  PutScalingPolicyResponse, ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import { randomUUID } from 'node:crypto';
import { ObjectNotFound, ValidationError } from '../../domain/errors.js';
import type { ScalingEngine } from '../../autoscaling/engine.js';
import type { PolicyRecord } from '../../autoscaling/tables.js';
import { trackingAlarms } from '../../autoscaling/trackingAlarms.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import { pageOf } from '../cloudwatch/paging.js';
import { pageSize } from './pageSize.js';
import { checkEcsTarget, notFound } from './targets.js';

export function policyOperations(e: ScalingEngine, metricPeriodSeconds: number) {
  const { cache, tables } = e.opts;
  const alarms = e.opts.alarms.alarms;
  const present = (p: PolicyRecord): ScalingPolicy => p as unknown as ScalingPolicy;
  return {
    async PutScalingPolicy(input: PutScalingPolicyRequest, ctx: RequestContext): Promise<PutScalingPolicyResponse> {
      const tid = checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, input.ResourceId);
      const type = input.PolicyType ?? 'StepScaling';
      if (type !== 'TargetTrackingScaling' && type !== 'StepScaling') throw new ValidationError(`Unsupported policy type ${type} for ECS.`);
      if (type === 'TargetTrackingScaling' && !input.TargetTrackingScalingPolicyConfiguration) throw new ValidationError('TargetTrackingScalingPolicyConfiguration is required for TargetTrackingScaling.');
      if (type === 'StepScaling' && !input.StepScalingPolicyConfiguration) throw new ValidationError('StepScalingPolicyConfiguration is required for StepScaling.');
      const id = `${tid}|${input.PolicyName}`;
      const rec = await cache.update(() => {
        if (!tables.targets.get(tid)) notFound(input.ResourceId);
        const row = tables.policies.get(id);
        const arn = row?.value.PolicyARN ?? `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:scalingPolicy:${randomUUID()}:resource/ecs/${input.ResourceId}:policyName/${input.PolicyName}`;
        const p: PolicyRecord = {
          PolicyARN: arn,
          PolicyName: input.PolicyName!,
          ServiceNamespace: 'ecs',
          ResourceId: input.ResourceId!,
          ScalableDimension: input.ScalableDimension!,
          PolicyType: type,
          StepScalingPolicyConfiguration: type === 'StepScaling' ? (input.StepScalingPolicyConfiguration as PolicyRecord['StepScalingPolicyConfiguration']) : undefined,
          TargetTrackingScalingPolicyConfiguration: type === 'TargetTrackingScaling' ? (input.TargetTrackingScalingPolicyConfiguration as PolicyRecord['TargetTrackingScalingPolicyConfiguration']) : undefined,
          Alarms: [],
          CreationTime: row?.value.CreationTime ?? ctx.now,
        };
        const txn = new Txn();
        for (const a of row?.value.Alarms ?? []) if (alarms.get(a.AlarmName)) txn.delete(alarms, a.AlarmName);
        if (type === 'TargetTrackingScaling') {
          for (const a of trackingAlarms(p, metricPeriodSeconds, ctx.region, ctx.accountId, ctx.now)) {
            txn.put(alarms, a.AlarmName, a, 0);
            p.Alarms.push({ AlarmName: a.AlarmName, AlarmARN: a.AlarmArn });
          }
        } else {
          // Step policies list the alarms that name them (kept current at describe time).
          p.Alarms = row?.value.Alarms ?? [];
        }
        txn.put(tables.policies, id, p, row?.modRevision ?? 0);
        return { txn, result: p };
      });
      return { PolicyARN: rec.PolicyARN, Alarms: rec.Alarms };
    },

    DescribeScalingPolicies(input: DescribeScalingPoliciesRequest): DescribeScalingPoliciesResponse {
      checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, input.ResourceId);
      const names = input.PolicyNames?.length ? new Set(input.PolicyNames) : undefined;
      const found = [...tables.policies.values()]
        .map((r) => r.value)
        .filter((p) => (!input.ResourceId || p.ResourceId === input.ResourceId) && (!names || names.has(p.PolicyName)))
        .map((p) => (p.PolicyType === 'StepScaling' ? { ...p, Alarms: alarmsNaming(p.PolicyARN) } : p))
        .sort((a, b) => (a.PolicyName < b.PolicyName ? -1 : 1));
      const { page, next } = pageOf(found, input.NextToken, pageSize(input.MaxResults, 10), () => new ValidationError('Invalid NextToken'));
      return { ScalingPolicies: page.map(present), NextToken: next };
    },

    async DeleteScalingPolicy(input: DeleteScalingPolicyRequest): Promise<Record<string, never>> {
      const tid = checkEcsTarget(input.ServiceNamespace, input.ScalableDimension, input.ResourceId);
      await cache.update(() => {
        const row = tables.policies.get(`${tid}|${input.PolicyName}`);
        if (!row) throw new ObjectNotFound(`No scaling policy found for service namespace: ecs, resource ID: ${input.ResourceId}, scalable dimension: ecs:service:DesiredCount, policy name: ${input.PolicyName}`);
        const txn = new Txn().delete(tables.policies, row.id, row.modRevision);
        for (const a of alarms.byIndex('owner', row.value.PolicyARN)) txn.delete(alarms, a.id);
        return { txn, result: undefined };
      });
      return {};
    },
  };

  function alarmsNaming(arn: string) {
    return [...alarms.values()].filter((a) => a.value.AlarmActions.includes(arn) || a.value.OKActions.includes(arn)).map((a) => ({ AlarmName: a.value.AlarmName, AlarmARN: a.value.AlarmArn }));
  }
}
