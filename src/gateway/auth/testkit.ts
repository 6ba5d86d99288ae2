// Test-only helpers: sign requests with the AWS SDK's own signer (@smithy/signature-v4) and turn them into what the
// gateway would hand the verifier, so the tests check against real client behaviour rather than our own reading.
// Never imported by production code.

import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'vitest';
import { AwsError } from '../../domain/errors.js';
import type { IncomingSignedRequest, SecretLookup } from './sigv4.js';

export const AKID = 'AKIDEXAMPLE';
export const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
export const secrets: SecretLookup = (id) => (id === AKID ? SECRET : undefined);
export const NOW = new Date('2024-05-01T12:00:00Z');

export interface SignOptions {
  method?: string;
  /** The path as the SDK puts it on the wire (already percent-encoded). */
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  service?: string;
  region?: string;
  accessKeyId?: string;
  secret?: string;
  sessionToken?: string;
  signingDate?: Date;
  /** false: no X-Amz-Content-Sha256 header, so the verifier hashes the body itself. */
  applyChecksum?: boolean;
  unsignableHeaders?: Set<string>;
}

/** An ECS call as the SDK sends it: JSON 1.1 protocol, POST /, X-Amz-Target. */
export const ecsJson = (target = 'ListClusters', body = '{}'): SignOptions => ({
  method: 'POST',
  path: '/',
  service: 'ecs',
  headers: {
    host: 'ecs.us-east-1.amazonaws.com',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `AmazonEC2ContainerServiceV20141113.${target}`,
  },
  body,
});

/** An ELB call as the SDK sends it: query protocol, form-encoded POST /. */
export const elbQuery = (body = 'Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=my%20lb'): SignOptions => ({
  method: 'POST',
  path: '/',
  service: 'elasticloadbalancing',
  headers: {
    host: 'elasticloadbalancing.us-east-1.amazonaws.com',
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  },
  body,
});

/** The SDK's escaping of a query name or value (@smithy/util-uri-escape). */
export const escapeUri = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function signer(o: SignOptions) {
  return new SignatureV4({
    credentials: { accessKeyId: o.accessKeyId ?? AKID, secretAccessKey: o.secret ?? SECRET, sessionToken: o.sessionToken },
    region: o.region ?? 'us-east-1',
    service: o.service ?? 'ecs',
    sha256: Sha256,
    applyChecksum: o.applyChecksum,
  });
}

function httpRequest(o: SignOptions) {
  return new HttpRequest({
    method: o.method ?? 'GET',
    protocol: 'https:',
    hostname: 'ecs.us-east-1.amazonaws.com',
    path: o.path ?? '/',
    query: o.query ?? {},
    headers: { host: 'ecs.us-east-1.amazonaws.com', ...o.headers },
    body: o.body,
  });
}

/** What Node would hand the gateway for this SDK request: the query serialized as the SDK does, headers flattened. */
export function toIncoming(r: HttpRequest, body = ''): IncomingSignedRequest {
  const query = Object.entries(r.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => (x == null ? escapeUri(k) : `${escapeUri(k)}=${escapeUri(x)}`)))
    .join('&');
  return {
    method: r.method,
    url: query === '' ? r.path : `${r.path}?${query}`,
    rawHeaders: Object.entries(r.headers).flat(),
    body: Buffer.from(body, 'utf8'),
  };
}

export async function sign(o: SignOptions = ecsJson()): Promise<IncomingSignedRequest> {
  const signed = await signer(o).sign(httpRequest(o), {
    signingDate: o.signingDate ?? NOW,
    unsignableHeaders: o.unsignableHeaders,
  });
  return toIncoming(signed as HttpRequest, o.body);
}

export async function presign(
  o: SignOptions & { expiresIn?: number; unhoistableHeaders?: Set<string> } = {},
): Promise<IncomingSignedRequest> {
  const signed = await signer(o).presign(httpRequest(o), {
    signingDate: o.signingDate ?? NOW,
    expiresIn: o.expiresIn ?? 900,
    unsignableHeaders: o.unsignableHeaders,
    unhoistableHeaders: o.unhoistableHeaders,
  });
  return toIncoming(signed as HttpRequest, o.body);
}

/** Replaces the first value of a header (matched case-insensitively) in a raw header list. */
export function withHeader(req: IncomingSignedRequest, name: string, value: string): IncomingSignedRequest {
  const raw = req.rawHeaders.slice();
  const i = raw.findIndex((h, j) => j % 2 === 0 && h.toLowerCase() === name.toLowerCase());
  if (i < 0) raw.push(name, value);
  else raw[i + 1] = value;
  return { ...req, rawHeaders: raw };
}

export function withoutHeader(req: IncomingSignedRequest, name: string): IncomingSignedRequest {
  const raw: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== name.toLowerCase()) raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  return { ...req, rawHeaders: raw };
}

/** Runs `fn`, expecting it to throw the AWS error with this code and message. */
export function expectAwsError(fn: () => unknown, code: string, message: string | RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected an AwsError to be thrown').toBeInstanceOf(AwsError);
  const error = thrown as AwsError;
  expect(error.code).toBe(code);
  // AWS answers an incomplete signature with 400 (its Common Errors pages, and real responses); the rest with 403.
  expect(error.status).toBe(code === 'IncompleteSignatureException' ? 400 : 403);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}
