// Health checks with AWS semantics (thresholds, matcher, reason codes), routing only to healthy targets, draining
// with the deregistration delay, lb_cookie stickiness, and the hooks the ECS service controller calls.
import {
  DeregisterTargetsCommand, DescribeTargetHealthCommand, ModifyTargetGroupAttributesCommand, ModifyTargetGroupCommand, RegisterTargetsCommand,
  type ElasticLoadBalancingV2Client, type TargetHealth,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient, forward, loadBalancer, targetGroup } from './elbv2Client.js';
import { backend, sleep, startElbWharf, until, type Backend, type ElbWharf } from './elbv2Harness.js';

let w: ElbWharf;
let elb: ElasticLoadBalancingV2Client;
let a: Backend;
let b: Backend;
let tg: string;
let addr: string;
const healthCode = { A: 200, B: 200 };

const health = async () => {
  const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
  return Object.fromEntries(out.TargetHealthDescriptions!.map((d) => [d.Target!.Id!, d.TargetHealth!])) as Record<string, TargetHealth>;
};
const hit = async (path = '/', headers: Record<string, string> = {}) => {
  const r = await fetch(`http://${addr}${path}`, { headers });
  return { body: await r.text(), cookie: r.headers.get('set-cookie') };
};

beforeAll(async () => {
  w = await startElbWharf({ addressPool: '127.34.0.0/16' });
  elb = elbClient(w);
  const withHealth = (name: 'A' | 'B') => (req: any, res: any) => {
    if (req.url === '/health') {
      res.writeHead(healthCode[name]).end();
      return true;
    }
    if (req.url === '/slow') {
      setTimeout(() => res.end(`${name} slow done`), 1500);
      return true;
    }
    return false;
  };
  a = await backend('127.0.0.7', 'A', withHealth('A'));
  b = await backend('127.0.0.8', 'B', withHealth('B'));
  tg = await targetGroup(elb, [a, b], '/health');
  ({ address: addr } = await loadBalancer(elb, forward(tg)));
});
afterAll(async () => {
  await w?.stop();
  await a?.close();
  await b?.close();
});

