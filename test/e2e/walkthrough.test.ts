// The seed walkthrough with the unchanged `aws` CLI against `wharf up`: a load balancer, an ip target group, a
// listener on port 80, a FARGATE service of 2 tasks behind it that registers itself, browsing to the load
// balancer, a rolling update under continuous traffic with zero failed requests, and a task that fails its ELB
// health checks replaced with ECS's reason.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp({ WHARF_LB_WORKERS: '0' });



function taskDefinition(version: string, healthPath = '/') {
  const file = join(up.wharf.dataDir, `td-${version}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      family: 'demo-web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'web',
          image: BUSYBOX,
          stopTimeout: 2,
          portMappings: [{ containerPort: 80, protocol: 'tcp' }],
          command: ['sh', '-c', `mkdir -p /w && echo ${version} > /w/index.html && echo ok > /w/health && exec httpd -f -p 80 -h /w`],
          environment: [{ name: 'HEALTH', value: healthPath }],
        },
      ],
    }),
  );
  return `file://${file}`;
}

describe('the seed walkthrough', () => {
  it('puts an ALB in front of a FARGATE service, browses to it, and rolls out a new version with no failed request', async () => {
    const lb = (await up.wharf.aws('elbv2', 'create-load-balancer', '--name', 'demo-alb', '--subnets', 'subnet-a', 'subnet-b', '--type', 'application')).LoadBalancers[0];
    const address = lb.AvailabilityZones[0].LoadBalancerAddresses[0].IpAddress;
    expect(address).toMatch(/^127\.2\./);
    const tg = (
      await up.wharf.aws(
        'elbv2', 'create-target-group', '--name', 'demo-tg', '--protocol', 'HTTP', '--port', '80', '--vpc-id', 'vpc-local',
        '--target-type', 'ip', '--health-check-path', '/health', '--health-check-interval-seconds', '5',
        '--health-check-timeout-seconds', '2', '--healthy-threshold-count', '2', '--unhealthy-threshold-count', '2',
      )
    ).TargetGroups[0];
    await up.wharf.aws('elbv2', 'modify-target-group-attributes', '--target-group-arn', tg.TargetGroupArn, '--attributes', 'Key=deregistration_delay.timeout_seconds,Value=2');
    await up.wharf.aws(
      'elbv2', 'create-listener', '--load-balancer-arn', lb.LoadBalancerArn, '--protocol', 'HTTP', '--port', '80',
      '--default-actions', `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`,
    );

    await up.wharf.aws('ecs', 'create-cluster', '--cluster-name', 'demo-cluster');
    await up.wharf.aws('ecs', 'register-task-definition', '--cli-input-json', taskDefinition('v1'));
    await up.wharf.aws(
      'ecs', 'create-service', '--cluster', 'demo-cluster', '--service-name', 'demo', '--task-definition', 'demo-web:1',
      '--desired-count', '2', '--launch-type', 'FARGATE',
      '--network-configuration', 'awsvpcConfiguration={subnets=[subnet-a],assignPublicIp=ENABLED}',
      '--load-balancers', `targetGroupArn=${tg.TargetGroupArn},containerName=web,containerPort=80`,
      '--deployment-configuration', 'minimumHealthyPercent=100,maximumPercent=200',
    );
    const healthyTargets = async () =>
      (await up.wharf.aws('elbv2', 'describe-target-health', '--target-group-arn', tg.TargetGroupArn)).TargetHealthDescriptions.filter(
        (d: { TargetHealth: { State: string } }) => d.TargetHealth.State === 'healthy',
      ).length;
    await expect.poll(healthyTargets, { timeout: 60_000, interval: 500 }).toBe(2);
    const res = await fetch(`http://${address}/`);
    expect(res.status).toBe(200);
    expect((await res.text()).trim()).toBe('v1');
    const svc = (await up.ecs.send(new DescribeServicesCommand({ cluster: 'demo-cluster', services: ['demo'] }))).services![0]!;
    expect(svc.events!.map((e) => e.message)).toContainEqual(`(service demo) registered 1 targets in (target-group ${tg.TargetGroupArn})`);

    // Continuous traffic through the load balancer while the service rolls to v2.
    let stop = false;
    const seen = new Set<string>();
    const failures: string[] = [];
    let requests = 0;
    const load = (async () => {
      while (!stop) {
        try {
          const r = await fetch(`http://${address}/`);
          const body = (await r.text()).trim();
          requests++;
          if (r.status !== 200) failures.push(`${r.status} ${body.slice(0, 80)}`);
          else seen.add(body);
        } catch (err) {
          failures.push(String(err));
        }
      }
    })();
    await up.wharf.aws('ecs', 'register-task-definition', '--cli-input-json', taskDefinition('v2'));
    await up.wharf.aws('ecs', 'update-service', '--cluster', 'demo-cluster', '--service', 'demo', '--task-definition', 'demo-web:2');
    await expect
      .poll(async () => {
        const s = (await up.ecs.send(new DescribeServicesCommand({ cluster: 'demo-cluster', services: ['demo'] }))).services![0]!;
        return s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && s.taskDefinition!.endsWith(':2');
      }, { timeout: 120_000, interval: 500 })
      .toBe(true);
    // Keep the traffic going until only v2 answers.
    await expect.poll(async () => (await (await fetch(`http://${address}/`)).text()).trim(), { timeout: 30_000 }).toBe('v2');
    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
    expect([...seen].sort()).toEqual(['v1', 'v2']);
  }, 240_000);

  it('replaces a task that fails its ELB health checks', async () => {
    const tg = (
      await up.wharf.aws(
        'elbv2', 'create-target-group', '--name', 'sick-tg', '--protocol', 'HTTP', '--port', '80', '--vpc-id', 'vpc-local',
        '--target-type', 'ip', '--health-check-path', '/missing', '--health-check-interval-seconds', '5',
        '--health-check-timeout-seconds', '2', '--healthy-threshold-count', '2', '--unhealthy-threshold-count', '2',
      )
    ).TargetGroups[0];
    const lb = (await up.wharf.aws('elbv2', 'create-load-balancer', '--name', 'sick-alb', '--subnets', 'subnet-a')).LoadBalancers[0];
    await up.wharf.aws(
      'elbv2', 'create-listener', '--load-balancer-arn', lb.LoadBalancerArn, '--protocol', 'HTTP', '--port', '80',
      '--default-actions', `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`,
    );
    await up.wharf.aws(
      'ecs', 'create-service', '--cluster', 'demo-cluster', '--service-name', 'sick', '--task-definition', 'demo-web:1',
      '--desired-count', '1', '--launch-type', 'FARGATE',
      '--network-configuration', 'awsvpcConfiguration={subnets=[subnet-a]}',
      '--load-balancers', `targetGroupArn=${tg.TargetGroupArn},containerName=web,containerPort=80`,
    );
    await expect
      .poll(async () => {
        const arns = (await up.ecs.send(new ListTasksCommand({ cluster: 'demo-cluster', serviceName: 'sick', desiredStatus: 'STOPPED' }))).taskArns!;
        if (!arns.length) return [];
        return (await up.ecs.send(new DescribeTasksCommand({ cluster: 'demo-cluster', tasks: arns }))).tasks!.map((t) => t.stoppedReason);
      }, { timeout: 90_000, interval: 1000 })
      .toContainEqual(`Task failed ELB health checks in (target-group ${tg.TargetGroupArn})`);
    await up.wharf.aws('ecs', 'delete-service', '--cluster', 'demo-cluster', '--service', 'sick', '--force');
  }, 180_000);
});
