// The one HTTP port for every AWS API Wharf serves. A request is authenticated as far as its head allows before any
// of its body is read (signature form, time, scope, known key, every steering header signed, method, declared size),
// then its body is read within its service's limit and a shared memory budget, hashed as it streams, and the
// signature checked over that hash; only then is the operation (from the signed X-Amz-Target, Action or CBOR path)
// decoded, validated against the service model and run, and the answer or error encoded in the service's protocol.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import {
  AwsError,
  InvalidSignature,
  RequestEntityTooLarge,
  RequestTimeout,
  ServerError,
  Throttling,
  UnknownOperation,
} from '../domain/errors.js';
import { checkSignedHead, peekScope, type PendingSignature, type Principal } from './auth/index.js';
import { SIGNATURE_MISMATCH } from './auth/messages.js';
import { BodyBudget } from './budget.js';
import { declaredLength, readHashedBody, type BodyRules } from './hashedBody.js';
import { LIMITS, serverOptions } from './limits.js';
import { hasBody, lingerOnClose } from './linger.js';
import { decodeQueryInput, validateInput } from './model/index.js';
import { operationFromPath, parseCborBody } from './protocols/cbor.js';
import { operationFromTarget, parseJsonBody } from './protocols/json.js';
import { checkMethod, guessProtocol, inflate, requestProtocol, type WireProtocol } from './protocols/negotiate.js';
import { restJsonInput } from './protocols/restJson.js';
import { respond } from './respond.js';
import { signedTarget } from './protocols/target.js';
import type { Caller, GatewayIdentity, RequestContext, ServiceDefinition } from './service.js';

export interface GatewayOptions {
  host: string;
  port: number;
  accountId: string;
  /** The secret for an access key id, or undefined when the key is unknown. */
  secretFor: (accessKeyId: string) => string | undefined;
  services: ServiceDefinition[];
  /** Who each key is and what it may do (IAM); without it every known key acts as the account's root. */
  identity?: GatewayIdentity;
  logger: Logger;
  /** Clock, injectable for tests. */
  now?: () => Date;
  /** Plain HTTP routes outside the AWS APIs (health, registry, console), tried first by path prefix. */
  routes?: { prefix: string; handle: (req: http.IncomingMessage, res: http.ServerResponse) => void }[];
  /** WebSocket endpoints (the agent channel), by path prefix. */
  upgrades?: { prefix: string; handle: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void }[];
  /** Awaited before each API call is dispatched (replicas: the cache catches up with the store first). */
  beforeDispatch?: () => Promise<void>;
}

/** A request past its head checks, on its way to the body. */
interface Admitted {
  service: ServiceDefinition;
  protocol: WireProtocol;
  pending: PendingSignature;
  target: string | undefined;
  caller: Caller | undefined;
}

export class Gateway {
  private readonly server: http.Server;
  private readonly bySigningName = new Map<string, ServiceDefinition>();
  private readonly now: () => Date;
  private readonly budget = new BodyBudget(LIMITS.apiBodyBudgetBytes);

