// Load balancer and target group attributes: AWS's defaults for an Application Load Balancer and an HTTP target
// group, and the rules a modified value must satisfy. The data plane reads the resolved values through the helpers.
import { InvalidConfigurationRequest } from '../domain/errors.js';

export const LB_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = {
  'access_logs.s3.enabled': 'false',
  'access_logs.s3.bucket': '',
  'access_logs.s3.prefix': '',
  'connection_logs.s3.enabled': 'false',
  'connection_logs.s3.bucket': '',
  'connection_logs.s3.prefix': '',
  'client_keep_alive.seconds': '3600',
  'deletion_protection.enabled': 'false',
  'idle_timeout.timeout_seconds': '60',
  'routing.http.desync_mitigation_mode': 'defensive',
  'routing.http.drop_invalid_header_fields.enabled': 'false',
  'routing.http.preserve_host_header.enabled': 'false',
  'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': 'false',
  'routing.http.xff_client_port.enabled': 'false',
  'routing.http.xff_header_processing.mode': 'append',
  'routing.http2.enabled': 'true',
  'waf.fail_open.enabled': 'false',
  'zonal_shift.config.enabled': 'false',
};

export const TG_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = {
  'deregistration_delay.timeout_seconds': '300',
  'load_balancing.algorithm.type': 'round_robin',
  'load_balancing.algorithm.anomaly_mitigation': 'off',
  'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
  'slow_start.duration_seconds': '0',
  'stickiness.enabled': 'false',
  'stickiness.type': 'lb_cookie',
  'stickiness.lb_cookie.duration_seconds': '86400',
  'stickiness.app_cookie.cookie_name': '',
  'stickiness.app_cookie.duration_seconds': '86400',
  'target_group_health.dns_failover.minimum_healthy_targets.count': '1',
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': 'off',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': 'off',
};

type Check = (v: string) => boolean;
const bool: Check = (v) => v === 'true' || v === 'false';
const int = (lo: number, hi: number): Check => (v) => /^\d+$/.test(v) && Number(v) >= lo && Number(v) <= hi;
const oneOf = (...xs: string[]): Check => (v) => xs.includes(v);
const any: Check = () => true;

const LB_CHECKS: Record<string, Check> = {
  'deletion_protection.enabled': bool,
  'idle_timeout.timeout_seconds': int(1, 4000),
  'client_keep_alive.seconds': int(60, 604800),
  'routing.http.desync_mitigation_mode': oneOf('monitor', 'defensive', 'strictest'),
  'routing.http.xff_header_processing.mode': oneOf('append', 'preserve', 'remove'),
  'routing.http2.enabled': bool,
  'routing.http.drop_invalid_header_fields.enabled': bool,
  'routing.http.preserve_host_header.enabled': bool,
  'routing.http.xff_client_port.enabled': bool,
  'access_logs.s3.enabled': bool,
  'connection_logs.s3.enabled': bool,
  'waf.fail_open.enabled': bool,
  'zonal_shift.config.enabled': bool,
};

const TG_CHECKS: Record<string, Check> = {
  'deregistration_delay.timeout_seconds': int(0, 3600),
  'load_balancing.algorithm.type': oneOf('round_robin', 'least_outstanding_requests', 'weighted_random'),
  'load_balancing.algorithm.anomaly_mitigation': oneOf('on', 'off'),
  'slow_start.duration_seconds': (v) => v === '0' || int(30, 900)(v),
  'stickiness.enabled': bool,
  'stickiness.type': oneOf('lb_cookie', 'app_cookie'),
  'stickiness.lb_cookie.duration_seconds': int(1, 604800),
  'stickiness.app_cookie.duration_seconds': int(1, 604800),
};

/** Applies modified attributes to the current ones, refusing unknown keys and bad values as ELBv2 does. */
export function applyAttributes(
  kind: 'load balancer' | 'target group',
  current: Record<string, string>,
  changes: readonly { Key?: string; Value?: string }[],
): Record<string, string> {
  const defaults = kind === 'load balancer' ? LB_ATTRIBUTE_DEFAULTS : TG_ATTRIBUTE_DEFAULTS;
  const checks = kind === 'load balancer' ? LB_CHECKS : TG_CHECKS;
  const next = { ...current };
  for (const { Key: key = '', Value: value = '' } of changes) {
    if (!Object.hasOwn(defaults, key)) {
      throw new InvalidConfigurationRequest(`${kind === 'load balancer' ? 'Load balancer' : 'Target group'} attribute key '${key}' is not recognized`);
    }
    if (!(checks[key] ?? any)(value)) {
      throw new InvalidConfigurationRequest(`${kind === 'load balancer' ? 'Load balancer' : 'Target group'} attribute value '${value}' is not valid for key '${key}'`);
    }
    next[key] = value;
  }
  if (kind === 'target group' && Number(next['slow_start.duration_seconds'] ?? 0) > 0) {
    const algorithm = next['load_balancing.algorithm.type'];
    if (algorithm === 'least_outstanding_requests') throw new InvalidConfigurationRequest('You cannot enable both slow start mode and least outstanding requests algorithm on a target group');
    if (algorithm === 'weighted_random') throw new InvalidConfigurationRequest('You cannot enable both slow start and weighted random algorithm on a target group');
  }
  return next;
}

/** A target group's slow start duration in ms (0: off). */
export const slowStartMs = (attrs: Record<string, string>) => Number(attrs['slow_start.duration_seconds'] ?? 0) * 1000;

export function attributeList(attrs: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(attrs).map(([Key, Value]) => ({ Key, Value }));
}

export const idleTimeoutMs = (attrs: Record<string, string>) => Number(attrs['idle_timeout.timeout_seconds'] ?? 60) * 1000;
export const deregistrationDelayMs = (attrs: Record<string, string>) =>
  Number(attrs['deregistration_delay.timeout_seconds'] ?? 300) * 1000;
