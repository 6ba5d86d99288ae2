// Rules evaluated by priority with every condition kind, weighted forwarding, fixed responses and redirects, and the
// errors an ALB answers with itself (503, 502, 504), through the data plane on the load balancer's own address.
import { CreateRuleCommand, ModifyLoadBalancerAttributesCommand, ModifyListenerCommand, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient, forward, loadBalancer, targetGroup } from './elbv2Client.js';
import { backend, startElbWharf, type Backend, type ElbWharf } from './elbv2Harness.js';

let w: ElbWharf;
let elb: ElasticLoadBalancingV2Client;
let a: Backend;
let b: Backend;
let tgA: string;
let tgB: string;
let addr: string;
let listenerArn: string;

/** node:http, since fetch may not set Host. */
const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    http.request({ host: addr, port: 80, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    }).on('error', reject).end();
  });

beforeAll(async () => {
  w = await startElbWharf({ addressPool: '127.32.0.0/16' });
  elb = elbClient(w);
  a = await backend('127.0.0.1', 'A');
  b = await backend('127.0.0.2', 'B');
  tgA = await targetGroup(elb, [a]);
  tgB = await targetGroup(elb, [b]);
  ({ address: addr, listenerArn } = await loadBalancer(elb, forward(tgA)));
  const rule = (Priority: number, Conditions: any[], Actions: any[]) => elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority, Conditions, Actions }));
  await rule(5, [{ Field: 'path-pattern', Values: ['/b/*'] }], forward(tgB));
  await rule(6, [{ Field: 'host-header', HostHeaderConfig: { Values: ['*.example.com'] } }], [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'host' } }]);
  await rule(7, [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['yes'] } }], forward(tgB));
  await rule(8, [{ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2*' }] } }], forward(tgB));
  await rule(9, [{ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['DELETE'] } }], [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '405' } }]);
  await rule(10, [{ Field: 'source-ip', SourceIpConfig: { Values: ['198.51.100.0/24'] } }], forward(tgB));
  await rule(3, [{ Field: 'path-pattern', Values: ['/b/special'] }], [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '418', MessageBody: 'first' } }]);
  await rule(11, [{ Field: 'path-pattern', Values: ['/old/*'] }], [{ Type: 'redirect', RedirectConfig: { Path: '/new/#{path}', StatusCode: 'HTTP_301' } }]);
  await rule(12, [{ Field: 'path-pattern', Values: ['/weighted'] }], [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgA, Weight: 1 }, { TargetGroupArn: tgB, Weight: 1 }] } }]);
  await rule(13, [{ Field: 'path-pattern', Values: ['/zero'] }], [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgA, Weight: 0 }, { TargetGroupArn: tgB, Weight: 5 }] } }]);
  await new Promise((r) => setTimeout(r, 300));
});
afterAll(async () => {
  await w?.stop();
  await a?.close();
  await b?.close();
});

describe('rules', () => {
  it('route by path, host, header, query string, method and source ip, lowest priority first', async () => {
    expect((await get('/x')).body).toBe('A /x');
    expect((await get('/b/1')).body).toBe('B /b/1');
    expect(await get('/b/special')).toMatchObject({ status: 418, body: 'first' });
    expect((await get('/x', { host: 'api.example.com' })).body).toBe('host');
    expect((await get('/x', { 'x-canary': 'YES' })).body).toBe('B /x');
    expect((await get('/x?v=21')).body).toBe('B /x?v=21');
    expect((await get('/x?v=3')).body).toBe('A /x?v=3');
    expect((await get('/x', {}, 'DELETE')).status).toBe(405);
    expect((await get('/x', {}, 'PUT')).body).toBe('A /x'); // source 127.0.0.1 is not in 10/8
  });

  it('redirects with placeholders', async () => {
    const r = await get('/old/page?q=1');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`http://${addr}/new/old/page?q=1`);
  });

  it('forwards by target group weight', async () => {
    const bodies = await Promise.all(Array.from({ length: 40 }, () => get('/weighted').then((r) => r.body[0])));
    expect(new Set(bodies)).toEqual(new Set(['A', 'B']));
    const zero = await Promise.all(Array.from({ length: 10 }, () => get('/zero').then((r) => r.body[0])));
    expect(new Set(zero)).toEqual(new Set(['B']));
  });
});

describe('errors as an ALB gives them', () => {
  it('503 when the target group has no registered target', async () => {
    const empty = await targetGroup(elb, []);
    const lb = await loadBalancer(elb, forward(empty));
    await new Promise((r) => setTimeout(r, 200));
    const res = await fetch(`http://${lb.address}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get('server')).toBe('awselb/2.0');
    expect(await res.text()).toContain('503 Service Temporarily Unavailable');
  });

  it('502 when the target refuses the connection or answers garbage', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.3', () => r()));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await loadBalancer(elb, forward(await targetGroup(elb, [{ host: '127.0.0.3', port }])));
    const garbage = net.createServer((s) => s.once('data', () => s.end('NOT HTTP AT ALL\r\n\r\n')));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.4', () => r()));
    const bad = await loadBalancer(elb, forward(await targetGroup(elb, [{ host: '127.0.0.4', port: (garbage.address() as net.AddressInfo).port }])));
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`http://${refused.address}/`)).status).toBe(502);
    expect((await fetch(`http://${bad.address}/`)).status).toBe(502);
    garbage.close();
  });

  it('504 when the target says nothing within the idle timeout', async () => {
    const silent = await backend('127.0.0.5', 'S', () => true); // never answers
    const lb = await loadBalancer(elb, forward(await targetGroup(elb, [silent])));
    await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb.lbArn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '1' }] }));
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    expect((await fetch(`http://${lb.address}/`)).status).toBe(504);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    await silent.close();
  });

  it('a modified default action applies at once', async () => {
    await elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: forward(tgB) }));
    await new Promise((r) => setTimeout(r, 100));
    expect((await get('/x')).body).toBe('B /x');
  });
});