  constructor(private readonly opts: GatewayOptions) {
    for (const s of opts.services) this.bySigningName.set(s.signingName, s);
    this.now = opts.now ?? (() => new Date());
    this.server = http.createServer(serverOptions(), (req, res) => this.handle(req, res));
    this.server.maxConnections = LIMITS.maxConnections;
    // A client that asks before sending its body (Expect: 100-continue) is told to go on only once its head passes.
    this.server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res, true));
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const u = opts.upgrades?.find((x) => (req.url ?? '').startsWith(x.prefix));
      if (u) u.handle(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue = false): void {
    const url = req.url ?? '/';
    for (const r of this.opts.routes ?? []) {
      if (!url.startsWith(r.prefix)) continue;
      if (expectsContinue) res.writeContinue();
      return r.handle(req, res);
    }
    const requestId = randomUUID();
    let admitted: Admitted;
    try {
      admitted = this.admit(req);
    } catch (err) {
      // Refused on its head alone: a body still on the wire is never held; the connection closes after the answer.
      const service = this.serviceOf(req);
      const protocol = service ? safeProtocol(service, req) : guessProtocol(req);
      const close = hasBody(req.headers);
      if (close) lingerOnClose(req.socket, LIMITS.refusalLinger);
      return respond(res, { protocol, service, requestId, err: this.asAwsError(err, requestId), close });
    }
    const { service, protocol } = admitted;
    if (expectsContinue) res.writeContinue();
    readHashedBody(req, this.bodyRules(service)).then(
      ({ body, sha256, release }) => {
        res.once('close', release);
        void this.dispatch(req, res, admitted, requestId, body, sha256);
      },
      (err: unknown) => {
        if (!(err instanceof AwsError)) return void res.destroy(); // the client went away mid-body: no one to answer
        lingerOnClose(req.socket, LIMITS.refusalLinger);
        respond(res, { protocol, service, requestId, err: this.asAwsError(err, requestId), close: true });
      },
    );
  }

  /** Every check that needs no body; throws the AWS error to answer with. */
  private admit(req: http.IncomingMessage): Admitted {
    const head = { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders };
    const pending = checkSignedHead(head, this.opts.secretFor, this.now());
    const service = this.bySigningName.get(pending.claimed.service);
    if (!service) throw new UnknownOperation(`Wharf does not serve the AWS API signed for '${pending.claimed.service}'.`);
    const target = signedTarget(req, pending.presigned);
    const protocol = requestProtocol(service, req, target);
    checkMethod(protocol, req.method);
    const length = declaredLength(req);
    if (length !== undefined && length > service.maxBodyBytes) {
      throw new RequestEntityTooLarge(`Request body of ${length} bytes exceeds the ${service.maxBodyBytes} byte limit.`);
    }
    // A client that declared its payload hash signed over it: the signature can be proven before the body is read.
    if (pending.declaredHash !== undefined) pending.verify(pending.declaredHash);
    const caller = this.opts.identity ? this.callerOf(req, pending) : undefined;
    return { service, protocol, pending, target, caller };
  }

  /** The identity behind the signing key, with the session token temporary keys must carry (and sign). */
  private callerOf(req: http.IncomingMessage, pending: PendingSignature): Caller {
    let token: string | undefined;
    let signed = false;
    if (pending.presigned) {
      const q = (req.url ?? '').indexOf('?');
      token = new URLSearchParams(q >= 0 ? (req.url ?? '').slice(q + 1) : '').get('X-Amz-Security-Token') ?? undefined;
      signed = token !== undefined; // the canonical query covers every parameter
    } else {
      const h = req.headers['x-amz-security-token'];
      token = Array.isArray(h) ? h[0] : h;
      signed = pending.signedHeaders.has('x-amz-security-token');
    }
    return this.opts.identity!.caller(pending.claimed.accessKeyId, token, signed, this.now());
  }

  private bodyRules(service: ServiceDefinition): BodyRules {
    return {
      limit: service.maxBodyBytes,
      budget: this.budget,
      deadlineMs: LIMITS.apiBodyDeadlineMs,
      tooLarge: (n) => new RequestEntityTooLarge(`Request body of ${n} bytes exceeds the ${service.maxBodyBytes} byte limit.`),
      busy: () => new Throttling('Too many request bodies are being received; try again.'),
      tooSlow: () => new RequestTimeout(`The request body did not arrive within ${LIMITS.apiBodyDeadlineMs / 1000} seconds.`),
    };
  }

  private async dispatch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    { service, protocol, pending, target, caller: known }: Admitted,
    requestId: string,
    body: Buffer,
    sha256: string,
  ) {
    try {
      if (this.opts.beforeDispatch) await this.opts.beforeDispatch();
      let principal: Principal;
      if (pending.declaredHash !== undefined) {
        // Already proven over the declared hash; the body must be the one it names.
        if (pending.declaredHash !== sha256) throw new InvalidSignature(SIGNATURE_MISMATCH);
        principal = pending.claimed;
      } else {
        principal = pending.verify(sha256);
      }
      const caller: Caller = known ?? {
        kind: 'root',
        arn: `arn:aws:iam::${this.opts.accountId}:root`,
        userId: this.opts.accountId,
        accessKeyId: principal.accessKeyId,
      };
      const ctx: RequestContext = {
        requestId,
        region: principal.region,
        accountId: this.opts.accountId,
        accessKeyId: principal.accessKeyId,
        principalArn: caller.arn,
        caller,
        now: this.now(),
        header: (name) => {
          const v = req.headers[name];
          return Array.isArray(v) ? v[0] : v;
        },
      };
      const { operation, input } = decode(service, protocol, req, target, inflate(req, body, service.maxBodyBytes));
      // Root and agents' keys pass; IAM users and role sessions get what their policies allow.
      if (known && (known.kind === 'user' || known.kind === 'role')) {
        this.opts.identity!.authorize(known, {
          signingName: service.signingName, protocol, operation, input, region: ctx.region, accountId: ctx.accountId, now: ctx.now,
        });
      }
      const output = await service.operations[operation]!(input, ctx);
      respond(res, { protocol, service, requestId, operation, output });
    } catch (err) {
      respond(res, { protocol, service, requestId, err: this.asAwsError(err, requestId) });
    }
  }

  /** The service a request's scope names, for shaping an error; nothing is verified. */
  private serviceOf(req: http.IncomingMessage): ServiceDefinition | undefined {
    const scope = peekScope({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body: Buffer.alloc(0) });
    return scope ? this.bySigningName.get(scope.service) : undefined;
  }

  private asAwsError(err: unknown, requestId: string): AwsError {
    if (err instanceof AwsError) return err;
    // The state store lost its quorum or cannot be reached (named, not imported: the gateway sits below the store).
    if (err instanceof Error && err.name === 'StoreUnavailableError') {
      this.opts.logger.warn({ err: err.message, requestId }, 'the state store did not answer');
      return new AwsError('ServiceUnavailableException', 'Wharf\'s state store is not available at the moment. Try again later.', 503, 'server');
    }
    this.opts.logger.error({ err, requestId }, 'request failed with an internal error');
    return new ServerError('An internal error occurred. The request id is ' + requestId + '.');
  }
}

