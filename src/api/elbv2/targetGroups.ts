// Target groups: create (HTTP, instance or ip targets, health check settings with AWS's defaults), modify, describe,
// delete (refused while a listener or rule forwards to it), and their attributes.
import type {
  CreateTargetGroupInput, CreateTargetGroupOutput, DeleteTargetGroupInput, DescribeTargetGroupAttributesInput,
  DescribeTargetGroupAttributesOutput, DescribeTargetGroupsInput, DescribeTargetGroupsOutput, ModifyTargetGroupAttributesInput,
  ModifyTargetGroupAttributesOutput, ModifyTargetGroupInput, ModifyTargetGroupOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DuplicateTargetGroupName, ElbResourceInUse, ElbValidationError, TargetGroupNotFound, UnsupportedProtocol,
} from '../../domain/errors.js';
import type { RequestContext } from '../../gateway/service.js';
import { applyAttributes, attributeList, TG_ATTRIBUTE_DEFAULTS } from '../../lb/attributes.js';
import { first, type HealthCheckSettings, type TargetGroupRecord } from '../../lb/tables.js';
import { Txn } from '../../store/cache.js';
import { checkNewTags, type ElbContext, newId, page } from './context.js';
import { presentTargetGroup } from './present.js';

const NAME = /^(?!-)[A-Za-z0-9-]{1,32}(?<!-)$/;
const MATCHER = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

type HealthInput = Pick<CreateTargetGroupInput, 'HealthCheckProtocol' | 'HealthCheckPort' | 'HealthCheckEnabled' | 'HealthCheckPath' |
  'HealthCheckIntervalSeconds' | 'HealthCheckTimeoutSeconds' | 'HealthyThresholdCount' | 'UnhealthyThresholdCount' | 'Matcher'>;

/** Health check settings from input over a base (AWS's defaults for HTTP on create; the current ones on modify). */
export function healthSettings(input: HealthInput, base?: HealthCheckSettings): HealthCheckSettings {
  const hc: HealthCheckSettings = {
    enabled: input.HealthCheckEnabled ?? base?.enabled ?? true,
    protocol: 'HTTP',
    port: input.HealthCheckPort ?? base?.port ?? 'traffic-port',
    path: input.HealthCheckPath ?? base?.path ?? '/',
    intervalSeconds: input.HealthCheckIntervalSeconds ?? base?.intervalSeconds ?? 30,
    timeoutSeconds: input.HealthCheckTimeoutSeconds ?? base?.timeoutSeconds ?? 5,
    healthyThreshold: input.HealthyThresholdCount ?? base?.healthyThreshold ?? 5,
    unhealthyThreshold: input.UnhealthyThresholdCount ?? base?.unhealthyThreshold ?? 2,
    matcher: input.Matcher?.HttpCode ?? base?.matcher ?? '200',
  };
  if (input.HealthCheckProtocol && input.HealthCheckProtocol !== 'HTTP') {
    throw new UnsupportedProtocol(`Wharf health checks speak HTTP only, not '${input.HealthCheckProtocol}'`);
  }
  if (hc.port !== 'traffic-port' && !(/^\d+$/.test(hc.port) && +hc.port >= 1 && +hc.port <= 65535)) {
    throw new ElbValidationError(`Health check port '${hc.port}' must be 'traffic-port' or a port number`);
  }
  if (!hc.path.startsWith('/')) throw new ElbValidationError('Health check path must begin with a \'/\' character');
  if (hc.timeoutSeconds >= hc.intervalSeconds) {
    throw new ElbValidationError(`Health check timeout '${hc.timeoutSeconds}' must be smaller than the interval '${hc.intervalSeconds}'`);
  }
  if (!MATCHER.test(hc.matcher)) throw new ElbValidationError(`Health check matcher HTTP code '${hc.matcher}' must be within '200-499'`);
  return hc;
}

