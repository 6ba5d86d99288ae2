// SigV4 for `wharf exec`, with node:crypto alone: the ExecuteCommand POST and the presigned URL of its stream. The
// SDK's signer would do the same, but `wharf exec` is a process per command and loading it costs more than signing.
import { crypto } from './builtins.js';

const { createHash, createHmac } = crypto;

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
/** The SigV4 signing key (gateway/auth/signing-key.ts derives the same, but imports node:crypto as an ES module). */
const signingKey = (secret: string, day: string, region: string, service: string) =>
  hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** RFC 3986 encoding, as SigV4 wants it. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function stamp(now: Date): { amzDate: string; day: string } {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { amzDate, day: amzDate.slice(0, 8) };
}

function signature(keys: Keys, day: string, region: string, service: string, amzDate: string, canonical: string): string {
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonical)}`;
  return createHmac('sha256', signingKey(keys.secretAccessKey, day, region, service)).update(toSign, 'utf8').digest('hex');
}

/** The headers of a signed JSON 1.1 POST to `/` of `host`. */
export function signPost(keys: Keys, region: string, host: string, target: string, body: string, now = new Date()): Record<string, string> {
  const { amzDate, day } = stamp(now);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    host,
    'x-amz-date': amzDate,
    'x-amz-target': target,
  };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', '/', '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), sha256(body)].join('\n');
  const sig = signature(keys, day, region, 'ecs', amzDate, canonical);
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/${day}/${region}/ecs/aws4_request, SignedHeaders=${names.join(';')}, Signature=${sig}`;
  return headers;
}

/** `url` (ws:// or http://) presigned for a GET with the extra query parameters, valid for five minutes. */
export function presignGet(keys: Keys, region: string, url: string, extra: Record<string, string>, now = new Date()): string {
  const u = new URL(url);
  const { amzDate, day } = stamp(now);
  const params: Record<string, string> = {
    ...extra,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${keys.accessKeyId}/${day}/${region}/ecs/aws4_request`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': '300',
    'X-Amz-SignedHeaders': 'host',
  };
  const query = Object.keys(params).map((k) => [enc(k), enc(params[k]!)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
  const path = u.pathname.split('/').map(enc).join('/');
  const canonical = ['GET', path, query, `host:${u.host}`, '', 'host', sha256('')].join('\n');
  const sig = signature(keys, day, region, 'ecs', amzDate, canonical);
  return `${u.protocol}//${u.host}${path}?${query}&X-Amz-Signature=${sig}`;
}
