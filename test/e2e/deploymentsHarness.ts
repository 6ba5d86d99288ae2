// Shared by the traffic-shifting deployment tests: a load balancer on loopback with a production listener (80) and a
// test listener (8080) over two target groups, a web task definition answering its version, and continuous traffic
// with every answer recorded.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  ModifyTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { BUSYBOX } from '../support/images.js';

/** A web task answering `version` that stops at once on SIGTERM; with `lifeSeconds`, its container exits 1 that long
 * after it starts serving. */
export const registerVersion = async (ecs: ECSClient, family: string, version: string, lifeSeconds?: number) =>
  (
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: 'web',
            image: BUSYBOX,
            memory: 32,
            stopTimeout: 2,
            command: [
              'sh',
              '-c',
              lifeSeconds === undefined
                ? // sh stays PID 1 to act on SIGTERM (httpd as PID 1 would ignore it, and every stop would wait out stopTimeout).
                  `trap 'exit 0' TERM; mkdir -p /w && echo ${version} > /w/index.html && httpd -f -p 80 -h /w & wait`
                : `mkdir -p /w && echo ${version} > /w/index.html && httpd -p 80 -h /w && sleep ${lifeSeconds} && exit 1`,
            ],
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      }),
    )
  ).taskDefinition!.taskDefinitionArn!;

async function targetGroup(elb: ElasticLoadBalancingV2Client, name: string): Promise<string> {
  const arn = (await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, TargetType: 'instance', VpcId: 'vpc-1' })))
    .TargetGroups![0]!.TargetGroupArn!;
  await elb.send(
    new ModifyTargetGroupCommand({
      TargetGroupArn: arn, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2, HealthCheckPath: '/',
    }),
  );
  return arn;
}

const defaultRule = async (elb: ElasticLoadBalancingV2Client, listenerArn: string) =>
  (await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules!.find((r) => r.IsDefault)!.RuleArn!;

export interface ShiftingSetup {
  prodUrl: string;
  testUrl: string;
  blue: string;
  green: string;
  prodRule: string;
  testRule: string;
}

/** A load balancer named `name`, its two listeners forwarding to `NAME-blue` (80) and `NAME-green` (8080). */
export async function shiftingLoadBalancer(elb: ElasticLoadBalancingV2Client, name: string): Promise<ShiftingSetup> {
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: name }))).LoadBalancers![0]!;
  const address = lb.AvailabilityZones![0]!.LoadBalancerAddresses![0]!.IpAddress!;
  const blue = await targetGroup(elb, `${name}-blue`);
  const green = await targetGroup(elb, `${name}-green`);
  const listener = async (port: number, tg: string) =>
    (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: port, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] })))
      .Listeners![0]!.ListenerArn!;
  const prodRule = await defaultRule(elb, await listener(80, blue));
  const testRule = await defaultRule(elb, await listener(8080, green));
  return { prodUrl: `http://${address}:80/`, testUrl: `http://${address}:8080/`, blue, green, prodRule, testRule };
}

/** One GET; the body trimmed, or `ERR <status or error>`. */
export async function get(url: string): Promise<string> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = (await r.text()).trim();
    return r.status === 200 ? body : `ERR ${r.status}`;
  } catch (err) {
    return `ERR ${(err as Error).message}`;
  }
}

export interface Sample {
  start: number;
  end: number;
  answer: string;
}

/** Requests one after another on `url` until stopped, every answer recorded. */
export function traffic(url: string) {
  const samples: Sample[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const start = Date.now();
      const answer = await get(url);
      samples.push({ start, end: Date.now(), answer });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    samples,
    last: () => samples[samples.length - 1]?.answer,
    async stop() {
      running = false;
      await done;
    },
  };
}

/** The target groups a listener rule forwards to with a weight above 0, and the weights. */
export async function forwarding(elb: ElasticLoadBalancingV2Client, ruleArn: string) {
  const rule = (await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules![0]!;
  return rule.Actions![0]!.ForwardConfig!.TargetGroups!.filter((g) => (g.Weight ?? 1) > 0).map((g) => ({ arn: g.TargetGroupArn!, weight: g.Weight ?? 1 }));
}

/** A call a hook URL got: its path, when, and ECS's payload. */
export interface HookCall {
  path: string;
  at: number;
  body: Record<string, any>;
}

/**
 * A lifecycle hook URL on loopback: records every call in `calls` and answers from `answers`, keyed by `path stage`
 * or by `path`, a list used in turn (the last repeats); SUCCEEDED when neither has one.
 */
export async function hookServer(calls: HookCall[], answers: Map<string, object[]>): Promise<{ base: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = JSON.parse(data || '{}');
      calls.push({ path, at: Date.now(), body });
      const list = answers.get(`${path} ${body.lifecycleStage}`) ?? answers.get(path) ?? [{ hookStatus: 'SUCCEEDED' }];
      const answer = list.length > 1 ? list.shift()! : list[0]!;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
