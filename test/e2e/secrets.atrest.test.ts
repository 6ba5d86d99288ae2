// What Secrets Manager and Parameter Store leave on disk: the raw SQLite files (state.db and its WAL) hold no
// secret value and no SecureString value, while plain String parameters are there to be found (so the scan can
// see values at all). Values survive a restart with the data directory's key, and a kill -9 in the middle of
// PutSecretValue calls leaves every version whole.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, PutSecretValueCommand, SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { startWharf, tempDir, TEST_CREDENTIALS, type Wharf } from './harness.js';

const running: Wharf[] = [];
afterEach(async () => {
  for (const w of running.splice(0)) await w.stop('SIGKILL');
});

async function start(dataDir: string) {
  const w = await startWharf({ dataDir });
  running.push(w);
  const opts = { endpoint: w.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return { w, sm: new SecretsManagerClient(opts), ssm: new SSMClient(opts) };
}

/** Every byte of the state database as it is on disk, WAL included. */
function rawState(dataDir: string): Buffer {
  const parts = ['state.db', 'state.db-wal'].map((f) => join(dataDir, f)).filter(existsSync);
  return Buffer.concat(parts.map((p) => readFileSync(p)));
}

describe('at rest', () => {
  it('no secret value and no SecureString value is in state.db or its WAL; String parameters are', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const { w, sm, ssm } = await start(dataDir);
    const secretValues = ['SECRET-string-Aq7Zp2', 'SECRET-rotated-Wm4Kx9', 'SECRET-pending-Jd8Lq1'];
    const binary = Buffer.from('SECRET-binary-Tz5Rv3');
    await sm.send(new CreateSecretCommand({ Name: 'rest/a', SecretString: secretValues[0] }));
    await sm.send(new PutSecretValueCommand({ SecretId: 'rest/a', SecretString: secretValues[1] }));
    await sm.send(new PutSecretValueCommand({ SecretId: 'rest/a', SecretString: secretValues[2], VersionStages: ['AWSPENDING'] }));
    await sm.send(new CreateSecretCommand({ Name: 'rest/bin', SecretBinary: binary }));
    const secure = ['SECURE-value-Hb6Nc0', 'SECURE-overwritten-Pf2Ys7'];
    await ssm.send(new PutParameterCommand({ Name: '/rest/secure', Value: secure[0], Type: 'SecureString' }));
    await ssm.send(new PutParameterCommand({ Name: '/rest/secure', Value: secure[1], Type: 'SecureString', Overwrite: true }));
    await ssm.send(new PutParameterCommand({ Name: '/rest/plain', Value: 'PLAIN-visible-Qe3Mu8', Type: 'String' }));

    const look = (raw: Buffer) => {
      for (const v of [...secretValues, ...secure]) {
        expect(raw.includes(Buffer.from(v)), v).toBe(false);
        expect(raw.includes(Buffer.from(Buffer.from(v).toString('base64'))), `${v} (base64)`).toBe(false);
      }
      expect(raw.includes(binary), 'binary secret').toBe(false);
      expect(raw.includes(Buffer.from(binary.toString('base64'))), 'binary secret (base64)').toBe(false);
      expect(raw.includes(Buffer.from('PLAIN-visible-Qe3Mu8')), 'the plain String parameter').toBe(true);
    };
    look(rawState(dataDir)); // while running: the recent writes are in the WAL
    // And the values still read back through the API.
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'rest/a' }))).SecretString).toBe(secretValues[1]);
    expect((await ssm.send(new GetParameterCommand({ Name: '/rest/secure:1', WithDecryption: true }))).Parameter?.Value).toBe(secure[0]);

    sm.destroy();
    ssm.destroy();
    await w.stop('SIGTERM');
    running.splice(0);
    look(rawState(dataDir)); // after a clean stop: checkpointed into state.db
    expect(readFileSync(join(dataDir, 'sealing.key'), 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);

    const again = await start(dataDir);
    expect((await again.sm.send(new GetSecretValueCommand({ SecretId: 'rest/a', VersionStage: 'AWSPENDING' }))).SecretString).toBe(secretValues[2]);
    expect(Buffer.from((await again.sm.send(new GetSecretValueCommand({ SecretId: 'rest/bin' }))).SecretBinary!)).toEqual(binary);
    expect((await again.ssm.send(new GetParameterCommand({ Name: '/rest/secure', WithDecryption: true }))).Parameter?.Value).toBe(secure[1]);
    again.sm.destroy();
    again.ssm.destroy();
  });

  it('a kill -9 among PutSecretValue calls leaves every version whole, and AWSCURRENT one of the values put', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    await first.sm.send(new CreateSecretCommand({ Name: 'crash', SecretString: 'value-0' }));
    const values = Array.from({ length: 60 }, (_, i) => `value-${i + 1}`);
    let acknowledged = 0;
    const puts = values.map((v) =>
      first.sm.send(new PutSecretValueCommand({ SecretId: 'crash', SecretString: v })).then(() => acknowledged++, () => undefined),
    );
    while (acknowledged < 5) await new Promise((r) => setTimeout(r, 2));
    first.w.proc.kill('SIGKILL');
    await Promise.all(puts);
    first.sm.destroy();
    running.splice(0);

    const again = await start(dataDir);
    const current = (await again.sm.send(new GetSecretValueCommand({ SecretId: 'crash' }))).SecretString!;
    expect(['value-0', ...values]).toContain(current);
    const versions = await again.sm.send(new ListSecretVersionIdsCommand({ SecretId: 'crash', IncludeDeprecated: true }));
    // At least the acknowledged puts are there, each version opens, and exactly one holds AWSCURRENT.
    expect(versions.Versions!.length).toBeGreaterThanOrEqual(1 + acknowledged);
    expect(versions.Versions!.filter((v) => v.VersionStages?.includes('AWSCURRENT'))).toHaveLength(1);
    for (const v of versions.Versions!) {
      const got = await again.sm.send(new GetSecretValueCommand({ SecretId: 'crash', VersionId: v.VersionId }));
      expect(['value-0', ...values]).toContain(got.SecretString);
    }
    again.sm.destroy();
  });
});
