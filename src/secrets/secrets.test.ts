import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sealer } from '../sealing/index.js';
import { StateCache } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { createSecretTables, ParameterStore, SecretsManager } from './index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const ctx = { region: 'us-east-1', accountId: '000000000000', principalArn: 'arn:aws:iam::000000000000:root' };

async function open(now: { t: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-secrets-unit-'));
  dirs.push(dir);
  const store = new SqliteStore(join(dir, 'state.db'));
  const cache = new StateCache(store);
  const tables = createSecretTables(cache);
  await cache.start();
  const sealer = new Sealer(Buffer.alloc(32, 3));
  const clock = () => new Date(now.t);
  return {
    store,
    cache,
    tables,
    sm: new SecretsManager({ cache, tables, sealer, now: clock }),
    ps: new ParameterStore({ cache, tables, sealer, now: clock }),
  };
}

describe('secrets in the store', () => {
  it('keep values sealed in rows, bound to their row: a value copied to another secret does not open', async () => {
    const now = { t: Date.parse('2026-01-01T00:00:00Z') };
    const { store, sm, tables } = await open(now);
    await sm.create({ Name: 'a', SecretString: 'alpha-value' }, ctx);
    await sm.create({ Name: 'b', SecretString: 'beta-value' }, ctx);
    const raw = (await store.range('secretsmanager/')).kvs.map((kv) => kv.value).join('\n');
    expect(raw).not.toContain('alpha-value');
    expect(raw).toContain('wharf-sealed:v1:');
    expect((await sm.getValue('a')).value.SecretString).toBe('alpha-value');
    // Swap b's sealed value into a's row: opening must fail rather than hand out b's value as a's.
    const a = tables.secrets.get('a')!.value;
    const b = tables.secrets.get('b')!.value;
    const forged = { ...a, versions: [{ ...a.versions[0]!, sealed: b.versions[0]!.sealed }] };
    await store.txn([], [{ type: 'put', key: tables.secrets.key('a'), value: JSON.stringify(forged) }]);
    await expect(sm.getValue('a')).rejects.toMatchObject({ code: 'DecryptionFailure' });
  });

  it('write nothing on a refusal', async () => {
    const now = { t: Date.parse('2026-01-01T00:00:00Z') };
    const { cache, sm, ps } = await open(now);
    await sm.create({ Name: 's', SecretString: 'v1' }, ctx);
    await ps.put({ Name: '/p', Value: 'x', Type: 'String' }, ctx);
    const rev = cache.revision;
    await expect(sm.create({ Name: 's', SecretString: 'v2' }, ctx)).rejects.toMatchObject({ code: 'ResourceExistsException' });
    await expect(sm.putValue('s', { SecretString: 'a', SecretBinary: Buffer.from('b') }, undefined)).rejects.toMatchObject({ code: 'InvalidParameterException' });
    await expect(sm.moveStage('s', 'AWSCURRENT', undefined, undefined)).rejects.toMatchObject({ code: 'InvalidParameterException' });
    await expect(ps.put({ Name: '/p', Value: 'y', Type: 'String' }, ctx)).rejects.toMatchObject({ code: 'ParameterAlreadyExists' });
    await expect(ps.put({ Name: '/q', Value: 'x'.repeat(4097), Type: 'String' }, ctx)).rejects.toMatchObject({ code: 'ValidationException' });
    expect(cache.revision).toBe(rev);
  });

  it('answer a repeated token with the same version and refuse a different value under it', async () => {
    const now = { t: Date.parse('2026-01-01T00:00:00Z') };
    const { sm } = await open(now);
    const token = 'a'.repeat(32);
    const first = await sm.create({ Name: 'idem', SecretString: 'v', ClientRequestToken: token }, ctx);
    const again = await sm.create({ Name: 'idem', SecretString: 'v', ClientRequestToken: token }, ctx);
    expect(again.rec.arn).toBe(first.rec.arn);
    const t2 = 'b'.repeat(32);
    await sm.putValue('idem', { SecretString: 'w' }, t2);
    await sm.putValue('idem', { SecretString: 'w' }, t2);
    expect(sm.find('idem').versions).toHaveLength(2);
    await expect(sm.putValue('idem', { SecretString: 'other' }, t2)).rejects.toMatchObject({ code: 'ResourceExistsException' });
  });

  it('purge a scheduled secret when its window has passed, and not before', async () => {
    const now = { t: Date.parse('2026-01-01T00:00:00Z') };
    const { sm, tables } = await open(now);
    await sm.create({ Name: 'gone', SecretString: 'v' }, ctx);
    await sm.delete('gone', { RecoveryWindowInDays: 7 });
    now.t += 7 * 86_400_000 - 1000;
    expect(await sm.purgeExpired()).toBe(0);
    expect(sm.find('gone').deletedDate).toBeDefined();
    now.t += 1000;
    expect(() => sm.find('gone')).toThrow(/can't find/);
    expect(await sm.purgeExpired()).toBe(1);
    expect(tables.secrets.get('gone')).toBeUndefined();
    // The name is free again, with a new ARN.
    const again = await sm.create({ Name: 'gone', SecretString: 'v2' }, ctx);
    expect((await sm.getValue(again.rec.arn)).value.SecretString).toBe('v2');
  });
});
