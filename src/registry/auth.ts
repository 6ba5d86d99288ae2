// Registry passwords: what GetAuthorizationToken hands out and what `docker login --username AWS` presents. A
// password is an HMAC-signed, expiring claim (12 hours, as ECR's), so checking one needs no lookup; the signing key
// lives in the store (created on first use) so every control plane replica and every restart accept the same tokens.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { Txn } from '../store/cache.js';
import type { Registry } from './core.js';

const KEY_ID = 'token-key';
const PREFIX = 'wharf1.';

interface Claims {
  /** Account id. */
  a: string;
  /** Expiry, epoch milliseconds. */
  e: number;
}

async function signingKey(reg: Registry): Promise<Buffer> {
  const existing = reg.tables.meta.get(KEY_ID)?.value as { key: string } | undefined;
  if (existing) return Buffer.from(existing.key, 'base64');
  const key = await reg.cache.update(() => {
    const row = reg.tables.meta.get(KEY_ID);
    if (row) return { txn: new Txn(), result: (row.value as { key: string }).key };
    const fresh = randomBytes(32).toString('base64');
    return { txn: new Txn().put(reg.tables.meta, KEY_ID, { key: fresh }, 0), result: fresh };
  });
  return Buffer.from(key, 'base64');
}

function knownKey(reg: Registry): Buffer | undefined {
  const row = reg.tables.meta.get(KEY_ID)?.value as { key: string } | undefined;
  return row ? Buffer.from(row.key, 'base64') : undefined;
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
    return c.a === reg.opts.accountId && c.e > reg.now().getTime();
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
