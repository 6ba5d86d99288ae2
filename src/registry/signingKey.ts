// The key that signs registry passwords and download URLs. It lives in the store (so every replica and every restart
// accept the same tokens), sealed with the data directory's sealing key: a copy of state.db alone forges nothing.
// Rows written before sealing existed hold the key in plain base64; they still load, and sealStoredKey() seals them.
import { randomBytes } from 'node:crypto';
import { isSealed } from '../sealing/index.js';
import { Txn } from '../store/cache.js';
import type { Registry } from './core.js';

const KEY_ID = 'token-key';
/** Bound to the sealed value, so it opens only under this row. */
const CONTEXT = 'ecr/meta/token-key';

interface KeyRow {
  /** Sealed (wharf-sealed:v1:...) or, from an older data directory, plain base64. */
  key: string;
}

// Opening costs a cipher per call; passwords are checked on every registry request, so the last key is kept.
const opened = new WeakMap<Registry, { stored: string; key: Buffer }>();

function open(reg: Registry, stored: string): Buffer {
  const memo = opened.get(reg);
  if (memo?.stored === stored) return memo.key;
  const key = isSealed(stored) ? reg.opts.sealer.open(stored, CONTEXT) : Buffer.from(stored, 'base64');
  opened.set(reg, { stored, key });
  return key;
}

/** The signing key if one exists (checking a password never creates one). */
export function knownSigningKey(reg: Registry): Buffer | undefined {
  const row = reg.tables.meta.get(KEY_ID)?.value as KeyRow | undefined;
  return row ? open(reg, row.key) : undefined;
}

/** The signing key, created (and sealed) on first use. */
export async function signingKey(reg: Registry): Promise<Buffer> {
  const known = knownSigningKey(reg);
  if (known) return known;
  const stored = await reg.cache.update(() => {
    const row = reg.tables.meta.get(KEY_ID);
    if (row) return { txn: new Txn(), result: (row.value as KeyRow).key };
    const fresh = reg.opts.sealer.seal(randomBytes(32), CONTEXT);
    return { txn: new Txn().put(reg.tables.meta, KEY_ID, { key: fresh } satisfies KeyRow, 0), result: fresh };
  });
  return open(reg, stored);
}

/**
 * Seals a key an older Wharf stored in plain text; the key itself is unchanged, so issued passwords stay valid. A
 * sealed key that does not open (another sealing key) stops the start with a message that says so.
 */
export async function sealStoredKey(reg: Registry): Promise<boolean> {
  try {
    knownSigningKey(reg);
  } catch {
    throw new Error('the registry signing key does not open with this sealing key (WHARF_SEALING_KEY or DATA_DIR/sealing.key): is it the key this data was sealed with?');
  }
  return reg.cache.update(() => {
    const row = reg.tables.meta.get(KEY_ID);
    const stored = (row?.value as KeyRow | undefined)?.key;
    if (!row || stored === undefined || isSealed(stored)) return { txn: new Txn(), result: false };
    const sealed = reg.opts.sealer.seal(Buffer.from(stored, 'base64'), CONTEXT);
    return { txn: new Txn().put(reg.tables.meta, KEY_ID, { key: sealed } satisfies KeyRow, row.modRevision), result: true };
  });
}
