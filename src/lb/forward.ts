// Request headers on their way to a target, as an ALB rewrites them: hop-by-hop headers dropped, X-Forwarded-For
// (append, preserve or remove), -Proto and -Port set, an X-Amzn-Trace-Id added; and the response headers on their way
// back. Also the lb_cookie stickiness cookie.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface ForwardFacts {
  sourceIp: string;
  listenerPort: number;
  xffMode: string;
}

function clientIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function connectionListed(h: http.IncomingHttpHeaders): Set<string> | undefined {
  const c = h.connection;
  if (!c || c === 'keep-alive' || c === 'close') return undefined;
  return new Set(c.toLowerCase().split(',').map((s) => s.trim()));
}

export function requestHeaders(h: http.IncomingHttpHeaders, f: ForwardFacts, upgrade = false): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const listed = connectionListed(h);
  for (const name in h) {
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = h[name];
  }
  const ip = clientIp(f.sourceIp);
  const xff = h['x-forwarded-for'];
  if (f.xffMode === 'remove') delete out['x-forwarded-for'];
  else if (f.xffMode !== 'preserve' || !xff) out['x-forwarded-for'] = xff ? `${xff}, ${ip}` : ip;
  out['x-forwarded-proto'] = 'http';
  out['x-forwarded-port'] = String(f.listenerPort);
  if (!h['x-amzn-trace-id']) {
    out['x-amzn-trace-id'] = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  }
  if (upgrade) {
    out.connection = 'Upgrade';
    out.upgrade = h.upgrade;
  }
  return out;
}

export function responseHeaders(h: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const listed = connectionListed(h);
  for (const name in h) {
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = h[name];
  }
  return out;
}

export const STICKY_COOKIE = 'AWSALB';

/** The target key carried by the AWSALB cookie, if any. */
export function stickyKey(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  const at = cookie.indexOf(`${STICKY_COOKIE}=`);
  if (at < 0 || (at > 0 && cookie[at - 1] !== ' ' && cookie[at - 1] !== ';')) return undefined;
  const end = cookie.indexOf(';', at);
  const v = cookie.slice(at + STICKY_COOKIE.length + 1, end < 0 ? undefined : end);
  try {
    return Buffer.from(v, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
}

export function stickyCookie(key: string, durationSeconds: number): string {
  const expires = new Date(Date.now() + durationSeconds * 1000).toUTCString();
  return `${STICKY_COOKIE}=${Buffer.from(key).toString('base64url')}; Expires=${expires}; Path=/`;
}