/** The protocol to shape a head refusal in; the headers it reads may be the very ones refused, so never throws. */
function safeProtocol(service: ServiceDefinition, req: http.IncomingMessage): WireProtocol {
  try {
    return requestProtocol(service, req, signedTarget(req, false));
  } catch {
    return service.protocol;
  }
}

function decode(service: ServiceDefinition, protocol: WireProtocol, req: http.IncomingMessage, target: string | undefined, body: Buffer) {
  if (protocol === 'rest-json') {
    const { operation, raw } = restJsonInput(service.model!, req.method ?? 'GET', req.url ?? '/', req.headers, body);
    if (!Object.hasOwn(service.operations, operation)) throw new UnknownOperation(`Wharf does not serve ${operation}.`);
    return { operation, input: validateInput(service.model!, operation, raw, { validationErrorCode: service.validationErrorCode }) };
  }
  if (protocol === 'json' || protocol === 'cbor') {
    const operation = protocol === 'cbor' ? operationFromPath(service, req.url ?? '/') : operationFromTarget(service, target);
    const raw = protocol === 'cbor' ? parseCborBody(body) : parseJsonBody(body);
    const input = service.model
      ? validateInput(service.model, operation, raw, { validationErrorCode: service.validationErrorCode })
      : raw;
    return { operation, input };
  }
  // Query protocol: parameters from the form body (POST) or the query string (GET).
  const q = (req.url ?? '').indexOf('?');
  const params = new URLSearchParams(
    req.method === 'POST' ? body.toString('utf8') : q >= 0 ? (req.url ?? '').slice(q + 1) : '',
  );
  const operation = params.get('Action') ?? '';
  if (!Object.hasOwn(service.operations, operation)) {
    throw new AwsError('InvalidAction', `The action ${operation || '(none)'} is not valid for this web service.`);
  }
  return { operation, input: decodeQueryInput(service.model!, operation, params) };
}
