// The ELBv2 API through the Debian `aws elbv2` CLI: the seed walkthrough's load balancer, target group and listener,
// AWS's defaults, the DNS name resolved by Wharf's DNS server, rules, tags, and ELBv2's error codes.
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startElbWharf, until, type Backend, type ElbWharf } from './elbv2Harness.js';

let w: ElbWharf;
let b1: Backend;
let lbArn: string;
let tgArn: string;
let listenerArn: string;
let dnsName: string;
let address: string;

beforeAll(async () => {
  w = await startElbWharf({ addressPool: '127.31.0.0/16' });
  b1 = await backend('127.0.0.1', 'b1');
});
afterAll(async () => {
  await w?.stop();
  await b1?.close();
});

describe('aws elbv2', () => {
  it('creates an application load balancer that turns active, with its own address and DNS name', async () => {
    const out = await w.aws('elbv2', 'create-load-balancer', '--name', 'demo-alb', '--subnets', 'subnet-a', 'subnet-b', '--tags', 'Key=env,Value=test');
    const lb = out.LoadBalancers[0];
    expect(lb).toMatchObject({ LoadBalancerName: 'demo-alb', Scheme: 'internet-facing', Type: 'application', State: { Code: 'provisioning' }, IpAddressType: 'ipv4' });
    expect(lb.LoadBalancerArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/app\/demo-alb\/[0-9a-f]{16}$/);
    expect(lb.DNSName).toMatch(/^demo-alb-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
    address = lb.AvailabilityZones[0].LoadBalancerAddresses[0].IpAddress;
    expect(address).toBe('127.31.0.1');
    expect(lb.AvailabilityZones.map((z: any) => z.SubnetId)).toEqual(['subnet-a', 'subnet-b']);
    lbArn = lb.LoadBalancerArn;
    dnsName = lb.DNSName;
    await until(async () => (await w.aws('elbv2', 'describe-load-balancers', '--names', 'demo-alb')).LoadBalancers[0].State.Code === 'active');
    const resolver = new Resolver();
    resolver.setServers([`${w.dns.address}:${w.dns.port}`]);
    expect(await resolver.resolve4(dnsName)).toEqual([address]);
    await expect(resolver.resolve4('nope-1.us-east-1.elb.amazonaws.com')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('a second load balancer gets the next address; the same name and settings give the same one back', async () => {
    const again = await w.aws('elbv2', 'create-load-balancer', '--name', 'demo-alb', '--subnets', 'subnet-a', 'subnet-b');
    expect(again.LoadBalancers[0].LoadBalancerArn).toBe(lbArn);
    const other = await w.aws('elbv2', 'create-load-balancer', '--name', 'other-alb', '--scheme', 'internal');
    expect(other.LoadBalancers[0].AvailabilityZones[0].LoadBalancerAddresses[0].IpAddress).toBe('127.31.0.2');
    expect(other.LoadBalancers[0].DNSName).toMatch(/^internal-other-alb-\d{10}\./);
    const dup = await w.awsRaw(['elbv2', 'create-load-balancer', '--name', 'other-alb']);
    expect(dup.stderr).toContain('DuplicateLoadBalancerName');
    await w.aws('elbv2', 'delete-load-balancer', '--load-balancer-arn', other.LoadBalancers[0].LoadBalancerArn);
  });

  it('creates a target group with AWS health check defaults and attributes', async () => {
    const out = await w.aws('elbv2', 'create-target-group', '--name', 'demo-tg', '--protocol', 'HTTP', '--port', String(b1.port), '--vpc-id', 'vpc-1', '--target-type', 'ip');
    const tg = out.TargetGroups[0];
    expect(tg).toMatchObject({
      TargetGroupName: 'demo-tg', Protocol: 'HTTP', Port: b1.port, VpcId: 'vpc-1', TargetType: 'ip', HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port', HealthCheckEnabled: true, HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, HealthCheckPath: '/', Matcher: { HttpCode: '200' }, ProtocolVersion: 'HTTP1',
    });
    tgArn = tg.TargetGroupArn;
    const attrs = await w.aws('elbv2', 'describe-target-group-attributes', '--target-group-arn', tgArn);
    const map = Object.fromEntries(attrs.Attributes.map((a: any) => [a.Key, a.Value]));
    expect(map).toMatchObject({ 'deregistration_delay.timeout_seconds': '300', 'stickiness.enabled': 'false', 'stickiness.type': 'lb_cookie',
      'load_balancing.algorithm.type': 'round_robin', 'slow_start.duration_seconds': '0' });
    const mod = await w.aws('elbv2', 'modify-target-group', '--target-group-arn', tgArn, '--health-check-interval-seconds', '5', '--health-check-timeout-seconds', '2', '--healthy-threshold-count', '2', '--health-check-path', '/health');
    expect(mod.TargetGroups[0]).toMatchObject({ HealthCheckIntervalSeconds: 5, HealthyThresholdCount: 2, HealthCheckPath: '/health' });
    const bad = await w.awsRaw(['elbv2', 'modify-target-group-attributes', '--target-group-arn', tgArn, '--attributes', 'Key=load_balancing.algorithm.type,Value=fastest']);
    expect(bad.stderr).toContain('InvalidConfigurationRequest');
    const lor = await w.aws('elbv2', 'modify-target-group-attributes', '--target-group-arn', tgArn, '--attributes', 'Key=deregistration_delay.timeout_seconds,Value=5');
    expect(lor.Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '5' });
  });

  it('registers targets that are unused until a listener forwards to the group, then checked', async () => {
    await w.aws('elbv2', 'register-targets', '--target-group-arn', tgArn, '--targets', `Id=127.0.0.1,Port=${b1.port}`);
    const h0 = await w.aws('elbv2', 'describe-target-health', '--target-group-arn', tgArn);
    expect(h0.TargetHealthDescriptions[0]).toMatchObject({ Target: { Id: '127.0.0.1', Port: b1.port }, TargetHealth: { State: 'unused', Reason: 'Target.NotInUse' } });
    const l = await w.aws('elbv2', 'create-listener', '--load-balancer-arn', lbArn, '--protocol', 'HTTP', '--port', '80', '--default-actions', `Type=forward,TargetGroupArn=${tgArn}`);
    listenerArn = l.Listeners[0].ListenerArn;
    expect(listenerArn).toMatch(/:listener\/app\/demo-alb\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    expect(l.Listeners[0].DefaultActions[0]).toMatchObject({ Type: 'forward', TargetGroupArn: tgArn, ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn, Weight: 1 }] } });
    const h1 = await w.aws('elbv2', 'describe-target-health', '--target-group-arn', tgArn);
    expect(h1.TargetHealthDescriptions[0].TargetHealth.State).toBe('initial');
    // /health answers 200 from the backend's default handler.
    await until(async () => (await w.aws('elbv2', 'describe-target-health', '--target-group-arn', tgArn)).TargetHealthDescriptions[0].TargetHealth.State === 'healthy', 20_000, 500);
    const tgs = await w.aws('elbv2', 'describe-target-groups', '--load-balancer-arn', lbArn);
    expect(tgs.TargetGroups[0].LoadBalancerArns).toEqual([lbArn]);
  });

  it('browses to the load balancer on port 80 at its address', async () => {
    const res = await fetch(`http://${address}/hello?x=1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('b1 /hello?x=1');
    const seen = b1.seen.at(-1)!;
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-port']).toBe('80');
    expect(seen.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('manages rules, default rule included, and priorities', async () => {
    const r = await w.aws('elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '10', '--conditions', 'Field=path-pattern,Values=/api/*',
      '--actions', 'Type=fixed-response,FixedResponseConfig={StatusCode=200,ContentType=text/plain,MessageBody=api}');
    const ruleArn = r.Rules[0].RuleArn;
    expect(r.Rules[0]).toMatchObject({ Priority: '10', IsDefault: false, Conditions: [{ Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } }] });
    const clash = await w.awsRaw(['elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '10', '--conditions', 'Field=path-pattern,Values=/x', '--actions', `Type=forward,TargetGroupArn=${tgArn}`]);
    expect(clash.stderr).toContain('PriorityInUse');
    const rules = await w.aws('elbv2', 'describe-rules', '--listener-arn', listenerArn);
    expect(rules.Rules.map((x: any) => x.Priority)).toEqual(['10', 'default']);
    expect(rules.Rules[1].IsDefault).toBe(true);
    await w.aws('elbv2', 'set-rule-priorities', '--rule-priorities', `RuleArn=${ruleArn},Priority=7`);
    expect((await w.aws('elbv2', 'describe-rules', '--rule-arns', ruleArn)).Rules[0].Priority).toBe('7');
    const del = await w.awsRaw(['elbv2', 'delete-rule', '--rule-arn', rules.Rules[1].RuleArn]);
    expect(del.stderr).toContain('OperationNotPermitted');
    await w.aws('elbv2', 'delete-rule', '--rule-arn', ruleArn);
  });

  it('tags every kind of resource', async () => {
    await w.aws('elbv2', 'add-tags', '--resource-arns', lbArn, tgArn, listenerArn, '--tags', 'Key=team,Value=a');
    await w.aws('elbv2', 'remove-tags', '--resource-arns', lbArn, '--tag-keys', 'env');
    const t = await w.aws('elbv2', 'describe-tags', '--resource-arns', lbArn, tgArn);
    expect(t.TagDescriptions).toEqual([{ ResourceArn: lbArn, Tags: [{ Key: 'team', Value: 'a' }] }, { ResourceArn: tgArn, Tags: [{ Key: 'team', Value: 'a' }] }]);
  });

  it('answers with ELBv2 error codes in its XML shape', async () => {
    const arn = tgArn.replace(/[0-9a-f]{16}$/, '0000000000000000');
    expect((await w.awsRaw(['elbv2', 'describe-target-health', '--target-group-arn', arn])).stderr).toContain('(TargetGroupNotFound)');
    expect((await w.awsRaw(['elbv2', 'describe-listeners', '--listener-arns', listenerArn + '0'])).stderr).toContain('(ListenerNotFound)');
    expect((await w.awsRaw(['elbv2', 'describe-load-balancers', '--names', 'missing'])).stderr).toContain('(LoadBalancerNotFound)');
    expect((await w.awsRaw(['elbv2', 'delete-target-group', '--target-group-arn', tgArn])).stderr).toContain('(ResourceInUse)');
    expect((await w.awsRaw(['elbv2', 'create-listener', '--load-balancer-arn', lbArn, '--protocol', 'HTTP', '--port', '80', '--default-actions', 'Type=fixed-response,FixedResponseConfig={StatusCode=404}'])).stderr).toContain('(DuplicateListener)');
    expect((await w.awsRaw(['elbv2', 'create-target-group', '--name', 'x', '--protocol', 'HTTP', '--port', '99999'])).stderr).toContain('(ValidationError)');
    const xml = await fetch(w.url, { method: 'POST' });
    expect(xml.status).toBe(403);
  });

  it('deletes the listener, then the target group and the load balancer', async () => {
    await w.aws('elbv2', 'delete-listener', '--listener-arn', listenerArn);
    await w.aws('elbv2', 'delete-target-group', '--target-group-arn', tgArn);
    await w.aws('elbv2', 'delete-load-balancer', '--load-balancer-arn', lbArn);
    expect((await w.aws('elbv2', 'describe-load-balancers')).LoadBalancers).toEqual([]);
    await until(async () => (await fetch(`http://${address}/`).then(() => false, () => true)));
  });
});
