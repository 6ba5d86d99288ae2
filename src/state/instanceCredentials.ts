// The keys each agent signs with (ecs/instance-credentials/KEY). Their secret half is sealed at rest, so state.db (or
// a backup of it) hands nobody an agent's identity; only the control plane, which holds the sealing key, opens it.
// Rows from a data directory older than sealing hold the secret in plain text: they still open, and
// sealInstanceCredentials() rewrites them sealed at start.
import { isSealed, type Sealer } from '../sealing/index.js';
import { Txn, type StateCache } from '../store/cache.js';
import type { InstanceCredentialRecord, Tables } from './tables.js';

/** Bound to the sealed value, so a secret copied to another row does not open there. */
const context = (accessKeyId: string) => `ecs/instance-credentials/${accessKeyId}`;

/** The record as it is stored: the same keys with the secret sealed. */
export function sealedCredential(sealer: Sealer, cred: InstanceCredentialRecord): InstanceCredentialRecord {
  if (isSealed(cred.secretAccessKey)) return cred;
  return { ...cred, secretAccessKey: sealer.seal(cred.secretAccessKey, context(cred.accessKeyId)) };
}

// Cached rows are never mutated in place, so a record object always holds the same secret: open it once per sealer.
const opened = new WeakMap<Sealer, WeakMap<InstanceCredentialRecord, string>>();

/** The plain secret of a stored record (sealed or, from an older data directory, plain). */
export function instanceSecret(sealer: Sealer, rec: InstanceCredentialRecord): string {
  let memo = opened.get(sealer);
  if (!memo) opened.set(sealer, (memo = new WeakMap()));
  let secret = memo.get(rec);
  if (secret === undefined) {
    secret = isSealed(rec.secretAccessKey) ? sealer.openText(rec.secretAccessKey, context(rec.accessKeyId)) : rec.secretAccessKey;
    memo.set(rec, secret);
  }
  return secret;
}

/**
 * Seals every instance secret still stored in plain text; returns how many it sealed. A sealed one that does not open
 * (another sealing key) stops the start with a message that says so, rather than every agent failing later.
 */
export async function sealInstanceCredentials(cache: StateCache, tables: Tables, sealer: Sealer): Promise<number> {
  for (const row of tables.instanceCredentials.values()) {
    try {
      instanceSecret(sealer, row.value);
    } catch {
      throw new Error(`instance credentials ${row.value.accessKeyId} do not open with this sealing key (WHARF_SEALING_KEY or DATA_DIR/sealing.key): is it the key this data was sealed with?`);
    }
  }
  return cache.update(() => {
    const txn = new Txn();
    let n = 0;
    for (const row of tables.instanceCredentials.values()) {
      if (isSealed(row.value.secretAccessKey)) continue;
      txn.put(tables.instanceCredentials, row.id, sealedCredential(sealer, row.value), row.modRevision);
      n++;
    }
    return { txn, result: n };
  });
}
