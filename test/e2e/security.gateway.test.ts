// An attacker's view of the gateway: what a signature must cover (the operation, the body), what an anonymous client
// can make the server hold, which HTTP methods name an operation, and the error codes each protocol answers with.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type Wharf } from './harness.js';
import { ecsJsonRequest, memoryOf, postLargeBody, presignRaw, send, signRaw } from './rawHttp.js';
import { ecsCall } from './signing.js';

let wharf: Wharf;
beforeAll(async () => {
  wharf = await startWharf();
  expect((await ecsCall(wharf.url, 'CreateCluster', { clusterName: 'victim' })).status).toBe(200);
});
afterAll(async () => {
  await wharf?.stop();
});

const clusterNames = async () =>
  ((await ecsCall(wharf.url, 'ListClusters', {})).json().clusterArns as string[]).map((a) => a.split('/').pop());

/** docs/architecture.md, "What a client can cost". */
const MAX_CONNECTIONS = 512;
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const DESCRIBE_LBS = 'Action=DescribeLoadBalancers&Version=2015-12-01';
const xmlCode = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
const xmlMessage = (xml: string) => /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];

describe('the signature covers the operation', () => {
  it('refuses a signed request whose X-Amz-Target is not signed, and deletes nothing', async () => {
    // A captured DescribeClusters whose SignedHeaders leave out X-Amz-Target, replayed as DeleteCluster.
    const captured = await signRaw(wharf.url, ecsJsonRequest('DescribeClusters', '{"cluster":"victim"}'), { unsigned: ['x-amz-target'] });
    const forged = { ...captured, headers: { ...captured.headers, 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DeleteCluster' } };
    const r = await send(wharf.url, forged);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text)).toEqual({
      __type: 'InvalidSignatureException',
      message: "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
    });
    expect(await clusterNames()).toContain('victim');
  });

  it('runs a presigned URL as the operation signed into its query string, and refuses an X-Amz-Target added to it', async () => {
    const url = await presignRaw(wharf.url, ecsJsonRequest('ListServices', '{"cluster":"victim"}'));
    expect(Object.keys(url.query!).map((k) => k.toLowerCase())).toContain('x-amz-target');

    const asSigned = await send(wharf.url, url);
    expect(asSigned.status).toBe(200);
    expect(JSON.parse(asSigned.text)).toEqual({ serviceArns: [] });

    const forged = await send(wharf.url, { ...url, headers: { ...url.headers, 'X-Amz-Target': 'AmazonEC2ContainerServiceV20141113.DeleteCluster' } });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.text).__type).toBe('InvalidSignatureException');
    expect(await clusterNames()).toContain('victim');
  });

  it('refuses X-Amz-Content-Sha256: UNSIGNED-PAYLOAD, so a swapped body is never run', async () => {
    const signed = await signRaw(wharf.url, {
      ...ecsJsonRequest('CreateCluster', '{"clusterName":"signed-body"}'),
      headers: { ...ecsJsonRequest('CreateCluster', '').headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    const r = await send(wharf.url, signed, '{"clusterName":"swapped-body"}');
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text).__type).toBe('InvalidSignatureException');
    const names = await clusterNames();
    expect(names).not.toContain('swapped-body');
    expect(names).not.toContain('signed-body');
  });

  it('refuses a body that differs from its declared, signed hash', async () => {
    const signed = await signRaw(wharf.url, ecsJsonRequest('CreateCluster', '{"clusterName":"declared"}'));
    expect(Object.keys(signed.headers!)).toContain('x-amz-content-sha256');
    const r = await send(wharf.url, signed, '{"clusterName":"replaced"}');
    expect(r.status).toBe(403);
    expect(await clusterNames()).not.toContain('replaced');
  });
});

