// The data plane's connections: keep-alive to clients, pooled keep-alive to targets, streaming and chunked bodies,
// WebSocket upgrades, and hostile clients (slowloris, oversized headers, malformed requests) answered 408/431/400
// while everyone else is still served. All of it twice: served in the control plane's own process, and by data plane
// worker processes that get each connection passed from the parent.
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import http from 'node:http';
import net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient, forward, loadBalancer, targetGroup } from './elbv2Client.js';
import { backend, startElbWharf, until, type Backend, type ElbWharf } from './elbv2Harness.js';

let w: ElbWharf;
let elb: ElasticLoadBalancingV2Client;
let be: Backend;
let addr: string;
const upstreamSockets = new Set<string>();
/** Responses to /hold, answered when a test says so. */
const held: http.ServerResponse[] = [];

function request(agent: http.Agent, path: string, method = 'GET', body?: string | string[]) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders; socket: number }>((resolve, reject) => {
    const req = http.request({ host: addr, port: 80, path, method, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers, socket: req.socket!.localPort! }));
    });
    req.on('error', reject);
    for (const part of Array.isArray(body) ? body : body ? [body] : []) req.write(part);
    req.end();
  });
}

/** Writes raw bytes and returns whatever comes back until the server closes. */
function raw(data: string | Buffer, keepOpenMs = 0): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(80, addr);
    let out = '';
    s.setEncoding('latin1').on('data', (d) => (out += d));
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    s.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    if (keepOpenMs) setTimeout(() => s.destroy(), keepOpenMs);
  });
}

describe.each([['in-process', 0], ['worker processes', 2]])('connections (%s)', (_mode, workers) => {
  beforeAll(async () => {
    w = await startElbWharf({ addressPool: '127.33.0.0/16', headersTimeoutMs: 1000, workers });
    elb = elbClient(w);
    be = await backend('127.0.0.6', 'E', (req, res) => {
      upstreamSockets.add(`${req.socket.remotePort}`);
      if (req.url === '/hold') {
        held.push(res);
        return true;
      }
      if (req.url === '/body') {
        let body = '';
        req.setEncoding('latin1').on('data', (c) => (body += c)).on('end', () => res.end(`got ${body}`, 'latin1'));
        return true;
      }
      if (req.url === '/echo') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }); // no length: chunked back
        req.pipe(res);
        return true;
      }
      if (req.url === '/stream') {
        res.writeHead(200);
        let i = 0;
        const t = setInterval(() => {
          res.write(`tick${i}\n`);
          if (++i === 3) {
            clearInterval(t);
            res.end();
          }
        }, 100);
        return true;
      }
      return false;
    });
    const wss = new WebSocketServer({ server: be.server });
    wss.on('connection', (ws, req) => {
      ws.send(`hello ${req.headers['x-forwarded-for']}`);
      ws.on('message', (m) => ws.send(`echo ${m}`));
    });
    ({ address: addr } = await loadBalancer(elb, forward(await targetGroup(elb, [be]))));
    await new Promise((r) => setTimeout(r, 300));
  });
  afterAll(async () => {
    await w?.stop();
    await be?.close();
  });

  it('keeps client connections alive and pools connections to the target', async () => {
    upstreamSockets.clear();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await request(agent, `/k${i}`));
    expect(new Set(results.map((r) => r.socket)).size).toBe(1);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(upstreamSockets.size).toBe(1);
    agent.destroy();
  });

  it('streams chunked request and response bodies both ways', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const big = 'x'.repeat(1 << 20);
    const r = await request(agent, '/echo', 'POST', ['part1-', big, '-part3']);
    expect(r.body.length).toBe(big.length + 12);
    expect(r.headers['transfer-encoding']).toBe('chunked');
    const s = await request(agent, '/stream');
    expect(s.body).toBe('tick0\ntick1\ntick2\n');
    agent.destroy();
  });

  it('serves requests pipelined in one write, a body arriving with its head, and a head split over two writes', async () => {
    const pipelined = await raw('GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhel\xe9oGET /p3 HTTP/1.1\r\n' +
      'Host: x\r\nConnection: close\r\n\r\n');
    expect(pipelined.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(3);
    expect(pipelined).toMatch(/\r\n\r\nE \/p1HTTP\/1\.1 200 OK[\s\S]*\r\n\r\ngot hel\xe9oHTTP\/1\.1 200 OK[\s\S]*\r\n\r\nE \/p3$/);
    // The rest of a read waits in the connection while its first request is answered; other clients' reads meanwhile
    // must not change it (the fast path reads every connection into one buffer).
    const waiting = raw('GET /hold HTTP/1.1\r\nHost: x\r\n\r\nGET /after-hold HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await until(() => held.length === 1, 5000, 20);
    const others = new http.Agent({ keepAlive: false });
    for (let i = 0; i < 3; i++) expect((await request(others, `/other-${'z'.repeat(40)}-${i}`)).status).toBe(200);
    held.pop()!.end('held');
    expect(await waiting).toMatch(/\r\n\r\nheldHTTP\/1\.1 200 OK[\s\S]*\r\n\r\nE \/after-hold$/);
    const split = await new Promise<string>((resolve) => {
      const s = net.connect(80, addr);
      let out = '';
      s.setEncoding('latin1').on('data', (d) => (out += d)).on('close', () => resolve(out));
      s.write('GET /split HTTP/1.1\r\nHo');
      setTimeout(() => s.write('st: x\r\nConnection: close\r\n\r\n'), 50); // a second TCP segment
    });
    expect(split).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nE \/split$/);
  });

  it('upgrades WebSockets through to the target', async () => {
    const ws = new WebSocket(`ws://${addr}/ws`);
    const msgs: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (m) => {
        msgs.push(String(m));
        if (msgs.length === 1) ws.send('ping');
        else resolve();
      });
      ws.on('error', reject);
    });
    ws.close();
    expect(msgs).toEqual(['hello 127.0.0.1', 'echo ping']);
  });

  it('answers malformed requests 400 and oversized headers 431', async () => {
    expect(await raw('GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('times out a slowloris client with 408 while others are served', async () => {
    const slow = Array.from({ length: 50 }, () => raw('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '));
    const agent = new http.Agent({ keepAlive: false });
    const t0 = Date.now();
    const ok = await Promise.all(Array.from({ length: 20 }, (_, i) => request(agent, `/ok${i}`)));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(ok.every((r) => r.status === 200)).toBe(true);
    const answers = await Promise.all(slow);
    expect(answers.every((a) => a.startsWith('HTTP/1.1 408 '))).toBe(true);
  });
});
