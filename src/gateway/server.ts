// The one HTTP port for every AWS API Wharf serves: reads the body (bounded), authenticates with SigV4, picks the
// service by signing name and the operation by X-Amz-Target or Action, validates input against the service model,
// runs the handler and encodes the answer or the error in that service's protocol.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import {
  AwsError,
  MissingAuthenticationToken,
  RequestEntityTooLarge,
  ServerError,
  UnknownOperation,
} from '../domain/errors.js';
import { peekScope, verifySigV4 } from './auth/index.js';
import { readBoundedBody } from './body.js';
import { decodeQueryInput, encodeQueryError, encodeQueryOutput, validateInput } from './model/index.js';
import { CBOR_CONTENT_TYPE, encodeCbor, operationFromPath, parseCborBody } from './protocols/cbor.js';
import { encodeJson, encodeJsonError, jsonContentType, operationFromTarget, parseJsonBody } from './protocols/json.js';
import { inflate, queryErrorHeader, requestProtocol, type WireProtocol } from './protocols/negotiate.js';
import type { RequestContext, ServiceDefinition } from './service.js';

export interface GatewayOptions {
  host: string;
  port: number;
  accountId: string;
  /** The secret for an access key id, or undefined when the key is unknown. */
  secretFor: (accessKeyId: string) => string | undefined;
  services: ServiceDefinition[];
  logger: Logger;
  /** Clock, injectable for tests. */
  now?: () => Date;
  /** Plain HTTP routes outside the AWS APIs (health, registry, console), tried first by path prefix. */
  routes?: { prefix: string; handle: (req: http.IncomingMessage, res: http.ServerResponse) => void }[];
  /** WebSocket endpoints (the agent channel), by path prefix. */
  upgrades?: { prefix: string; handle: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void }[];
}

/** Largest body read before a service is known; services may allow less, never more. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class Gateway {
  private readonly server: http.Server;
  private readonly bySigningName = new Map<string, ServiceDefinition>();
  private readonly now: () => Date;

  constructor(private readonly opts: GatewayOptions) {
    for (const s of opts.services) this.bySigningName.set(s.signingName, s);
    this.now = opts.now ?? (() => new Date());
    this.server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.handle(req, res));
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

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    for (const r of this.opts.routes ?? []) {
      if (url.startsWith(r.prefix)) return r.handle(req, res);
    }
    const requestId = randomUUID();
    readBoundedBody(req, MAX_BODY_BYTES, () => new RequestEntityTooLarge(`Request body exceeds the ${MAX_BODY_BYTES} byte limit.`)).then(
      (body) => this.dispatch(req, body, requestId, res),
      (err: unknown) => {
        const aws = err instanceof AwsError ? err : new ServerError('Failed to read the request body.');
        this.reply(res, guessProtocol(req), undefined, requestId, aws, true);
      },
    );
  }

  private async dispatch(req: http.IncomingMessage, body: Buffer, requestId: string, res: http.ServerResponse) {
    let service: ServiceDefinition | undefined;
    let protocol: WireProtocol = guessProtocol(req);
    try {
      const signed = { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body };
      const scope = peekScope(signed);
      if (!scope) throw new MissingAuthenticationToken('Missing Authentication Token');
      service = this.bySigningName.get(scope.service);
      if (!service) throw new UnknownOperation(`Wharf does not serve the AWS API signed for '${scope.service}'.`);
      protocol = requestProtocol(service, req);
      if (body.length > service.maxBodyBytes) {
        throw new RequestEntityTooLarge(`Request body of ${body.length} bytes exceeds the ${service.maxBodyBytes} byte limit.`);
      }
      const principal = verifySigV4(signed, this.opts.secretFor, this.now());
      const ctx: RequestContext = {
        requestId,
        region: principal.region,
        accountId: this.opts.accountId,
        accessKeyId: principal.accessKeyId,
        principalArn: `arn:aws:iam::${this.opts.accountId}:root`,
        now: this.now(),
      };
      const { operation, input } = decode(service, protocol, req, inflate(req, body, service.maxBodyBytes));
      const output = await service.operations[operation]!(input, ctx);
      this.reply(res, protocol, service, requestId, undefined, false, operation, output);
    } catch (err) {
      const aws = err instanceof AwsError ? err : this.internal(err, requestId);
      this.reply(res, protocol, service, requestId, aws, false);
    }
  }

  private internal(err: unknown, requestId: string): AwsError {
    this.opts.logger.error({ err, requestId }, 'request failed with an internal error');
    return new ServerError('An internal error occurred. The request id is ' + requestId + '.');
  }

  private reply(
    res: http.ServerResponse,
    protocol: WireProtocol,
    service: ServiceDefinition | undefined,
    requestId: string,
    err: AwsError | undefined,
    closeConnection: boolean,
    operation?: string,
    output?: unknown,
  ): void {
    let payload: string | Buffer;
    let contentType: string;
    if (protocol === 'cbor') {
      const ns = service?.model?.metadata.serviceId ? `com.amazonaws.${service.model.metadata.serviceId.toLowerCase().replace(/\s+/g, '')}#` : '';
      payload = encodeCbor(err ? { __type: ns + err.code, message: err.message } : output);
      contentType = CBOR_CONTENT_TYPE;
    } else if (protocol === 'json') {
      payload = err ? encodeJsonError(err) : encodeJson(output);
      contentType = service ? jsonContentType(service) : 'application/x-amz-json-1.1';
    } else {
      payload = err
        ? encodeQueryError(err.code, err.message, requestId, err.fault === 'server' ? 'Receiver' : 'Sender', service?.model)
        : encodeQueryOutput(service!.model!, operation!, output, requestId);
      contentType = 'text/xml';
    }
    const headers: http.OutgoingHttpHeaders = {
      'content-type': contentType,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': requestId,
    };
    if (err && protocol === 'json') headers['x-amzn-errortype'] = err.code;
    if (protocol === 'cbor') headers['smithy-protocol'] = 'rpc-v2-cbor';
    if (err && protocol !== 'query') Object.assign(headers, queryErrorHeader(service, err.code, err.fault));
    if (closeConnection) headers.connection = 'close';
    res.writeHead(err ? err.status : 200, headers);
    res.end(payload);
  }
}

function decode(service: ServiceDefinition, protocol: WireProtocol, req: http.IncomingMessage, body: Buffer) {
  if (protocol === 'json' || protocol === 'cbor') {
    const target = req.headers['x-amz-target'];
    const operation =
      protocol === 'cbor' ? operationFromPath(service, req.url ?? '/') : operationFromTarget(service, Array.isArray(target) ? target[0] : target);
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

function guessProtocol(req: http.IncomingMessage): 'json' | 'query' {
  return (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded') ? 'query' : 'json';
}
