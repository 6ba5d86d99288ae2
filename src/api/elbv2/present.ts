// How ELBv2 shows its resources: the one place records become DescribeX shapes.
import type { Listener, LoadBalancer, Rule, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from '../../lb/tables.js';

/** Route 53 hosted zone of Application Load Balancers in us-east-1 (the same in every region under Wharf). */
export const CANONICAL_HOSTED_ZONE_ID = 'Z35SXDOTRQ7X7K';

export function presentLoadBalancer(lb: LoadBalancerRecord): LoadBalancer {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: CANONICAL_HOSTED_ZONE_ID,
    CreatedTime: lb.createdAt,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: lb.stateReason ? { Code: lb.state, Reason: lb.stateReason } : { Code: lb.state },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((s) => ({
      ZoneName: s.zoneName,
      SubnetId: s.subnetId,
      LoadBalancerAddresses: [{ IpAddress: lb.address }],
    })),
    SecurityGroups: lb.securityGroups,
    IpAddressType: lb.ipAddressType,
  };
}

export function presentTargetGroup(tg: TargetGroupRecord, loadBalancerArns: string[]): TargetGroup {
  const hc = tg.healthCheck;
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    HealthCheckPath: hc.path,
    Matcher: { HttpCode: hc.matcher },
    LoadBalancerArns: loadBalancerArns,
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocolVersion,
    IpAddressType: 'ipv4',
  };
}

export function presentListener(l: ListenerRecord): Listener {
  return { ListenerArn: l.arn, LoadBalancerArn: l.loadBalancerArn, Port: l.port, Protocol: l.protocol, DefaultActions: l.defaultActions };
}

export function presentRule(r: RuleRecord): Rule {
  return { RuleArn: r.arn, Priority: String(r.priority), Conditions: r.conditions, Actions: r.actions, IsDefault: false };
}

/** The listener's default rule, which ELBv2 shows among the rules with Priority `default`. */
export function defaultRule(l: ListenerRecord): Rule {
  return { RuleArn: defaultRuleArn(l), Priority: 'default', Conditions: [], Actions: l.defaultActions, IsDefault: true };
}

export function defaultRuleArn(l: ListenerRecord): string {
  return l.arn.replace(':listener/', ':listener-rule/') + '/' + l.defaultRuleId;
}
