// One placer per fleet: a follower replica hands RunTask and StartTask to the leader over HTTP, so every placement on
// a cluster goes through one process's group commit (tasks/placementGroups.ts) instead of three replicas racing each
// other for the same instance rows (each race a refused etcd transaction and a re-plan). The request is the decoded
// API input and the caller's context, already authenticated and authorized by the follower; the leader trusts it
// because it carries an HMAC keyed by the fleet's root secret (the sealing key, which every replica on one store
// must share) over a timestamp, a nonce and the body, and refuses
// replays, requests older than a few seconds and bodies over 4 MiB. A leader that refuses the connection, or is an
// older Wharf without the route, leaves the follower to place the call itself (guarded transactions keep that
// correct, only slower); any other failure answers ServiceUnavailableException. On SQLite there is one process and
// nothing is forwarded.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AwsError } from '../domain/errors.js';
import { randomHexId } from '../domain/randomId.js';
import type { RequestContext } from '../gateway/service.js';
import { decodeValue, encodeValue } from '../store/codec.js';

export const FORWARD_PATH = '/_wharf/placement';
export const FORWARD_MAX_BODY = 4 * 1024 * 1024;
/** How old (or how far ahead of this clock) a forwarded request may be. */
export const FORWARD_MAX_AGE_MS = 5000;
const FORWARD_TIMEOUT_MS = 30_000;
/** Every answer of the route carries it: an answer without it is from a Wharf that does not take forwarded calls. */
const VERSION_HEADER = 'x-wharf-forward-version';
const VERSION = '1';

export type ForwardedOperation = 'RunTask' | 'StartTask';
type Operation = (input: unknown, ctx: RequestContext) => Promise<unknown>;

export interface PlacementForwardingOptions {
  /** The fleet's root secret (every replica has it); the HMAC key is derived from it. */
  secret: string | Buffer;
  /** The leader's URL when another replica leads; undefined when this one does or none is known. */
  leaderUrl: () => string | undefined;
  /** The operations a forwarded request runs here. */
  operations: () => Record<ForwardedOperation, Operation>;
  now?: () => number;
}

export interface PlacementForwarding {
  /** Places the call on the leader: its answer, or undefined when this replica is to place it itself. */
  forward(op: ForwardedOperation, input: unknown, ctx: RequestContext): Promise<unknown>;
  /** The leader's side of it. */
  route: { prefix: string; handle: (req: http.IncomingMessage, res: http.ServerResponse) => void };
  close(): void;
}

/** The HMAC key: derived, so the root secret itself is used for nothing else here. */
export function forwardingKey(secret: string | Buffer): Buffer {
  return createHmac('sha256', secret).update('wharf placement forwarding v1').digest();
}

export function signForward(key: Buffer, time: number, nonce: string, body: Buffer): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', key).update(`${time}\n${nonce}\n${bodyHash}`).digest('hex');
}

