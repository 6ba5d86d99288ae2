// The one key that seals what Wharf keeps secret at rest (registry signing key, instance credentials, secret values,
// SecureString parameters). It never lives in the store: it comes from WHARF_SEALING_KEY (base64 of 32 bytes) or from
// DATA_DIR/sealing.key, created 0600 on first start. Losing it makes sealed values unreadable, by design.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SEALING_KEY_BYTES = 32;
export const SEALING_KEY_FILE = 'sealing.key';

export interface SealingKey {
  key: Buffer;
  source: 'environment' | 'data-dir' | 'generated';
}

export function loadSealingKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): SealingKey {
  if (env.WHARF_SEALING_KEY) return { key: decodeKey(env.WHARF_SEALING_KEY, 'WHARF_SEALING_KEY'), source: 'environment' };
  const file = join(dataDir, SEALING_KEY_FILE);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return { key: decodeKey(readFileSync(file, 'utf8').trim(), file), source: 'data-dir' };
  }
  const key = randomBytes(SEALING_KEY_BYTES);
  // 'wx': two processes starting on one data directory must not both write a key.
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, source: 'generated' };
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== SEALING_KEY_BYTES || key.toString('base64') !== text.replace(/\s+/g, '')) {
    throw new Error(`${where}: the sealing key must be ${SEALING_KEY_BYTES} bytes in base64`);
  }
  return key;
}
