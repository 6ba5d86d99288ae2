// Writes an AWS API's answer or error in the request's protocol: JSON (`__type` + `message`), RPC v2 CBOR, or query
// XML, where the shared authentication errors go by the query APIs' own names (SignatureDoesNotMatch, ...).
import type http from 'node:http';
import type { AwsError } from '../domain/errors.js';
import { encodeQueryError, encodeQueryOutput } from './model/index.js';
import { CBOR_CONTENT_TYPE, encodeCbor } from './protocols/cbor.js';
import { encodeJson, encodeJsonError, jsonContentType } from './protocols/json.js';
import { responseCodeOf } from './protocols/restJson.js';
import { queryErrorHeader, type WireProtocol } from './protocols/negotiate.js';
import type { ServiceDefinition } from './service.js';

export interface Answer {
  protocol: WireProtocol;
  /** Undefined when the request was refused before its service was known. */
  service: ServiceDefinition | undefined;
  requestId: string;
  err?: AwsError;
  /** Close the connection after the answer (its body was refused unread). */
  close?: boolean;
  operation?: string;
  output?: unknown;
}

export function respond(res: http.ServerResponse, a: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const { protocol, service, err } = a;
  let payload: string | Buffer;
  let contentType: string;
  if (protocol === 'cbor') {
    const ns = service?.model?.metadata.serviceId ? `com.amazonaws.${service.model.metadata.serviceId.toLowerCase().replace(/\s+/g, '')}#` : '';
    payload = encodeCbor(err ? { __type: ns + err.code, message: err.message } : a.output);
    contentType = CBOR_CONTENT_TYPE;
  } else if (protocol === 'rest-json') {
    // Members an exception shape has beyond its code and message (EFS: FileSystemId, AccessPointId) ride along.
    const fields = err ? (err as AwsError & { fields?: Record<string, string> }).fields : undefined;
    payload = err ? JSON.stringify({ ...fields, ErrorCode: err.code, Message: err.message, message: err.message }) : encodeJson(a.output);
    contentType = 'application/json';
  } else if (protocol === 'json') {
    payload = err ? encodeJsonError(err) : encodeJson(a.output);
    contentType = service ? jsonContentType(service) : 'application/x-amz-json-1.1';
  } else if (err) {
    const fault = err.fault === 'server' ? 'Receiver' : 'Sender';
    payload = encodeQueryError(err.query?.code ?? err.code, err.query?.message ?? err.message, a.requestId, fault, service?.model);
    contentType = 'text/xml';
  } else {
    payload = encodeQueryOutput(service!.model!, a.operation!, a.output, a.requestId);
    contentType = 'text/xml';
  }
  const headers: http.OutgoingHttpHeaders = {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': a.requestId,
  };
  if (err && (protocol === 'json' || protocol === 'rest-json')) headers['x-amzn-errortype'] = err.code;
  if (protocol === 'cbor') headers['smithy-protocol'] = 'rpc-v2-cbor';
  // Query-compatible JSON/CBOR (CloudWatch): the SDKs take the code from this header, so it names the query code.
  if (err && protocol !== 'query') Object.assign(headers, queryErrorHeader(service, err.query?.code ?? err.code, err.fault));
  if (a.close) headers.connection = 'close';
  const ok = protocol === 'rest-json' && service?.model && a.operation ? responseCodeOf(service.model, a.operation) : 200;
  if (!err && ok === 204) {
    res.writeHead(204, { 'x-amzn-requestid': a.requestId, ...(a.close ? { connection: 'close' } : {}) });
    return void res.end();
  }
  res.writeHead(err ? err.status : ok, headers);
  res.end(payload);
}
