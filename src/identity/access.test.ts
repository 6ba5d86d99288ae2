// Access against a real store: keys resolve to callers, sessions need their signed token and end at their expiration,
// and compiled policies follow changes to users, roles and managed policies.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sealer } from '../sealing/index.js';
import { StateCache } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { Access } from './access.js';
import { Iam } from './iam.js';
import { Sts } from './sts.js';
import { createIdentityTables } from './tables.js';

const ACCOUNT = '000000000000';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function setup() {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'wharf-identity-')), 'state.db'));
  const cache = new StateCache(store);
  const tables = createIdentityTables(cache);
  await cache.start();
  let now = new Date('2026-01-01T00:00:00Z');
  const clock = () => now;
  const sealer = new Sealer(Buffer.alloc(32, 7));
  const access = new Access({
    cache, tables, sealer, accountId: ACCOUNT, root: { accessKeyId: 'AKIAROOT', secretAccessKey: 'root-secret' }, instanceSecret: () => undefined,
  });
  const iam = new Iam({ cache, tables, sealer, accountId: ACCOUNT, now: clock });
  const sts = new Sts({ cache, tables, sealer, access, accountId: ACCOUNT, now: clock });
  stops.push(async () => {
    access.close();
    cache.stop();
    await store.close();
  });
  return { access, iam, sts, tables, advance: (ms: number) => (now = new Date(now.getTime() + ms)), clock };
}