describe('HTTP methods', () => {
  it('refuses GET, PUT, DELETE, OPTIONS and HEAD on a JSON API, even when signed', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD']) {
      const body = method === 'PUT' ? '{}' : '';
      const signed = await signRaw(wharf.url, { ...ecsJsonRequest('ListClusters', body), method });
      const r = await send(wharf.url, signed);
      expect(r.status, method).toBe(400);
      if (method !== 'HEAD') expect(JSON.parse(r.text).__type, method).toBe('UnknownOperationException');
    }
  });

  it('takes a signed GET with its parameters in the query string on a query API, as AWS does', async () => {
    const signed = await signRaw(wharf.url, { method: 'GET', query: { Action: 'DescribeLoadBalancers', Version: '2015-12-01' } }, { service: 'elasticloadbalancing' });
    const r = await send(wharf.url, signed);
    expect(r.status).toBe(200);
    expect(r.text).toContain('<DescribeLoadBalancersResponse');
  });
});

describe('error codes per protocol', () => {
  it('answers query-protocol auth failures with the query codes, in XML', async () => {
    const wrongSecret = await send(wharf.url, await signRaw(wharf.url, { headers: FORM, body: DESCRIBE_LBS }, { service: 'elasticloadbalancing', secretAccessKey: 'wrong' }));
    expect(wrongSecret.status).toBe(403);
    expect(wrongSecret.headers['content-type']).toBe('text/xml');
    expect(xmlCode(wrongSecret.text)).toBe('SignatureDoesNotMatch');

    const unknownKey = await send(wharf.url, await signRaw(wharf.url, { headers: FORM, body: DESCRIBE_LBS }, { service: 'monitoring', accessKeyId: 'AKIAUNKNOWNKEY000000' }));
    expect(unknownKey.status).toBe(403);
    expect(xmlCode(unknownKey.text)).toBe('InvalidClientTokenId');
    expect(xmlMessage(unknownKey.text)).toBe('The security token included in the request is invalid.');

    const unsigned = await send(wharf.url, { headers: FORM, body: DESCRIBE_LBS });
    expect(unsigned.status).toBe(403);
    expect(xmlCode(unsigned.text)).toBe('MissingAuthenticationToken');
    expect(xmlMessage(unsigned.text)).toBe('Request is missing Authentication Token');

    const bearer = await send(wharf.url, { headers: { ...FORM, authorization: 'Bearer x' }, body: DESCRIBE_LBS });
    expect(bearer.status).toBe(400);
    expect(xmlCode(bearer.text)).toBe('IncompleteSignature');
  });

  it('names the query code in x-amzn-query-error when CloudWatch is called in JSON with a bad signature', async () => {
    const json = {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms' },
      body: '{}',
    };
    const r = await send(wharf.url, await signRaw(wharf.url, json, { service: 'monitoring', secretAccessKey: 'wrong' }));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text).__type).toBe('InvalidSignatureException');
    expect(r.headers['x-amzn-query-error']).toBe('SignatureDoesNotMatch;Sender');
  });

  it('answers an unsigned GET query request in XML', async () => {
    const r = await send(wharf.url, { method: 'GET', query: { Action: 'DescribeLoadBalancers', Version: '2015-12-01' } });
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toBe('text/xml');
    expect(r.text).toContain('<ErrorResponse');
    expect(xmlCode(r.text)).toBe('MissingAuthenticationToken');
  });

  it('answers Authorization: Bearer on a JSON API with IncompleteSignatureException and AWS text', async () => {
    const r = await send(wharf.url, { ...ecsJsonRequest('ListClusters', '{}'), headers: { ...ecsJsonRequest('ListClusters', '').headers, authorization: 'Bearer x' } });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({
      __type: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
        "'X-Amz-Date' or a 'Date' header. Authorization=Bearer x",
    });
  });
});

