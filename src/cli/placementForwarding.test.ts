import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsError, InvalidParameter } from '../domain/errors.js';
import type { RequestContext } from '../gateway/service.js';
import { FORWARD_MAX_BODY, FORWARD_PATH, placementForwarding, signForward, forwardingKey, type PlacementForwarding } from './placementForwarding.js';

const SECRET = 'root-secret-of-the-fleet';
const servers: http.Server[] = [];
const forwardings: PlacementForwarding[] = [];
afterEach(async () => {
  forwardings.splice(0).forEach((f) => f.close());
  await Promise.all(servers.splice(0).map((s) => new Promise((ok) => (s.closeAllConnections(), s.close(ok)))));
});

const ctx = (): RequestContext => ({ requestId: 'r1', region: 'us-east-1', accountId: '123456789012', accessKeyId: 'AKIA', principalArn: 'arn:aws:iam::123456789012:root', now: new Date('2026-01-02T03:04:05Z') });

async function listen(handle: http.RequestListener): Promise<string> {
  const server = http.createServer(handle);
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A leader whose RunTask records what it was given and answers with a task carrying a date. */
async function leader(secret = SECRET) {
  const calls: { input: unknown; ctx: RequestContext }[] = [];
  const f = placementForwarding({
    secret,
    leaderUrl: () => undefined,
    operations: () => ({
      RunTask: async (input, c) => {
        calls.push({ input, ctx: c });
        if ((input as { count: number }).count > 10) throw new InvalidParameter('count must be between 1 and 10.');
        return { tasks: [{ taskArn: 'arn:task/1', createdAt: new Date(5000) }], failures: [] };
      },
      StartTask: async () => ({ tasks: [], failures: [] }),
    }),
  });
  forwardings.push(f);
  const url = await listen(f.route.handle);
  return { url, calls, forwarding: f };
}

function follower(leaderUrl: string | undefined, secret = SECRET) {
  const f = placementForwarding({ secret, leaderUrl: () => leaderUrl, operations: () => ({ RunTask: async () => 'local', StartTask: async () => 'local' }) });
  forwardings.push(f);
  return f;
}

/** A raw signed POST to the leader's route, as a follower would send it (or not). */
async function post(url: string, body: Buffer, headers: { time: number; nonce: string; signature: string }) {
  const res = await fetch(url + FORWARD_PATH, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: { 'x-wharf-forward-time': String(headers.time), 'x-wharf-forward-nonce': headers.nonce, 'x-wharf-forward-signature': headers.signature },
  });
  return { status: res.status, body: (await res.json()) as { output?: unknown; refused?: string } };
}

describe('placement forwarding', () => {
  it('places a follower call on the leader: the leader runs it with the caller context and the answer keeps its dates', async () => {
    const l = await leader();
    const out = (await follower(l.url).forward('RunTask', { cluster: 'c', count: 2 }, ctx())) as { tasks: { createdAt: Date }[] };
    expect(out.tasks[0]!.createdAt).toEqual(new Date(5000));
    expect(l.calls).toHaveLength(1);
    expect(l.calls[0]!.input).toEqual({ cluster: 'c', count: 2 });
    expect(l.calls[0]!.ctx.now).toEqual(new Date('2026-01-02T03:04:05Z'));
    expect(l.calls[0]!.ctx.accountId).toBe('123456789012');
    // The leader does not forward a forwarded call again.
    expect(await l.forwarding.forward('RunTask', {}, l.calls[0]!.ctx)).toBeUndefined();
  });

  it("answers the leader's AWS error as its own", async () => {
    const l = await leader();
    const err = await follower(l.url).forward('RunTask', { count: 11 }, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect((err as AwsError).code).toBe('InvalidParameterException');
    expect((err as AwsError).message).toBe('count must be between 1 and 10.');
  });

  it('refuses a request signed with another key, a replay, an old one and one over 4 MiB, and runs none of them', async () => {
    const l = await leader();
    const key = forwardingKey(SECRET);
    const body = Buffer.from(JSON.stringify({ op: 'RunTask', input: { count: 1 }, ctx: ctx() }));
    const now = Date.now();
    const wrongKey = await post(l.url, body, { time: now, nonce: 'a'.repeat(32), signature: signForward(forwardingKey('another secret'), now, 'a'.repeat(32), body) });
    expect(wrongKey.status).toBe(403);
    // The signature covers the body: a changed body is refused.
    const good = { time: now, nonce: 'b'.repeat(32), signature: signForward(key, now, 'b'.repeat(32), body) };
    expect((await post(l.url, Buffer.from(body.toString().replace('"count":1', '"count":2')), good)).status).toBe(403);
    expect((await post(l.url, body, good)).status).toBe(200);
    const replay = await post(l.url, body, good);
    expect(replay.status).toBe(403);
    expect(replay.body.refused).toMatch(/replayed/);
    const then = now - 10_000;
    const old = await post(l.url, body, { time: then, nonce: 'c'.repeat(32), signature: signForward(key, then, 'c'.repeat(32), body) });
    expect(old.status).toBe(403);
    expect(old.body.refused).toMatch(/too old/);
    const big = Buffer.alloc(FORWARD_MAX_BODY + 1, 32);
    const tooBig = await fetch(l.url + FORWARD_PATH, { method: 'POST', body: new Uint8Array(big), headers: { 'x-wharf-forward-time': String(now), 'x-wharf-forward-nonce': 'd'.repeat(32), 'x-wharf-forward-signature': signForward(key, now, 'd'.repeat(32), big) } });
    expect(tooBig.status).toBe(413);
    expect(l.calls).toHaveLength(1);
  });

  it('a follower with another secret is refused and answers ServiceUnavailableException', async () => {
    const l = await leader();
    const err = await follower(l.url, 'not the fleet secret').forward('RunTask', { count: 1 }, ctx()).catch((e: unknown) => e);
    expect((err as AwsError).code).toBe('ServiceUnavailableException');
    expect(l.calls).toHaveLength(0);
  });

  it('places the call itself when no leader is known, the leader refuses the connection or is an older version', async () => {
    expect(await follower(undefined).forward('RunTask', {}, ctx())).toBeUndefined();
    const gone = await listen(() => undefined);
    servers.pop()!.close();
    await new Promise((ok) => setTimeout(ok, 50));
    expect(await follower(gone).forward('RunTask', {}, ctx())).toBeUndefined();
    // An older Wharf has no such route: its gateway refuses an unsigned API call.
    const older = await listen((_req, res) => (res.writeHead(403, { 'content-type': 'application/x-amz-json-1.1' }), res.end('{"__type":"MissingAuthenticationTokenException"}')));
    expect(await follower(older).forward('RunTask', {}, ctx())).toBeUndefined();
  });

  it('answers ServiceUnavailableException when the leader fails otherwise', async () => {
    const broken = await listen((_req, res) => (res.writeHead(500, { 'x-wharf-forward-version': '1' }), res.end('boom')));
    const err = await follower(broken).forward('RunTask', {}, ctx()).catch((e: unknown) => e);
    expect((err as AwsError).code).toBe('ServiceUnavailableException');
    expect((err as AwsError).status).toBe(503);
    const hangsUp = await listen((req) => req.socket.destroy());
    expect(((await follower(hangsUp).forward('RunTask', {}, ctx()).catch((e: unknown) => e)) as AwsError).code).toBe('ServiceUnavailableException');
  });
});
