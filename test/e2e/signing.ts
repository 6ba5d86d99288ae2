// Hand-built signed requests for tests that need to send what an SDK would refuse to (bad bodies, wrong keys, old
// dates), signed with the Smithy SigV4 signer the AWS SDK itself uses.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CREDENTIALS } from './harness.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json(): any;
}

export interface SignOptions {
  service?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  signingDate?: Date;
  headers?: Record<string, string>;
  /** Skip signing entirely. */
  unsigned?: boolean;
}

/** Signs `req` with the options' key (the test root key unless told otherwise), then sends it without its host header. */
async function send(url: string, req: HttpRequest, opts: SignOptions, defaultService: string): Promise<RawResponse> {
  if (!opts.unsigned) {
    const signer = new SignatureV4({
      service: opts.service ?? defaultService,
      region: opts.region ?? 'us-east-1',
      credentials: {
        accessKeyId: opts.accessKeyId ?? TEST_CREDENTIALS.accessKeyId,
        secretAccessKey: opts.secretAccessKey ?? TEST_CREDENTIALS.secretAccessKey,
      },
      sha256: Sha256,
    });
    req = (await signer.sign(req, { signingDate: opts.signingDate })) as HttpRequest;
  }
  const { host: _host, ...sendHeaders } = req.headers;
  const res = await fetch(url, { method: req.method, headers: sendHeaders, body: req.method === 'GET' ? undefined : req.body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export function signedFetch(url: string, body: string | Buffer, opts: SignOptions = {}): Promise<RawResponse> {
  const u = new URL(url);
  const headers: Record<string, string> = { host: u.host, ...(opts.headers ?? {}) };
  return send(url, new HttpRequest({ method: 'POST', protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: u.pathname, headers, body }), opts, 'ecs');
}

export function ecsCall(url: string, operation: string, body: unknown, opts: SignOptions = {}) {
  return signedFetch(url, typeof body === 'string' ? body : JSON.stringify(body), {
    ...opts,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
      ...(opts.headers ?? {}),
    },
  });
}

/** A GET signed as the SDKs sign one (e.g. a Prometheus scrape of /metrics with the root key). */
export function signedGet(url: string, opts: SignOptions = {}): Promise<RawResponse> {
  const u = new URL(url);
  const query = Object.fromEntries(u.searchParams);
  const headers = { host: u.host, ...(opts.headers ?? {}) };
  return send(url, new HttpRequest({ method: 'GET', protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: u.pathname, query, headers }), opts, 'wharf');
}