const allow = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe('Access', () => {
  it('resolves root, user and unknown keys; an inactive key has no secret', async () => {
    const { access, iam, clock } = await setup();
    expect(access.caller('AKIAROOT', undefined, false, clock())).toMatchObject({ kind: 'root', arn: `arn:aws:iam::${ACCOUNT}:root` });
    await iam.createUser('u');
    const { rec, secret } = await iam.createAccessKey('u');
    expect(rec.secretAccessKey).not.toContain(secret);
    expect(access.secretFor(rec.accessKeyId)).toBe(secret);
    expect(access.caller(rec.accessKeyId, undefined, false, clock())).toMatchObject({ kind: 'user', arn: `arn:aws:iam::${ACCOUNT}:user/u` });
    await iam.updateAccessKey('u', rec.accessKeyId, 'Inactive');
    expect(access.secretFor(rec.accessKeyId)).toBeUndefined();
    expect(access.secretFor('AKIANOPE')).toBeUndefined();
  });

  it('compiled policies follow inline and managed policy changes', async () => {
    const { access, iam, clock } = await setup();
    await iam.createUser('u');
    const { rec } = await iam.createAccessKey('u');
    const caller = access.caller(rec.accessKeyId, undefined, false, clock());
    const decide = () => access.decide(caller, 'ecs:RunTask', '*', 'us-east-1', clock());
    expect(decide()).toBe('implicit-deny');
    await iam.putInline('user', 'u', 'p', allow('ecs:*'));
    expect(decide()).toBe('allow');
    const p = await iam.createPolicy({ name: 'deny', document: JSON.stringify({ Statement: { Effect: 'Deny', Action: 'ecs:RunTask', Resource: '*' } }) });
    await iam.attach('user', 'u', p.arn);
    expect(decide()).toBe('explicit-deny');
    await iam.detach('user', 'u', p.arn);
    expect(decide()).toBe('allow');
  });

  it('decisions that read the clock are made afresh on every request', async () => {
    const { access, iam, advance, clock } = await setup();
    await iam.createUser('u');
    const { rec } = await iam.createAccessKey('u');
    await iam.putInline('user', 'u', 'p', JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*', Condition: { StringLike: { 'aws:CurrentTime': '2026-01-01T*' } } }],
    }));
    const caller = access.caller(rec.accessKeyId, undefined, false, clock());
    expect(access.decide(caller, 'ecs:RunTask', '*', 'us-east-1', clock())).toBe('allow');
    advance(24 * 3600_000);
    expect(access.decide(caller, 'ecs:RunTask', '*', 'us-east-1', clock())).toBe('implicit-deny');
    // Region is part of what a remembered decision is keyed on.
    await iam.putInline('user', 'u', 'p', JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }],
    }));
    expect(access.decide(caller, 'ecs:RunTask', '*', 'eu-west-1', clock())).toBe('allow');
    expect(access.decide(caller, 'ecs:RunTask', '*', 'us-east-1', clock())).toBe('implicit-deny');
  });

  it('sessions need their own signed token and end at their expiration', async () => {
    const { access, iam, sts, advance, clock } = await setup();
    await iam.createUser('u');
    await iam.createRole({ name: 'r', trust: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }] }) });
    await iam.putInline('role', 'r', 'p', allow('ecs:List*'));
    const root = access.caller('AKIAROOT', undefined, false, clock());
    const { session, sessionToken, secretAccessKey } = await sts.assumeRole(root, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/r`, RoleSessionName: 's', DurationSeconds: 900 }, 'query', 'us-east-1');
    const id = session.accessKeyId;
    expect(access.secretFor(id)).toBe(secretAccessKey);
    expect(() => access.caller(id, undefined, false, clock())).toThrow(/invalid/);
    // Unsigned (added after signing) is accepted, as AWS does; the token's value is what is checked.
    expect(access.caller(id, sessionToken, false, clock()).kind).toBe('role');
    expect(() => access.caller(id, sessionToken + 'x', true, clock())).toThrow(/invalid/);
    const caller = access.caller(id, sessionToken, true, clock());
    expect(caller).toMatchObject({ kind: 'role', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s` });
    expect(access.decide(caller, 'ecs:ListClusters', '*', 'us-east-1', clock())).toBe('allow');
    expect(access.decide(caller, 'ecs:RunTask', '*', 'us-east-1', clock())).toBe('implicit-deny');
    advance(899_000);
    expect(access.caller(id, sessionToken, true, clock()).kind).toBe('role');
    advance(1_000);
    expect(() => access.caller(id, sessionToken, true, clock())).toThrow(expect.objectContaining({ code: 'ExpiredTokenException', query: { code: 'ExpiredToken' } }));
    expect(await sts.sweep()).toBe(1);
    expect(access.secretFor(id)).toBeUndefined();
  });

  it('a key\'s holder without a signature (registry passwords): gone once the key is inactive, deleted or expired', async () => {
    const { access, iam, sts, advance, clock } = await setup();
    expect(access.holder('AKIAROOT', clock())).toMatchObject({ kind: 'root' });
    expect(access.holder('AKIANOPE', clock())).toBeUndefined();
    await iam.createUser('u');
    await iam.putInline('user', 'u', 'p', allow('ecr:BatchGetImage'));
    const { rec } = await iam.createAccessKey('u');
    const user = access.holder(rec.accessKeyId, clock())!;
    expect(user).toMatchObject({ kind: 'user', arn: `arn:aws:iam::${ACCOUNT}:user/u` });
    const repo = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/web`;
    expect(access.refusal(user, 'ecr:BatchGetImage', repo, 'us-east-1', clock())).toBeUndefined();
    expect(access.refusal(user, 'ecr:PutImage', repo, 'us-east-1', clock())).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/u is not authorized to perform: ecr:PutImage on resource: ${repo} because no identity-based policy allows the ecr:PutImage action`,
    );
    expect(access.refusal(access.holder('AKIAROOT', clock())!, 'ecr:PutImage', repo, 'us-east-1', clock())).toBeUndefined();
    await iam.updateAccessKey('u', rec.accessKeyId, 'Inactive');
    expect(access.holder(rec.accessKeyId, clock())).toBeUndefined();
    await iam.updateAccessKey('u', rec.accessKeyId, 'Active');
    expect(access.holder(rec.accessKeyId, clock())?.kind).toBe('user');
    await iam.deleteAccessKey('u', rec.accessKeyId);
    expect(access.holder(rec.accessKeyId, clock())).toBeUndefined();

    await iam.createRole({ name: 'r', trust: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }] }) });
    const root = access.caller('AKIAROOT', undefined, false, clock());
    const { session } = await sts.assumeRole(root, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/r`, RoleSessionName: 's', DurationSeconds: 900 }, 'query', 'us-east-1');
    expect(access.holder(session.accessKeyId, clock())).toMatchObject({ kind: 'role', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s` });
    advance(900_000);
    expect(access.holder(session.accessKeyId, clock())).toBeUndefined();
  });

  it('a session of a role deleted and made again under its name gets nothing from the new role', async () => {
    const { access, iam, sts, clock } = await setup();
    const trust = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }] });
    await iam.createRole({ name: 'r', trust });
    const root = access.caller('AKIAROOT', undefined, false, clock());
    const { session, sessionToken } = await sts.assumeRole(root, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/r`, RoleSessionName: 's' }, 'query', 'us-east-1');
    await iam.deleteRole('r');
    await iam.createRole({ name: 'r', trust });
    await iam.putInline('role', 'r', 'p', allow('ecs:*'));
    const caller = access.caller(session.accessKeyId, sessionToken, true, clock());
    expect(access.decide(caller, 'ecs:ListClusters', '*', 'us-east-1', clock())).toBe('implicit-deny');
  });

  it('a service assumes a role only as far as its trust conditions on aws:SourceAccount and aws:SourceArn allow', async () => {
    const { iam, sts } = await setup();
    const guarded = (account: string, arn: string) => JSON.stringify({
      Statement: [{
        Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': arn } },
      }],
    });
    await iam.createRole({ name: 'ours', trust: guarded(ACCOUNT, `arn:aws:ecs:us-east-1:${ACCOUNT}:*`) });
    await iam.createRole({ name: 'theirs', trust: guarded('111122223333', 'arn:aws:ecs:us-east-1:111122223333:*') });
    await iam.createRole({ name: 'elsewhere', trust: guarded(ACCOUNT, `arn:aws:ecs:eu-west-1:${ACCOUNT}:*`) });
    const source = { account: ACCOUNT, arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/default` };
    const role = (name: string) => sts.roleByArn(`arn:aws:iam::${ACCOUNT}:role/${name}`)!;
    expect(sts.trustsService(role('ours'), 'ecs-tasks.amazonaws.com', source)).toBe(true);
    expect(sts.trustsService(role('theirs'), 'ecs-tasks.amazonaws.com', source)).toBe(false);
    expect(sts.trustsService(role('elsewhere'), 'ecs-tasks.amazonaws.com', source)).toBe(false);
    // Without a source, a condition on it cannot hold.
    expect(sts.trustsService(role('ours'), 'ecs-tasks.amazonaws.com')).toBe(false);
    await expect(sts.assumeAsService(role('theirs').arn, 'ecs-tasks.amazonaws.com', 'task-1', 3600, source)).rejects.toThrow('does not allow ecs-tasks.amazonaws.com');
    expect((await sts.assumeAsService(role('ours').arn, 'ecs-tasks.amazonaws.com', 'task-1', 3600, source)).session.roleName).toBe('ours');
  });

  it('a refused write writes nothing', async () => {
    const { iam, tables } = await setup();
    await iam.createUser('u');
    await expect(iam.putInline('user', 'u', 'bad', '{"Statement":[{"Effect":"Allow","Action":"ecs:*"}]}')).rejects.toMatchObject({ code: 'MalformedPolicyDocument' });
    await expect(iam.putInline('user', 'u', 'big', allow('ecs:' + 'A'.repeat(2100)))).rejects.toMatchObject({ code: 'LimitExceeded' });
    expect(tables.users.get('u')!.value.inlinePolicies).toEqual({});
    await expect(iam.createPolicy({ name: 'p', document: 'nope' })).rejects.toMatchObject({ code: 'MalformedPolicyDocument' });
    expect(tables.policies.size).toBe(0);
  });
});
