// Rule actions and conditions as ELBv2 checks them and shows them back: forward (one target group, or several with
// weights), fixed-response and redirect; path-pattern, host-header, http-header, query-string, http-request-method
// and source-ip. The shapes are stored as DescribeRules shows them (legacy Values beside the *Config forms).
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElbValidationError, InvalidLoadBalancerAction, TooManyActions } from '../../domain/errors.js';
import type { ElbContext } from './context.js';

const STATUS = /^[245]\d\d$/;

export function normalizeActions(elb: ElbContext, actions: readonly Action[] | undefined): Action[] {
  if (!actions?.length) throw new ElbValidationError('At least one action must be specified');
  if (actions.length > 1) throw new TooManyActions('Wharf supports one action per rule (forward, fixed-response or redirect)');
  return actions.map((a) => normalizeAction(elb, a));
}

function normalizeAction(elb: ElbContext, a: Action): Action {
  const order = a.Order !== undefined ? { Order: a.Order } : {};
  switch (a.Type) {
    case 'forward': {
      const groups = a.ForwardConfig?.TargetGroups?.length
        ? a.ForwardConfig.TargetGroups.map((g) => ({ TargetGroupArn: g.TargetGroupArn!, Weight: g.Weight ?? 1 }))
        : a.TargetGroupArn ? [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }] : [];
      if (!groups.length) throw new ElbValidationError('A target group ARN must be specified for a forward action');
      for (const g of groups) {
        elb.targetGroup(g.TargetGroupArn);
        if (g.Weight < 0 || g.Weight > 999) throw new ElbValidationError(`Target group weight '${g.Weight}' must be between 0 and 999`);
      }
      if (a.TargetGroupArn && groups.length > 1) throw new InvalidLoadBalancerAction('You cannot specify both a target group ARN and a forward config with several target groups');
      const stickiness = { Enabled: a.ForwardConfig?.TargetGroupStickinessConfig?.Enabled ?? false,
        ...(a.ForwardConfig?.TargetGroupStickinessConfig?.DurationSeconds ? { DurationSeconds: a.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds } : {}) };
      return {
        Type: 'forward', ...(groups.length === 1 ? { TargetGroupArn: groups[0]!.TargetGroupArn } : {}), ...order,
        ForwardConfig: { TargetGroups: groups, TargetGroupStickinessConfig: stickiness },
      };
    }
    case 'fixed-response': {
      const c = a.FixedResponseConfig;
      if (!c?.StatusCode || !STATUS.test(c.StatusCode)) throw new ElbValidationError('A fixed-response action needs a 2XX, 4XX or 5XX status code');
      if ((c.MessageBody ?? '').length > 1024) throw new ElbValidationError('A fixed-response message body can be at most 1024 characters');
      return { Type: 'fixed-response', ...order, FixedResponseConfig: { ...c } };
    }
    case 'redirect': {
      const c = a.RedirectConfig;
      if (!c?.StatusCode) throw new ElbValidationError('A redirect action needs a status code (HTTP_301 or HTTP_302)');
      const unchanged = (v: string | undefined, p: string) => v === undefined || v === p;
      if (unchanged(c.Protocol, '#{protocol}') && unchanged(c.Host, '#{host}') && unchanged(c.Port, '#{port}') &&
        unchanged(c.Path, '/#{path}') && unchanged(c.Query, '#{query}')) {
        throw new InvalidLoadBalancerAction('The redirect configuration is not valid: it redirects to itself');
      }
      return { Type: 'redirect', ...order, RedirectConfig: { Protocol: '#{protocol}', Port: '#{port}', Host: '#{host}', Path: '/#{path}', Query: '#{query}', ...c } };
    }
    default:
      throw new InvalidLoadBalancerAction(`Wharf does not support actions of type '${a.Type}'`);
  }
}

const ONCE = new Set(['path-pattern', 'host-header', 'http-request-method', 'source-ip']);

export function normalizeConditions(conditions: readonly RuleCondition[] | undefined): RuleCondition[] {
  if (!conditions?.length) throw new ElbValidationError('A rule must have at least one condition');
  const seen = new Set<string>();
  let values = 0;
  const out = conditions.map((c) => {
    const field = c.Field ?? '';
    if (ONCE.has(field) && seen.has(field)) throw new ElbValidationError(`A rule can have only one '${field}' condition`);
    seen.add(field);
    const n = normalizeCondition(c);
    values += countValues(n);
    return n;
  });
  if (values > 5) throw new ElbValidationError('A rule can have at most 5 condition values');
  return out;
}

function need<T>(xs: T[] | undefined, field: string): T[] {
  if (!xs?.length) throw new ElbValidationError(`A '${field}' condition must have at least one value`);
  return xs;
}

function normalizeCondition(c: RuleCondition): RuleCondition {
  switch (c.Field) {
    case 'path-pattern': {
      const Values = need(c.PathPatternConfig?.Values ?? c.Values, c.Field);
      return { Field: c.Field, Values, PathPatternConfig: { Values } };
    }
    case 'host-header': {
      const Values = need(c.HostHeaderConfig?.Values ?? c.Values, c.Field);
      return { Field: c.Field, Values, HostHeaderConfig: { Values } };
    }
    case 'http-header': {
      const name = c.HttpHeaderConfig?.HttpHeaderName;
      if (!name) throw new ElbValidationError('An http-header condition needs a header name');
      return { Field: c.Field, HttpHeaderConfig: { HttpHeaderName: name, Values: need(c.HttpHeaderConfig?.Values, c.Field) } };
    }
    case 'query-string':
      return { Field: c.Field, QueryStringConfig: { Values: need(c.QueryStringConfig?.Values, c.Field) } };
    case 'http-request-method': {
      const Values = need(c.HttpRequestMethodConfig?.Values, c.Field);
      for (const v of Values) if (!/^[A-Z_-]{1,40}$/.test(v)) throw new ElbValidationError(`HTTP request method '${v}' is not valid`);
      return { Field: c.Field, HttpRequestMethodConfig: { Values } };
    }
    case 'source-ip':
      return { Field: c.Field, SourceIpConfig: { Values: need(c.SourceIpConfig?.Values, c.Field) } };
    default:
      throw new ElbValidationError(`Condition field '${c.Field}' is not valid`);
  }
}

function countValues(c: RuleCondition): number {
  return (c.Values?.length ?? 0) + (c.HttpHeaderConfig?.Values?.length ?? 0) + (c.QueryStringConfig?.Values?.length ?? 0) +
    (c.HttpRequestMethodConfig?.Values?.length ?? 0) + (c.SourceIpConfig?.Values?.length ?? 0);
}
