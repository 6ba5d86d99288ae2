import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sealer } from '../sealing/index.js';
import { StateCache, Txn } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { instanceSecret, sealedCredential, sealInstanceCredentials } from './instanceCredentials.js';
import { createTables } from './tables.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('instance credentials at rest', () => {
  it('seals plain rows of an older data directory, and both forms open to the same secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-creds-'));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, 'state.db'));
    const cache = new StateCache(store);
    const tables = createTables(cache);
    await cache.start();
    const sealer = new Sealer(Buffer.alloc(32, 9));
    const secret = 'instance-secret-0123456789abcdefghijkl';
    const plain = { accessKeyId: 'AKIWOLD', secretAccessKey: secret, instanceKey: 'default/abc' };
    await cache.commit(new Txn().put(tables.instanceCredentials, plain.accessKeyId, plain, 0));
    expect(instanceSecret(sealer, tables.instanceCredentials.get('AKIWOLD')!.value)).toBe(secret);

    expect(await sealInstanceCredentials(cache, tables, sealer)).toBe(1);
    const stored = tables.instanceCredentials.get('AKIWOLD')!.value;
    expect(stored.secretAccessKey).toMatch(/^wharf-sealed:v1:/);
    expect(instanceSecret(sealer, stored)).toBe(secret);
    expect(await sealInstanceCredentials(cache, tables, sealer)).toBe(0);
    // Sealed under its own row: moved to another key id it does not open.
    expect(() => instanceSecret(sealer, { ...stored, accessKeyId: 'AKIWOTHER' })).toThrow();
    expect(sealedCredential(sealer, stored)).toBe(stored);

    // Another sealing key: the start stops with a message instead of agents failing one by one.
    await expect(sealInstanceCredentials(cache, tables, new Sealer(Buffer.alloc(32, 1)))).rejects.toThrow(/do not open with this sealing key/);

    cache.stop();
    await store.close();
    const raw = Buffer.concat([readFileSync(join(dir, 'state.db')), readFileSync(join(dir, 'state.db-wal'), { flag: 'a+' })]);
    expect(raw.includes(secret)).toBe(false);
  });
});