export function targetGroupOperations(elb: ElbContext) {
  const { tables } = elb;
  const show = (tg: TargetGroupRecord) => presentTargetGroup(tg, elb.loadBalancersOf(tg.arn));
  return {
    async CreateTargetGroup(input: CreateTargetGroupInput, ctx: RequestContext): Promise<CreateTargetGroupOutput> {
      const name = input.Name!;
      if (!NAME.test(name)) throw new ElbValidationError(`Target group name '${name}' can have at most 32 alphanumeric characters or hyphens and cannot begin or end with a hyphen`);
      const targetType = input.TargetType ?? 'instance';
      if (targetType !== 'instance' && targetType !== 'ip') throw new ElbValidationError(`Wharf supports target types 'instance' and 'ip', not '${targetType}'`);
      if ((input.Protocol ?? 'HTTP') !== 'HTTP') throw new UnsupportedProtocol(`Wharf target groups speak HTTP only, not '${input.Protocol}'`);
      if (!input.Protocol) throw new ElbValidationError('A protocol must be specified');
      if (input.Port === undefined) throw new ElbValidationError('A port must be specified');
      const hc = healthSettings(input);
      const tags = checkNewTags(input.Tags);
      const id = newId();
      const rec: TargetGroupRecord = {
        arn: elb.arn(ctx.region, ctx.accountId, `targetgroup/${name}/${id}`), name, id, protocol: 'HTTP', protocolVersion: 'HTTP1',
        port: input.Port, vpcId: input.VpcId ?? 'vpc-wharf', targetType, healthCheck: hc,
        attributes: { ...TG_ATTRIBUTE_DEFAULTS }, tags, createdAt: ctx.now,
      };
      return elb.cache.update(() => {
        const existing = first(tables.targetGroups.byIndex('name', name))?.value;
        if (existing) {
          const same = existing.port === rec.port && existing.targetType === rec.targetType && JSON.stringify(existing.healthCheck) === JSON.stringify(hc);
          if (same) return { txn: new Txn(), result: { TargetGroups: [show(existing)] } };
          throw new DuplicateTargetGroupName(`A target group with the same name '${name}' exists, but with different settings`);
        }
        return { txn: new Txn().put(tables.targetGroups, id, rec, 0), result: { TargetGroups: [show(rec)] } };
      });
    },

    async ModifyTargetGroup(input: ModifyTargetGroupInput): Promise<ModifyTargetGroupOutput> {
      return elb.cache.update(() => {
        const row = elb.targetGroup(input.TargetGroupArn);
        const next = { ...row.value, healthCheck: healthSettings(input, row.value.healthCheck) };
        return { txn: new Txn().put(tables.targetGroups, row.id, next, row.modRevision), result: { TargetGroups: [show(next)] } };
      });
    },

    DescribeTargetGroups(input: DescribeTargetGroupsInput): DescribeTargetGroupsOutput {
      let all: TargetGroupRecord[];
      if (input.TargetGroupArns?.length) all = input.TargetGroupArns.map((a) => elb.targetGroup(a).value);
      else if (input.Names?.length) {
        all = input.Names.map((n) => {
          const row = first(tables.targetGroups.byIndex('name', n));
          if (!row) throw new TargetGroupNotFound(`One or more target groups not found`);
          return row.value;
        });
      } else all = [...tables.targetGroups.values()].map((r) => r.value).sort((a, b) => a.name.localeCompare(b.name));
      if (input.LoadBalancerArn) {
        const lbArn = elb.loadBalancer(input.LoadBalancerArn).value.arn;
        all = all.filter((tg) => elb.loadBalancersOf(tg.arn).includes(lbArn));
      }
      const p = page(all, input.Marker, input.PageSize);
      return { TargetGroups: p.items.map(show), NextMarker: p.next };
    },

    async DeleteTargetGroup(input: DeleteTargetGroupInput): Promise<object> {
      await elb.cache.update(() => {
        const row = first(tables.targetGroups.byIndex('arn', input.TargetGroupArn!));
        const txn = new Txn();
        if (!row) return { txn, result: undefined };
        if (elb.usedBy(row.value.arn)) throw new ElbResourceInUse(`Target group '${row.value.arn}' is currently in use by a listener or a rule`);
        txn.delete(tables.targetGroups, row.id, row.modRevision);
        for (const t of tables.targets.byIndex('group', row.value.arn)) txn.delete(tables.targets, t.id, t.modRevision);
        return { txn, result: undefined };
      });
      return {};
    },

    DescribeTargetGroupAttributes(input: DescribeTargetGroupAttributesInput): DescribeTargetGroupAttributesOutput {
      return { Attributes: attributeList(elb.targetGroup(input.TargetGroupArn).value.attributes) };
    },

    async ModifyTargetGroupAttributes(input: ModifyTargetGroupAttributesInput): Promise<ModifyTargetGroupAttributesOutput> {
      return elb.cache.update(() => {
        const row = elb.targetGroup(input.TargetGroupArn);
        const attributes = applyAttributes('target group', row.value.attributes, input.Attributes ?? []);
        return {
          txn: new Txn().put(tables.targetGroups, row.id, { ...row.value, attributes }, row.modRevision),
          result: { Attributes: attributeList(attributes) },
        };
      });
    },
  };
}
