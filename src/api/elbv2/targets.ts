// Targets: register, deregister (draining for the deregistration delay) and DescribeTargetHealth, whose states and
// reason codes come from the health checker's book.
import type {
  DeregisterTargetsInput, DescribeTargetHealthInput, DescribeTargetHealthOutput, RegisterTargetsInput, TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { targetKey, type TargetGroupRecord, type TargetRecord } from '../../lb/tables.js';
import { markDraining, registerTargets } from '../../lb/targets.js';
import type { RequestContext } from '../../gateway/service.js';
import type { ElbContext } from './context.js';

export function targetOperations(elb: ElbContext) {
  const { tables } = elb;
  const describe = (tg: TargetGroupRecord, id: string, port: number, t: TargetRecord | undefined, inUse: boolean): TargetHealthDescription => {
    const h = elb.deps.health.describe(tg, t, inUse);
    return {
      Target: { Id: id, Port: port, ...(t?.availabilityZone ? { AvailabilityZone: t.availabilityZone } : {}) },
      HealthCheckPort: tg.healthCheck.port === 'traffic-port' ? String(port) : tg.healthCheck.port,
      TargetHealth: h as TargetHealthDescription['TargetHealth'],
    };
  };
  return {
    async RegisterTargets(input: RegisterTargetsInput, ctx: RequestContext): Promise<object> {
      await registerTargets(elb.cache, tables, input.TargetGroupArn!, input.Targets ?? [], ctx.now);
      return {};
    },

    async DeregisterTargets(input: DeregisterTargetsInput, ctx: RequestContext): Promise<object> {
      await markDraining(elb.cache, tables, input.TargetGroupArn!, input.Targets ?? [], ctx.now);
      return {};
    },

    DescribeTargetHealth(input: DescribeTargetHealthInput): DescribeTargetHealthOutput {
      const tg = elb.targetGroup(input.TargetGroupArn).value;
      const inUse = elb.usedBy(tg.arn);
      if (input.Targets?.length) {
        return {
          TargetHealthDescriptions: input.Targets.map((t) => {
            const port = t.Port ?? tg.port;
            return describe(tg, t.Id!, port, tables.targets.get(targetKey(tg, t.Id!, port))?.value, inUse);
          }),
        };
      }
      const rows = [...tables.targets.byIndex('group', tg.arn)].sort((a, b) => (a.id < b.id ? -1 : 1));
      return { TargetHealthDescriptions: rows.map((r) => describe(tg, r.value.targetId, r.value.port, r.value, inUse)) };
    },
  };
}
