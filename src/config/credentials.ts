// The root credentials that every request is signed with: from WHARF_ACCESS_KEY_ID / WHARF_SECRET_ACCESS_KEY, or
// generated once and kept in the data directory (mode 0600) so the user's `aws` set-up keeps working.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Where they came from, for the start-up message. */
  source: 'environment' | 'generated' | 'data-dir';
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyId(): string {
  const bytes = randomBytes(16);
  let id = 'AKIA';
  for (const b of bytes) id += ALNUM[b % ALNUM.length];
  return id;
}

/** The keys a client command or an agent signs with from its environment: Wharf's own names first, then AWS's. */
export function environmentKeys(env: NodeJS.ProcessEnv = process.env): { accessKeyId: string; secretAccessKey: string } | undefined {
  const accessKeyId = env.WHARF_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.WHARF_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY;
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

export function loadCredentials(dataDir: string, env: NodeJS.ProcessEnv = process.env): Credentials {
  if (env.WHARF_ACCESS_KEY_ID && env.WHARF_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.WHARF_ACCESS_KEY_ID, secretAccessKey: env.WHARF_SECRET_ACCESS_KEY, source: 'environment' };
  }
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { accessKeyId: string; secretAccessKey: string };
    return { ...saved, source: 'data-dir' };
  }
  const creds = { accessKeyId: randomKeyId(), secretAccessKey: randomBytes(30).toString('base64') };
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { ...creds, source: 'generated' };
}