describe('health checks', () => {
  it('go initial → healthy after the healthy threshold', async () => {
    const h0 = await health();
    expect(h0['127.0.0.7']!.State).toBe('initial');
    expect(['Elb.RegistrationInProgress', 'Elb.InitialHealthChecking']).toContain(h0['127.0.0.7']!.Reason);
    await until(async () => Object.values(await health()).every((h) => h.State === 'healthy'), 15_000, 250);
  });

  it('mark a target failing the matcher unhealthy with its codes, and route around it', async () => {
    healthCode.B = 500;
    await until(async () => (await health())['127.0.0.8']!.State === 'unhealthy', 15_000, 250);
    expect((await health())['127.0.0.8']).toEqual({ State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [500]' });
    const bodies = await Promise.all(Array.from({ length: 10 }, () => hit().then((r) => r.body[0])));
    expect(new Set(bodies)).toEqual(new Set(['A']));
    await elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg, Matcher: { HttpCode: '200-599' } }));
    await until(async () => (await health())['127.0.0.8']!.State === 'healthy', 15_000, 250);
    await elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg, Matcher: { HttpCode: '200' } }));
    healthCode.B = 200;
    const both = await Promise.all(Array.from({ length: 10 }, () => hit().then((r) => r.body[0])));
    expect(new Set(both)).toEqual(new Set(['A', 'B']));
  });

  it('takes turns by default, and picks the target with the fewest requests in flight under least_outstanding_requests', async () => {
    const turns: string[] = [];
    for (let i = 0; i < 6; i++) turns.push((await hit()).body[0]!);
    expect(turns.join('')).toMatch(/^(AB){3}$|^(BA){3}$/);
    const setAlgorithm = (Value: string) =>
      elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'load_balancing.algorithm.type', Value }] }));
    await setAlgorithm('least_outstanding_requests');
    const slowSeen = () => ({ A: a.seen.filter((r) => r.url === '/slow').length, B: b.seen.filter((r) => r.url === '/slow').length });
    const before = slowSeen();
    const slow = hit('/slow');
    const busy = await until(() => {
      const now = slowSeen();
      return now.A > before.A ? 'A' : now.B > before.B ? 'B' : undefined;
    }, 5000, 20);
    const quick: string[] = [];
    for (let i = 0; i < 6; i++) quick.push((await hit()).body[0]!);
    expect(quick.join('')).toBe((busy === 'A' ? 'B' : 'A').repeat(6));
    expect((await slow).body).toBe(`${busy} slow done`);
    await setAlgorithm('round_robin');
  });

  it('warms a newly healthy target up with slow start: a small share at first, and not with least outstanding requests', async () => {
    const slowTg = await targetGroup(elb, [a], '/health');
    const { address } = await loadBalancer(elb, forward(slowTg));
    const state = async () => {
      const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: slowTg }));
      return Object.fromEntries(out.TargetHealthDescriptions!.map((d) => [d.Target!.Id, d.TargetHealth!.State]));
    };
    await until(async () => (await state())['127.0.0.7'] === 'healthy', 15_000, 250);
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: slowTg, Attributes: [{ Key: 'slow_start.duration_seconds', Value: '60' }] }));
    await expect(elb.send(new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: slowTg, Attributes: [{ Key: 'load_balancing.algorithm.type', Value: 'least_outstanding_requests' }],
    }))).rejects.toMatchObject({ name: 'InvalidConfigurationRequestException', message: expect.stringContaining('slow start') });
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: slowTg, Targets: [{ Id: b.host, Port: b.port }] }));
    await until(async () => (await state())['127.0.0.8'] === 'healthy', 15_000, 100);
    // Just healthy, B weighs a few hundredths of A: round robin would give it half of these.
    const bodies: string[] = [];
    for (let i = 0; i < 40; i++) bodies.push((await (await fetch(`http://${address}/`)).text())[0]!);
    expect(bodies.filter((x) => x === 'B').length).toBeLessThan(8);
  });

  it('sticks a client to one target with the AWSALB cookie', async () => {
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'stickiness.enabled', Value: 'true' }] }));
    await sleep(100);
    const first = await hit();
    expect(first.cookie).toMatch(/^AWSALB=[^;]+; Expires=.*; Path=\//);
    const cookie = first.cookie!.split(';')[0]!;
    const next = await Promise.all(Array.from({ length: 10 }, () => hit('/', { cookie }).then((r) => r.body[0])));
    expect(new Set(next)).toEqual(new Set([first.body[0]]));
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'stickiness.enabled', Value: 'false' }] }));
  });

  it('drains a deregistered target: in-flight requests finish, new ones go elsewhere, it leaves after the delay', async () => {
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3' }] }));
    expect(w.lb.deregistrationDelaySeconds(tg)).toBe(3);
    // Start slow requests until one lands on B, then deregister B while it is in flight.
    const inflight: Promise<{ body: string }>[] = [];
    for (let i = 0; i < 4; i++) inflight.push(hit('/slow'));
    await sleep(200);
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: b.host, Port: b.port }] }));
    expect((await health())['127.0.0.8']).toEqual({ State: 'draining', Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' });
    const after = await Promise.all(Array.from({ length: 10 }, () => hit().then((r) => r.body[0])));
    expect(new Set(after)).toEqual(new Set(['A']));
    const done = await Promise.all(inflight);
    expect(done.map((d) => d.body).sort()).toEqual(['A slow done', 'A slow done', 'B slow done', 'B slow done']);
    await until(async () => !(await health())['127.0.0.8'], 6_000, 250);
  });

  it('gives the service controller register/deregister/health hooks', async () => {
    await w.lb.registerTargets(tg, [{ Id: b.host, Port: b.port }]);
    expect(w.lb.targetHealth(tg, { Id: b.host, Port: b.port }).State).toBe('initial');
    await until(() => w.lb.targetHealth(tg, { Id: b.host, Port: b.port }).State === 'healthy', 15_000, 250);
    const slow = hit('/slow');
    const slow2 = hit('/slow');
    await sleep(200);
    const t0 = Date.now();
    await w.lb.deregisterTargets(tg, [{ Id: b.host, Port: b.port }]);
    const waited = Date.now() - t0;
    expect(waited).toBeLessThan(2900); // complete when nothing is in flight, before the 3 s delay
    expect(w.lb.targetHealth(tg, { Id: b.host, Port: b.port }).State).toBe('draining');
    await Promise.all([slow, slow2]);
    expect(w.lb.targetHealth(tg, { Id: '127.0.0.9', Port: 1 })).toMatchObject({ State: 'unused', Reason: 'Target.NotRegistered' });
  });
});
