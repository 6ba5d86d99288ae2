// Why this exists: some services speak more than one protocol on one signing name (CloudWatch: query for the aws CLI
// 2.x, AWS JSON 1.0 for the JS SDK, RPC v2 CBOR for botocore). This picks the request's protocol from its headers,
// inflates gzip bodies (PutMetricData request compression), and shapes the query-compatible error header.
import type http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { SerializationError } from '../../domain/errors.js';
import type { ServiceDefinition } from '../service.js';
import { isCborRequest } from './cbor.js';

export type WireProtocol = 'json' | 'query' | 'cbor';

export function requestProtocol(service: ServiceDefinition, req: http.IncomingMessage): WireProtocol {
  const also = service.alsoSpeaks ?? [];
  if (also.includes('cbor') && isCborRequest(req.headers)) return 'cbor';
  if (also.includes('json') && req.headers['x-amz-target']) return 'json';
  return service.protocol;
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
