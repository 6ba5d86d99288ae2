// Why this exists: some services speak more than one protocol on one signing name (CloudWatch: query for the aws CLI
// 2.x, AWS JSON 1.0 for the JS SDK, RPC v2 CBOR for botocore). This picks the request's protocol from its (signed)
// headers, the HTTP methods each protocol takes, inflates gzip bodies (PutMetricData request compression), and shapes
// the query-compatible error header.
import type http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { SerializationError, UnknownOperation } from '../../domain/errors.js';
import type { ServiceDefinition } from '../service.js';
import { isCborRequest } from './cbor.js';

export type WireProtocol = 'json' | 'query' | 'cbor' | 'rest-json';

/** `target` is the request's signed X-Amz-Target (see target.ts), if any. */
export function requestProtocol(service: ServiceDefinition, req: http.IncomingMessage, target: string | undefined): WireProtocol {
  const also = service.alsoSpeaks ?? [];
  if (also.includes('cbor') && isCborRequest(req.headers)) return 'cbor';
  if (also.includes('json') && target) return 'json';
  return service.protocol;
}

/**
 * The protocol to answer in before the service is known (no signature, or one for an API Wharf does not serve): a
 * form body or a GET with an Action parameter is a query-protocol caller, which reads XML; anyone else reads JSON.
 */
export function guessProtocol(req: http.IncomingMessage): 'json' | 'query' {
  if ((req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return 'query';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (req.method === 'GET' && q >= 0 && new URLSearchParams(url.slice(q + 1)).has('Action')) return 'query';
  return 'json';
}

/**
 * AWS's JSON and CBOR protocols are POST only; the query protocol also takes GET with its parameters in the query
 * string, as AWS's query APIs do. Anything else (PUT, DELETE, OPTIONS, HEAD...) names no operation.
 */
export function checkMethod(protocol: WireProtocol, method: string | undefined): void {
  // REST-JSON names its operations by method and path; the route decides (UnknownOperation when none matches).
  if (protocol === 'rest-json') return;
  if (method === 'POST' || (protocol === 'query' && method === 'GET')) return;
  const allowed = protocol === 'query' ? 'POST or GET' : 'POST';
  throw new UnknownOperation(`The ${method ?? '(none)'} method names no operation here; this API takes ${allowed}.`);
}

export function inflate(req: http.IncomingMessage, body: Buffer, limit: number): Buffer {
  if (req.headers['content-encoding'] !== 'gzip') return body;
  try {
    return gunzipSync(body, { maxOutputLength: limit });
  } catch {
    throw new SerializationError('The gzip request body could not be inflated.');
  }
}

/** `x-amzn-query-error: Code;Sender` for services whose JSON/CBOR errors keep their query codes. */
export function queryErrorHeader(service: ServiceDefinition | undefined, code: string, fault: 'client' | 'server'): Record<string, string> {
  return service?.queryCompatible ? { 'x-amzn-query-error': `${code};${fault === 'server' ? 'Receiver' : 'Sender'}` } : {};
}
