// Wharf on Node.js 22 as well as 20: `wharf up` under Node 22 serves the API, runs a FARGATE service behind an
// application load balancer whose worker processes carry the traffic (they move sockets between processes, the part
// most bound to Node's internals), and prints nothing but its own lines.
import { execFileSync } from 'node:child_process';
import { DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { node22Wharf } from '../support/node22.js';
import { useWharfUp } from './wharfUp.js';

let node = '';
const up = useWharfUp({ WHARF_LB_WORKERS: '2' }, [], async () => {
  const runtime = await node22Wharf();
  node = runtime.node;
  return runtime;
});

describe('wharf on Node.js 22', () => {
  it('runs a service behind a load balancer', async () => {
    expect(execFileSync(node, ['--version']).toString()).toMatch(/^v22\./);
    const aws = up.wharf.aws;
    const lb = (await aws('elbv2', 'create-load-balancer', '--name', 'n22-alb', '--subnets', 'subnet-a')).LoadBalancers[0];
    const address = lb.AvailabilityZones[0].LoadBalancerAddresses[0].IpAddress;
    const tg = (
      await aws(
        'elbv2', 'create-target-group', '--name', 'n22-tg', '--protocol', 'HTTP', '--port', '80', '--vpc-id', 'vpc-local',
        '--target-type', 'ip', '--health-check-interval-seconds', '5', '--health-check-timeout-seconds', '2', '--healthy-threshold-count', '2',
      )
    ).TargetGroups[0];
    await aws('elbv2', 'create-listener', '--load-balancer-arn', lb.LoadBalancerArn, '--protocol', 'HTTP', '--port', '80', '--default-actions', `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`);
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'n22',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{
        name: 'web',
        image: BUSYBOX,
        portMappings: [{ containerPort: 80 }],
        command: ['sh', '-c', 'mkdir -p /w && echo node22 > /w/index.html && exec httpd -f -p 80 -h /w'],
      }],
    }));
    await aws(
      'ecs', 'create-service', '--service-name', 'n22', '--task-definition', 'n22', '--desired-count', '1', '--launch-type', 'FARGATE',
      '--network-configuration', 'awsvpcConfiguration={subnets=[subnet-a]}',
      '--load-balancers', `targetGroupArn=${tg.TargetGroupArn},containerName=web,containerPort=80`,
    );
    await expect.poll(async () => (await up.ecs.send(new DescribeServicesCommand({ services: ['n22'] }))).services![0]!.deployments![0]!.rolloutState, { timeout: 120_000, interval: 1000 }).toBe('COMPLETED');
    const answers = await Promise.all(Array.from({ length: 20 }, async () => {
      const res = await fetch(`http://${address}/`);
      return `${res.status} ${(await res.text()).trim()}`;
    }));
    expect(new Set(answers)).toEqual(new Set(['200 node22']));
    // With two workers the parent serves no connection itself: these answers came through the workers.
    expect(up.wharf.output.join('\n')).not.toMatch(/"level":(50|60)/);
    expect(up.wharf.stderr()).toBe('');
    await aws('ecs', 'delete-service', '--service', 'n22', '--force');
  }, 240_000);
});
