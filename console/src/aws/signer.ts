// SigV4-signed calls from the browser to the gateway that served the page (same origin, so no CORS). The SHA-256 is
// the pure-JavaScript one: WebCrypto exists only in secure contexts, and the console may be opened over plain http on
// a host's address. Every header that steers the request (host, content-type, x-amz-*) is signed.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Session } from './session';

/** A refused or failed call, carrying AWS's error code and message as the API sent them. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }
}

export interface SignedCall {
  service: string;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

export async function signedFetch(session: Session, call: SignedCall): Promise<Response> {
  const origin = new URL(window.location.href);
  const request = new HttpRequest({
    method: call.method ?? 'POST',
    protocol: origin.protocol,
    hostname: origin.hostname,
    port: origin.port ? Number(origin.port) : undefined,
    path: call.path ?? '/',
    query: call.query,
    headers: { ...call.headers, host: origin.host },
    body: call.body,
  });
  const signer = new SignatureV4({
    service: call.service,
    region: session.region,
    credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey },
    sha256: Sha256,
  });
  const signed = await signer.sign(request);
  const headers = new Headers();
  // The browser sets Host itself (to the same host:port that was signed) and refuses to be told.
  for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') headers.set(k, v);
  const qs = call.query ? '?' + new URLSearchParams(call.query).toString() : '';
  let res: Response;
  try {
    res = await fetch(`${origin.origin}${request.path}${qs}`, { method: request.method, headers, body: call.body, credentials: 'omit' });
  } catch (err) {
    throw new ApiError('NetworkError', `The console could not reach Wharf at ${origin.origin}: ${(err as Error).message}`, 0);
  }
  return res;
}

/** Reads an error from a JSON-protocol answer: `__type` (or x-amzn-errortype) and `message`. */
export async function jsonError(res: Response): Promise<ApiError> {
  const text = await res.text();
  let body: { __type?: string; message?: string; Message?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: the text itself is the best message there is
  }
  const type = (body.__type ?? res.headers.get('x-amzn-errortype') ?? `HTTP${res.status}`).split('#').pop()!.split(':')[0]!;
  return new ApiError(type, body.message ?? body.Message ?? (text || `${res.status} ${res.statusText}`), res.status);
}

/** A JSON 1.0/1.1 operation (ECS, ECR, CloudWatch Logs, CloudWatch). */
export async function jsonCall<T>(session: Session, service: string, target: string, version: '1.0' | '1.1', input: unknown): Promise<T> {
  const res = await signedFetch(session, {
    service,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target },
    body: JSON.stringify(input ?? {}),
  });
  if (!res.ok) throw await jsonError(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** A query-protocol operation (ELBv2): form-encoded in, XML out. */
export async function queryCall(session: Session, service: string, version: string, action: string, params: Record<string, string>): Promise<Document> {
  const body = new URLSearchParams({ Action: action, Version: version, ...params }).toString();
  const res = await signedFetch(session, {
    service,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const text = await res.text();
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (!res.ok) {
    const code = doc.querySelector('Error > Code')?.textContent ?? `HTTP${res.status}`;
    const message = doc.querySelector('Error > Message')?.textContent ?? (text || res.statusText);
    throw new ApiError(code, message, res.status);
  }
  return doc;
}
