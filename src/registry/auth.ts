// Registry passwords: what GetAuthorizationToken hands out and what `docker login --username AWS` presents. A
// password is an HMAC-signed, expiring claim (12 hours, as ECR's), so checking one needs no lookup; the signing key
// (signingKey.ts) is shared by every control plane replica and survives restarts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Registry } from './core.js';
import { knownSigningKey as knownKey, signingKey } from './signingKey.js';

const PREFIX = 'wharf1.';
/** ECR's tokens last 12 hours; no password is accepted that claims to outlive that, whoever made it. */
export const MAX_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;
/** Another control plane replica's clock may run a little ahead of this one's; its fresh passwords still pass. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

interface Claims {
  /** Account id. */
  a: string;
  /** Expiry, epoch milliseconds. */
  e: number;
}

const mac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest('base64url');

/** A fresh registry password for the account, and when it expires. */
export async function issuePassword(reg: Registry): Promise<{ password: string; expiresAt: Date }> {
  const key = await signingKey(reg);
  const expiresAt = new Date(reg.now().getTime() + reg.opts.tokenTtlMs);
  const claims = Buffer.from(JSON.stringify({ a: reg.opts.accountId, e: expiresAt.getTime() } satisfies Claims)).toString('base64url');
  return { password: `${PREFIX}${claims}.${mac(key, claims)}`, expiresAt };
}

/** Whether a password is one this registry signed and it has not expired. */
export function verifyPassword(reg: Registry, password: string): boolean {
  const key = knownKey(reg);
  if (!key || !password.startsWith(PREFIX)) return false;
  const [claims, sig] = password.slice(PREFIX.length).split('.');
  if (!claims || !sig) return false;
  const want = Buffer.from(mac(key, claims));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return false;
  try {
    const c = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Claims;
    const now = reg.now().getTime();
    return c.a === reg.opts.accountId && typeof c.e === 'number' && c.e > now && c.e <= now + MAX_TOKEN_TTL_MS + CLOCK_SKEW_MS;
  } catch {
    return false;
  }
}

/** Checks the request's Authorization: `Basic AWS:<password>` (docker login) or `Bearer <password>`. */
export function authorized(reg: Registry, req: http.IncomingMessage): boolean {
  const h = req.headers.authorization ?? '';
  const space = h.indexOf(' ');
  const scheme = h.slice(0, space).toLowerCase();
  const value = h.slice(space + 1).trim();
  if (scheme === 'bearer') return verifyPassword(reg, value);
  if (scheme !== 'basic') return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && decoded.slice(0, colon) === 'AWS' && verifyPassword(reg, decoded.slice(colon + 1));
}

/** A short-lived signed query for GetDownloadUrlForLayer's URL (a stand-in for S3's presigned URL). */
export async function signDownload(reg: Registry, repo: string, digest: string, ttlMs = 60 * 60 * 1000): Promise<string> {
  const key = await signingKey(reg);
  const expires = reg.now().getTime() + ttlMs;
  return `X-Wharf-Expires=${expires}&X-Wharf-Signature=${mac(key, `${repo}\n${digest}\n${expires}`)}`;
}

export function verifyDownload(reg: Registry, repo: string, digest: string, query: URLSearchParams): boolean {
  const key = knownKey(reg);
  const expires = Number(query.get('X-Wharf-Expires'));
  const sig = query.get('X-Wharf-Signature') ?? '';
  if (!key || !(expires > reg.now().getTime())) return false;
  const want = Buffer.from(mac(key, `${repo}\n${digest}\n${expires}`));
  return want.length === Buffer.byteLength(sig) && timingSafeEqual(want, Buffer.from(sig));
}
