// Temporary keys end at their expiration, through the real gateway and SDK: the gateway runs in this process with a
// clock the test moves, and the SDK signs with the same offset, so only the session (not the signature) is too old.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamService } from '../../src/api/iam/index.js';
import { stsService } from '../../src/api/sts/index.js';
import { Gateway } from '../../src/gateway/server.js';
import { Access, createIdentityTables, Iam, Sts } from '../../src/identity/index.js';
import { Sealer } from '../../src/sealing/index.js';
import { StateCache } from '../../src/store/cache.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { TEST_CREDENTIALS } from './harness.js';

const ACCOUNT = '000000000000';
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
let gateway: Gateway;
let store: SqliteStore;
let cache: StateCache;
let access: Access;
let url = '';

beforeAll(async () => {
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'wharf-expiry-')), 'state.db'));
  cache = new StateCache(store);
  const tables = createIdentityTables(cache);
  await cache.start();
  const sealer = new Sealer(Buffer.alloc(32, 3));
  access = new Access({ cache, tables, sealer, accountId: ACCOUNT, root: TEST_CREDENTIALS, instanceSecret: () => undefined });
  const iam = new Iam({ cache, tables, sealer, accountId: ACCOUNT, now: clock });
  const sts = new Sts({ cache, tables, sealer, access, accountId: ACCOUNT, now: clock });
  await iam.createRole({ name: 'r', trust: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }] }) });
  gateway = new Gateway({
    host: '127.0.0.1', port: 0, accountId: ACCOUNT, secretFor: (id) => access.secretFor(id), identity: access,
    services: [iamService(iam), stsService(sts)], logger: pino({ level: 'silent' }), now: clock,
  });
  url = await gateway.listen();
});
afterAll(async () => {
  await gateway?.close();
  access?.close();
  cache?.stop();
  await store?.close();
});

const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new STSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: offsetMs });

describe('temporary keys', () => {
  it('work until their expiration, then answer ExpiredToken', async () => {
    const out = await client(TEST_CREDENTIALS).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/r`, RoleSessionName: 'short', DurationSeconds: 900 }));
    const c = out.Credentials!;
    const session = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    expect((await client(session).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/r/short`);
    offsetMs = c.Expiration!.getTime() - Date.now() - 5_000;
    expect((await client(session).send(new GetCallerIdentityCommand({}))).Arn).toContain('assumed-role/r/short');
    offsetMs = c.Expiration!.getTime() - Date.now() + 1_000;
    await expect(client(session).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'ExpiredToken',
      message: 'The security token included in the request is expired',
    });
    // The root key is not affected.
    expect((await client(TEST_CREDENTIALS).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${ACCOUNT}:root`);
  });
});