export function placementForwarding(opts: PlacementForwardingOptions): PlacementForwarding {
  const key = forwardingKey(opts.secret);
  const now = opts.now ?? Date.now;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  /** Contexts of calls forwarded here: placed here, never forwarded again. */
  const received = new WeakSet<RequestContext>();
  /** Nonces seen within the age window (a replay inside it is refused; one outside it is refused as old). */
  const seen = new Map<string, number>();

  const forward = async (op: ForwardedOperation, input: unknown, ctx: RequestContext): Promise<unknown> => {
    const leader = opts.leaderUrl();
    if (!leader || received.has(ctx)) return undefined;
    const body = Buffer.from(encodeValue({ op, input, ctx }));
    const time = now();
    const nonce = randomHexId();
    const u = new URL(FORWARD_PATH, leader);
    let answer: { status: number; text: string; version: unknown };
    try {
      answer = await new Promise((ok, fail) => {
        const req = http.request(
          {
            host: u.hostname,
            port: u.port,
            method: 'POST',
            path: u.pathname,
            agent,
            timeout: FORWARD_TIMEOUT_MS,
            headers: {
              'content-type': 'application/json',
              'content-length': body.length,
              'x-wharf-forward-time': String(time),
              'x-wharf-forward-nonce': nonce,
              'x-wharf-forward-signature': signForward(key, time, nonce, body),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => ok({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), version: res.headers[VERSION_HEADER] }));
            res.on('error', fail);
          },
        );
        req.on('timeout', () => req.destroy(new Error('the leader did not answer in time')));
        req.on('error', fail);
        req.end(body);
      });
    } catch (err) {
      // Nothing listens there (the leader just went away, or is starting): place it here.
      if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') return undefined;
      throw unavailable();
    }
    // An older leader has no such route (its gateway answers as to an unsigned API call): place it here.
    if (answer.version === undefined) return undefined;
    let parsed: { output?: unknown; refused?: string; error?: { code: string; message: string; status: number; fault: 'client' | 'server' } };
    try {
      parsed = decodeValue(answer.text);
    } catch {
      throw unavailable();
    }
    if (answer.status === 200 && parsed.output !== undefined) return parsed.output;
    // Refused (a secret that differs, a clock far off): the caller did nothing wrong, the fleet is not ready.
    if (parsed.refused !== undefined) throw unavailable();
    if (parsed.error?.code) throw new AwsError(parsed.error.code, parsed.error.message, parsed.error.status, parsed.error.fault);
    throw unavailable();
  };

  const refuse = (res: http.ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json', [VERSION_HEADER]: VERSION, ...(status === 413 ? { connection: 'close' } : {}) });
    res.end(JSON.stringify({ refused: message }));
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== FORWARD_PATH) return refuse(res, 404, 'Not Found');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > FORWARD_MAX_BODY) {
      req.resume();
      return refuse(res, 413, 'forwarded request too large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > FORWARD_MAX_BODY) over = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (over) return refuse(res, 413, 'forwarded request too large');
      const body = Buffer.concat(chunks);
      const time = Number(req.headers['x-wharf-forward-time']);
      const nonce = String(req.headers['x-wharf-forward-nonce'] ?? '');
      const given = Buffer.from(String(req.headers['x-wharf-forward-signature'] ?? ''), 'hex');
      const expected = Buffer.from(signForward(key, time, nonce, body), 'hex');
      if (!Number.isFinite(time) || nonce.length < 16 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return refuse(res, 403, 'forwarded request not signed by this fleet');
      }
      const at = now();
      if (Math.abs(at - time) > FORWARD_MAX_AGE_MS) return refuse(res, 403, 'forwarded request too old');
      for (const [n, until] of seen) {
        if (until > at) break;
        seen.delete(n);
      }
      if (seen.has(nonce)) return refuse(res, 403, 'forwarded request replayed');
      seen.set(nonce, at + 2 * FORWARD_MAX_AGE_MS);
      let call: { op: ForwardedOperation; input: unknown; ctx: RequestContext };
      try {
        call = decodeValue(body.toString('utf8'));
      } catch {
        return refuse(res, 400, 'forwarded request not readable');
      }
      const operation = opts.operations()[call.op];
      if (!operation) return refuse(res, 400, `no forwarded operation ${String(call.op)}`);
      received.add(call.ctx);
      operation(call.input, call.ctx).then(
        (output) => send(res, 200, { output }),
        (err: unknown) => send(res, err instanceof AwsError ? err.status : 503, { error: errorOf(err) }),
      );
    });
  };

  return { forward, route: { prefix: FORWARD_PATH, handle }, close: () => agent.destroy() };
}

function send(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json', [VERSION_HEADER]: VERSION });
  res.end(encodeValue(body));
}

/** An error as the follower rethrows it: AWS errors as they are; anything else (the store, a fault) as unavailable. */
function errorOf(err: unknown): { code: string; message: string; status: number; fault: 'client' | 'server' } {
  if (err instanceof AwsError) return { code: err.code, message: err.message, status: err.status, fault: err.fault };
  const u = unavailable();
  return { code: u.code, message: u.message, status: u.status, fault: u.fault };
}

function unavailable(): AwsError {
  return new AwsError('ServiceUnavailableException', 'The leader replica could not place the tasks at the moment. Try again later.', 503, 'server');
}
