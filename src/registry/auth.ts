// Registry passwords: what GetAuthorizationToken hands out and what `docker login --username AWS` presents. A
// password is an HMAC-signed, expiring claim (12 hours, as ECR's), so checking one needs no lookup; the signing key
// (signingKey.ts) is shared by every control plane replica and survives restarts. A password names the access key
// that asked for it, as ECR's token carries its caller: each /v2/ request is then allowed what that key's holder may
// do now (routes.ts asks RegistryAccess), so a deleted key or an expired session takes its passwords with it.
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
  /** The access key id that called GetAuthorizationToken. Passwords without one (made before keys were named) are refused. */
  k?: string;
}

const mac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest('base64url');

/** A fresh registry password for the holder of an access key, and when it expires. */
export async function issuePassword(reg: Registry, accessKeyId: string): Promise<{ password: string; expiresAt: Date }> {
  const key = await signingKey(reg);
  const expiresAt = new Date(reg.now().getTime() + reg.opts.tokenTtlMs);
  const claims = Buffer.from(JSON.stringify({ a: reg.opts.accountId, e: expiresAt.getTime(), k: accessKeyId } satisfies Claims)).toString('base64url');
  return { password: `${PREFIX}${claims}.${mac(key, claims)}`, expiresAt };
}

/** The access key a password was issued to, when this registry signed it, it names a key and has not expired. */
export function passwordKey(reg: Registry, password: string): string | undefined {
  const key = knownKey(reg);
  if (!key || !password.startsWith(PREFIX)) return undefined;
  const [claims, sig] = password.slice(PREFIX.length).split('.');
  if (!claims || !sig) return undefined;
  const want = Buffer.from(mac(key, claims));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  try {
    const c = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Claims;
    const now = reg.now().getTime();
    const fresh = c.a === reg.opts.accountId && typeof c.e === 'number' && c.e > now && c.e <= now + MAX_TOKEN_TTL_MS + CLOCK_SKEW_MS;
    return fresh && typeof c.k === 'string' && c.k !== '' ? c.k : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a password is one this registry signed, names a key and has not expired. */
export const verifyPassword = (reg: Registry, password: string): boolean => passwordKey(reg, password) !== undefined;

/** The key behind the request's Authorization: `Basic AWS:<password>` (docker login) or `Bearer <password>`. */
export function presentedKey(reg: Registry, req: http.IncomingMessage): string | undefined {
  const h = req.headers.authorization ?? '';
  const space = h.indexOf(' ');
  const scheme = h.slice(0, space).toLowerCase();
  const value = h.slice(space + 1).trim();
  if (scheme === 'bearer') return passwordKey(reg, value);
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && decoded.slice(0, colon) === 'AWS' ? passwordKey(reg, decoded.slice(colon + 1)) : undefined;
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