describe('what an anonymous client can cost', () => {
  it('answers twenty concurrent unsigned 15 MB bodies without holding them, and stays under its memory bound', async () => {
    const pid = wharf.proc.pid!;
    const before = await memoryOf(pid);
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' };
    const body = Buffer.alloc(15_000_000, 0x61);
    const answers = await Promise.all(Array.from({ length: 20 }, () => postLargeBody(wharf.url, headers, body)));
    expect(answers).toEqual(Array(20).fill(403));
    const after = await memoryOf(pid);
    // docs/architecture.md: anonymous clients are refused on their head; their bodies are read and dropped, never held.
    expect(after.peak - before.rss).toBeLessThan(48 * 1024 * 1024);
    expect((await ecsCall(wharf.url, 'ListClusters', {})).status).toBe(200);
  });

  it('lets an anonymous client that reads only after sending its whole body read the refusal', async () => {
    // As urllib3 (so the aws CLI) does: the 15 MB body is more than loopback's socket buffers hold, so the write ends
    // only if the server goes on reading (and dropping) it after answering.
    const net = await import('node:net');
    const u = new URL(wharf.url);
    const socket = net.connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.pause();
    const head =
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n' +
      'X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters\r\nContent-Length: 15000000\r\n\r\n';
    const written = await new Promise<string>((resolve) => {
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
      socket.write(head);
      socket.write(Buffer.alloc(15_000_000, 0x61), () => resolve('written'));
    });
    expect(written).toBe('written');
    socket.resume();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const answer = Buffer.concat(chunks).toString('latin1');
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain('MissingAuthenticationTokenException');
  });

  it('answers an anonymous Expect: 100-continue with the refusal, never with 100 Continue', async () => {
    const net = await import('node:net');
    const u = new URL(wharf.url);
    const socket = net.connect(Number(u.port), u.hostname);
    socket.write(
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n' +
        'X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters\r\nContent-Length: 15000000\r\nExpect: 100-continue\r\n\r\n',
    );
    const first = await new Promise<string>((resolve) => {
      socket.once('data', (d) => resolve(d.toString('latin1')));
      socket.on('error', () => resolve(''));
    });
    socket.destroy();
    expect(first).toMatch(/^HTTP\/1\.1 403 /);
  });

  it('tells a signed Expect: 100-continue client to go on, and runs its request', async () => {
    const signed = await signRaw(wharf.url, ecsJsonRequest('ListClusters', '{}'));
    const u = new URL(wharf.url);
    const { host: _host, ...headers } = signed.headers!;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, method: 'POST', path: '/', headers: { ...headers, expect: '100-continue' }, agent: false });
      req.on('continue', () => req.end(signed.body));
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
    });
    expect(status).toBe(200);
  });

  it('caps open connections: those past the cap are closed at once, and the server still answers after', async () => {
    const net = await import('node:net');
    const u = new URL(wharf.url);
    const sockets = Array.from({ length: MAX_CONNECTIONS + 8 }, () => net.connect(Number(u.port), u.hostname));
    let closedByServer = 0;
    for (const s of sockets) {
      s.on('error', () => {});
      s.on('close', () => closedByServer++);
    }
    await expect.poll(() => closedByServer, { timeout: 5_000 }).toBeGreaterThanOrEqual(8);
    expect(closedByServer).toBeLessThan(sockets.length);
    for (const s of sockets) s.destroy();
    // The server sees the closes a moment later; until then a new connection may still be over the cap.
    const answer = () => ecsCall(wharf.url, 'ListClusters', {}).then((r) => r.status, () => 0);
    await expect.poll(answer, { timeout: 5_000 }).toBe(200);
  });

  it('closes a connection whose headers do not arrive in time', async () => {
    const net = await import('node:net');
    const u = new URL(wharf.url);
    const socket = net.connect(Number(u.port), u.hostname);
    socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const started = Date.now();
    const closed = await new Promise<number>((resolve) => {
      socket.on('error', () => {});
      socket.on('close', () => resolve(Date.now() - started));
      socket.resume();
    });
    expect(closed).toBeLessThan(20_000);
  }, 30_000);
});
