// The ELBv2 SDK client against an in-process Wharf, and helpers that build a load balancer with one listener.
import { ElasticLoadBalancingV2Client as Elb, CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, RegisterTargetsCommand,
  ModifyTargetGroupCommand, type Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TEST_CREDENTIALS } from './harness.js';
import type { ElbWharf } from './elbv2Harness.js';

export function elbClient(w: ElbWharf): Elb {
  return new Elb({ endpoint: w.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

let n = 0;

/** A target group (ip targets, 5 s checks, 2 to turn healthy) with the given backends registered. */
export async function targetGroup(elb: Elb, targets: { host: string; port: number }[], path = '/'): Promise<string> {
  const out = await elb.send(new CreateTargetGroupCommand({ Name: `tg-${process.pid}-${++n}`, Protocol: 'HTTP', Port: 80, TargetType: 'ip', VpcId: 'vpc-1' }));
  const arn = out.TargetGroups![0]!.TargetGroupArn!;
  await elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2, HealthCheckPath: path }));
  if (targets.length) await elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: targets.map((t) => ({ Id: t.host, Port: t.port })) }));
  return arn;
}

/** A load balancer with one listener on `port`; returns its address and the ARNs. */
export async function loadBalancer(elb: Elb, defaultActions: Action[], port = 80): Promise<{ address: string; lbArn: string; listenerArn: string }> {
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: `lb-${process.pid}-${++n}` }))).LoadBalancers![0]!;
  const l = await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: port, DefaultActions: defaultActions }));
  return { address: lb.AvailabilityZones![0]!.LoadBalancerAddresses![0]!.IpAddress!, lbArn: lb.LoadBalancerArn!, listenerArn: l.Listeners![0]!.ListenerArn! };
}

export const forward = (arn: string): Action[] => [{ Type: 'forward', TargetGroupArn: arn }];
