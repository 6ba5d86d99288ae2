// Requests exactly as an attacker would send them: any method, headers added after signing, presigned URLs, bodies
// that differ from what was signed, or a raw socket that keeps writing after it is answered.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import http from 'node:http';
import { TEST_CREDENTIALS } from './harness.js';

export interface RawRequest {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface SigningKnobs {
  service?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Headers present on the request but left out of SignedHeaders. */
  unsigned?: string[];
}

function toHttpRequest(url: string, r: RawRequest): HttpRequest {
  const u = new URL(url);
  return new HttpRequest({
    method: r.method ?? 'POST',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: r.path ?? '/',
    query: r.query ?? {},
    headers: { host: u.host, ...(r.headers ?? {}) },
    body: r.body,
  });
}

function signer(k: SigningKnobs) {
  return new SignatureV4({
    service: k.service ?? 'ecs',
    region: 'us-east-1',
    credentials: {
      accessKeyId: k.accessKeyId ?? TEST_CREDENTIALS.accessKeyId,
      secretAccessKey: k.secretAccessKey ?? TEST_CREDENTIALS.secretAccessKey,
    },
    sha256: Sha256,
  });
}

const toRaw = (signed: HttpRequest, body: string | undefined): RawRequest => ({
  method: signed.method,
  path: signed.path,
  query: signed.query as Record<string, string>,
  headers: signed.headers,
  body,
});

export async function signRaw(url: string, r: RawRequest, k: SigningKnobs = {}): Promise<RawRequest> {
  const signed = await signer(k).sign(toHttpRequest(url, r), { unsignableHeaders: new Set(k.unsigned ?? []) });
  return toRaw(signed as HttpRequest, r.body);
}

/** A presigned request as the JS SDK v3 presigner makes it (every x-amz-* header hoisted into the query string). */
export async function presignRaw(url: string, r: RawRequest, k: SigningKnobs = {}): Promise<RawRequest> {
  const signed = await signer(k).presign(toHttpRequest(url, r), { expiresIn: 300 });
  return toRaw(signed as HttpRequest, r.body);
}

export const ecsJsonRequest = (operation: string, body: string): RawRequest => ({
  method: 'POST',
  headers: {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
  },
  body,
});

/** Sends `r` as it is (the host header comes from the URL); `body` overrides what was signed. */
export function send(url: string, r: RawRequest, body = r.body): Promise<RawReply> {
  const u = new URL(url);
  const qs = new URLSearchParams(r.query ?? {}).toString();
  const { host: _host, ...headers } = r.headers ?? {};
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method: r.method ?? 'POST', path: (r.path ?? '/') + (qs ? `?${qs}` : ''), headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * POSTs `body` with `headers` as an HTTP client that reads while it writes does (undici, as fetch), and resolves with
 * the status the server answered with, or the client's error code when no answer arrived.
 */
/**
 * POSTs a body on a connection of its own, head first (so the head is never late, whatever the client's load), reading
 * the answer while it writes, and returns the answer's status, or the socket's error code.
 */
export async function postLargeBody(url: string, headers: Record<string, string>, body: Buffer): Promise<number | string> {
  const net = await import('node:net');
  const u = new URL(url);
  const head = [`POST / HTTP/1.1`, `Host: ${u.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${body.length}`];
  return new Promise((resolve) => {
    const socket = net.connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3}) /.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? 0)));
    socket.write(head.join('\r\n') + '\r\n\r\n');
    socket.write(body);
  });
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
export async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
