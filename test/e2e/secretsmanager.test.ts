// Secrets Manager through the Debian aws CLI and the JS SDK: values and their version stages, names and ARNs,
// listing with filters and pages, deletion with a recovery window, restore, tags, resource policies, random
// passwords, and each refusal as AWS words it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchGetSecretValueCommand, CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, TEST_CREDENTIALS, type Wharf } from './harness.js';

let w: Wharf;
let sm: SecretsManagerClient;
beforeAll(async () => {
  w = await startWharf();
  sm = new SecretsManagerClient({ endpoint: w.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
});
afterAll(async () => {
  sm?.destroy();
  await w?.stop();
});

const fails = async (args: string[], code: string, message?: string) => {
  const r = await w.awsRaw(['secretsmanager', ...args]);
  expect(r.code, r.stdout).not.toBe(0);
  expect(r.stderr).toContain(`(${code})`);
  if (message) expect(r.stderr).toContain(message);
};
const sec = (...args: string[]) => w.aws('secretsmanager', ...args);

describe('values and stages', { timeout: 180_000 }, () => {
  it('creates a secret, reads it by name, ARN and partial ARN, and moves AWSCURRENT to AWSPREVIOUS on a new value', async () => {
    const created = await sec('create-secret', '--name', 'prod/db/password', '--secret-string', 'hunter2', '--description', 'The database', '--kms-key-id', 'alias/my-key');
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:prod\/db\/password-[A-Za-z0-9]{6}$/);
    expect(created.Name).toBe('prod/db/password');
    for (const id of ['prod/db/password', created.ARN, created.ARN.slice(0, -7)]) {
      const got = await sec('get-secret-value', '--secret-id', id);
      expect(got).toMatchObject({ ARN: created.ARN, Name: 'prod/db/password', SecretString: 'hunter2', VersionId: created.VersionId, VersionStages: ['AWSCURRENT'] });
    }
    const put = await sec('put-secret-value', '--secret-id', 'prod/db/password', '--secret-string', 's3cret');
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect((await sec('get-secret-value', '--secret-id', 'prod/db/password')).SecretString).toBe('s3cret');
    const prev = await sec('get-secret-value', '--secret-id', 'prod/db/password', '--version-stage', 'AWSPREVIOUS');
    expect(prev).toMatchObject({ SecretString: 'hunter2', VersionId: created.VersionId, VersionStages: ['AWSPREVIOUS'] });
    expect((await sec('get-secret-value', '--secret-id', 'prod/db/password', '--version-id', created.VersionId)).SecretString).toBe('hunter2');
    const described = await sec('describe-secret', '--secret-id', created.ARN);
    expect(described).toMatchObject({ Name: 'prod/db/password', Description: 'The database', KmsKeyId: 'alias/my-key', RotationEnabled: false });
    expect(described.VersionIdsToStages).toEqual({ [created.VersionId]: ['AWSPREVIOUS'], [put.VersionId]: ['AWSCURRENT'] });
    expect(described.LastAccessedDate).toMatch(/T00:00:00/);
  });

  it('stages AWSPENDING, then promotes it with update-secret-version-stage', async () => {
    const c = await sec('create-secret', '--name', 'rotating', '--secret-string', 'one');
    const pending = await sec('put-secret-value', '--secret-id', 'rotating', '--secret-string', 'two', '--version-stages', 'AWSPENDING');
    expect((await sec('get-secret-value', '--secret-id', 'rotating')).SecretString).toBe('one');
    expect((await sec('get-secret-value', '--secret-id', 'rotating', '--version-stage', 'AWSPENDING')).SecretString).toBe('two');
    await fails(['update-secret-version-stage', '--secret-id', 'rotating', '--version-stage', 'AWSCURRENT', '--move-to-version-id', pending.VersionId], 'InvalidParameterException', `currently attached to version ${c.VersionId}`);
    await sec('update-secret-version-stage', '--secret-id', 'rotating', '--version-stage', 'AWSCURRENT', '--move-to-version-id', pending.VersionId, '--remove-from-version-id', c.VersionId);
    expect((await sec('get-secret-value', '--secret-id', 'rotating')).SecretString).toBe('two');
    const ids = await sec('list-secret-version-ids', '--secret-id', 'rotating');
    const stages = Object.fromEntries(ids.Versions.map((v: any) => [v.VersionId, v.VersionStages]));
    expect(stages).toEqual({ [c.VersionId]: ['AWSPREVIOUS'], [pending.VersionId]: ['AWSPENDING', 'AWSCURRENT'] });
    await sec('put-secret-value', '--secret-id', 'rotating', '--secret-string', 'three');
    await sec('put-secret-value', '--secret-id', 'rotating', '--secret-string', 'four');
    // one: deprecated; two: still AWSPENDING; three: AWSPREVIOUS; four: AWSCURRENT.
    expect((await sec('list-secret-version-ids', '--secret-id', 'rotating')).Versions).toHaveLength(3);
    expect((await sec('list-secret-version-ids', '--secret-id', 'rotating', '--include-deprecated')).Versions).toHaveLength(4);
  });

  it('keeps binary values binary, through the CLI and the SDK', async () => {
    const file = join(w.dataDir, 'blob.bin');
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);
    writeFileSync(file, bytes);
    await sec('create-secret', '--name', 'bin', '--secret-binary', `fileb://${file}`);
    const got = await sec('get-secret-value', '--secret-id', 'bin');
    expect(Buffer.from(got.SecretBinary, 'base64')).toEqual(bytes);
    expect(got.SecretString).toBeUndefined();
    const sdk = await sm.send(new GetSecretValueCommand({ SecretId: 'bin' }));
    expect(Buffer.from(sdk.SecretBinary!)).toEqual(bytes);
    await sm.send(new CreateSecretCommand({ Name: 'bin2', SecretBinary: new Uint8Array([9, 8, 7]) }));
    expect(Buffer.from((await sm.send(new GetSecretValueCommand({ SecretId: 'bin2' }))).SecretBinary!)).toEqual(Buffer.from([9, 8, 7]));
  });

  it('answers a repeated ClientRequestToken with the same version and refuses a different value under it', async () => {
    const token = '11111111-2222-3333-4444-555555555555';
    const a = await sec('create-secret', '--name', 'idem', '--secret-string', 'v', '--client-request-token', token);
    const b = await sec('create-secret', '--name', 'idem', '--secret-string', 'v', '--client-request-token', token);
    expect(b).toEqual(a);
    const t2 = '11111111-2222-3333-4444-666666666666';
    await sec('put-secret-value', '--secret-id', 'idem', '--secret-string', 'w', '--client-request-token', t2);
    await sec('put-secret-value', '--secret-id', 'idem', '--secret-string', 'w', '--client-request-token', t2);
    expect((await sec('list-secret-version-ids', '--secret-id', 'idem')).Versions).toHaveLength(2);
    await fails(['put-secret-value', '--secret-id', 'idem', '--secret-string', 'x', '--client-request-token', t2], 'ResourceExistsException', "You can't modify an existing version");
  });

  it('updates the description and the value in one call', async () => {
    await sec('create-secret', '--name', 'upd', '--secret-string', 'a');
    const u = await sec('update-secret', '--secret-id', 'upd', '--description', 'changed', '--secret-string', 'b');
    expect(u.VersionId).toBeTruthy();
    expect((await sec('get-secret-value', '--secret-id', 'upd')).SecretString).toBe('b');
    expect((await sec('describe-secret', '--secret-id', 'upd')).Description).toBe('changed');
    const only = await sec('update-secret', '--secret-id', 'upd', '--description', 'again');
    expect(only.VersionId).toBeUndefined();
  });

  it('refuses bad input as AWS does, and writes nothing', async () => {
    await fails(['create-secret', '--name', 'prod/db/password', '--secret-string', 'x'], 'ResourceExistsException', 'The operation failed because the secret prod/db/password already exists.');
    await fails(['get-secret-value', '--secret-id', 'nope'], 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    await fails(['create-secret', '--name', 'bad name'], 'ValidationException', 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
    await fails(['create-secret', '--name', 'big', '--secret-string', 'x'.repeat(65_537)], 'ValidationException', "at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536");
    await fails(['create-secret', '--name', 'big', '--secret-string', 'é'.repeat(40_000)], 'InvalidParameterException', '65536 bytes');
    await fails(['get-secret-value', '--secret-id', 'prod/db/password', '--version-stage', 'NOPE'], 'ResourceNotFoundException', 'for staging label: NOPE');
    await fails(['describe-secret', '--secret-id', 'big'], 'ResourceNotFoundException');
    await sec('create-secret', '--name', 'novalue');
    await fails(['get-secret-value', '--secret-id', 'novalue'], 'ResourceNotFoundException', "can't find the specified secret value for staging label: AWSCURRENT");
    await fails(['rotate-secret', '--secret-id', 'novalue'], 'InvalidRequestException', 'Wharf cannot rotate secrets');
    await fails(['cancel-rotate-secret', '--secret-id', 'novalue'], 'InvalidRequestException', 'no Lambda');
  });
});

describe('listing', { timeout: 180_000 }, () => {
  it('filters by name, tag and description, negates, sorts and pages', async () => {
    await sec('create-secret', '--name', 'list/a', '--secret-string', 'x', '--description', 'Alpha service', '--tags', 'Key=team,Value=core');
    await sec('create-secret', '--name', 'list/b', '--secret-string', 'x', '--tags', 'Key=team,Value=edge');
    await sec('create-secret', '--name', 'list/c', '--secret-string', 'x');
    const names = async (...args: string[]) => (await sec('list-secrets', ...args)).SecretList.map((s: any) => s.Name).sort();
    expect(await names('--filters', 'Key=name,Values=list/')).toEqual(['list/a', 'list/b', 'list/c']);
    expect(await names('--filters', 'Key=tag-value,Values=core')).toEqual(['list/a']);
    expect(await names('--filters', 'Key=description,Values=alpha')).toEqual(['list/a']);
    expect(await names('--filters', 'Key=name,Values=list/', 'Key=tag-key,Values=!team')).toEqual(['list/c']);
    expect(await names('--filters', 'Key=all,Values=edge')).toEqual(['list/b']);
    const desc = await sec('list-secrets', '--filters', 'Key=name,Values=list/', '--sort-order', 'desc');
    expect(desc.SecretList.map((s: any) => s.Name)).toEqual(['list/c', 'list/b', 'list/a']);
    const first = await sm.send(new ListSecretsCommand({ MaxResults: 2, Filters: [{ Key: 'name', Values: ['list/'] }] }));
    expect(first.SecretList).toHaveLength(2);
    const rest = await sm.send(new ListSecretsCommand({ MaxResults: 2, Filters: [{ Key: 'name', Values: ['list/'] }], NextToken: first.NextToken }));
    expect(rest.SecretList?.map((s) => s.Name)).toEqual(['list/c']);
    expect(rest.NextToken).toBeUndefined();
    expect(first.SecretList![0]!.SecretVersionsToStages).toBeDefined();
    await fails(['list-secrets', '--filters', 'Key=bogus,Values=x'], 'ValidationException');
  });

  it('BatchGetSecretValue takes ids (reporting each failure) or filters', async () => {
    const byIds = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['list/a', 'missing', 'novalue'] }));
    expect(byIds.SecretValues?.map((v) => v.Name)).toEqual(['list/a']);
    expect(byIds.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([['missing', 'ResourceNotFoundException'], ['novalue', 'ResourceNotFoundException']]);
    const byFilter = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'tag-key', Values: ['team'] }] }));
    expect(byFilter.SecretValues?.map((v) => v.Name).sort()).toEqual(['list/a', 'list/b']);
    await expect(sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['a'], Filters: [{ Key: 'name', Values: ['a'] }] }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('deletion', { timeout: 180_000 }, () => {
  it('schedules with a recovery window, refuses reads and writes meanwhile, and restores', async () => {
    await sec('create-secret', '--name', 'doomed', '--secret-string', 'v');
    await fails(['delete-secret', '--secret-id', 'doomed', '--recovery-window-in-days', '6'], 'InvalidParameterException', 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    await fails(['delete-secret', '--secret-id', 'doomed', '--recovery-window-in-days', '7', '--force-delete-without-recovery'], 'InvalidParameterException', 'ForceDeleteWithoutRecovery');
    const before = Date.now();
    const del = await sec('delete-secret', '--secret-id', 'doomed');
    const days = (Date.parse(del.DeletionDate) - before) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    const marked = "You can't perform this operation on the secret because it was marked for deletion.";
    await fails(['get-secret-value', '--secret-id', 'doomed'], 'InvalidRequestException', marked);
    await fails(['put-secret-value', '--secret-id', 'doomed', '--secret-string', 'x'], 'InvalidRequestException', marked);
    await fails(['update-secret', '--secret-id', 'doomed', '--description', 'x'], 'InvalidRequestException', marked);
    await fails(['tag-resource', '--secret-id', 'doomed', '--tags', 'Key=a,Value=b'], 'InvalidRequestException', marked);
    await fails(['create-secret', '--name', 'doomed', '--secret-string', 'x'], 'InvalidRequestException', 'already scheduled for deletion');
    expect((await sec('describe-secret', '--secret-id', 'doomed')).DeletedDate).toBeTruthy();
    expect((await sec('list-secrets', '--filters', 'Key=name,Values=doomed')).SecretList).toEqual([]);
    expect((await sec('list-secrets', '--filters', 'Key=name,Values=doomed', '--include-planned-deletion')).SecretList).toHaveLength(1);
    await sec('restore-secret', '--secret-id', 'doomed');
    expect((await sec('get-secret-value', '--secret-id', 'doomed')).SecretString).toBe('v');
    expect((await sec('describe-secret', '--secret-id', 'doomed')).DeletedDate).toBeUndefined();
  });

  it('purges at once when forced, and the name can be used again with a new ARN', async () => {
    const first = await sec('create-secret', '--name', 'temp', '--secret-string', 'v');
    await sec('delete-secret', '--secret-id', 'temp', '--recovery-window-in-days', '7');
    await sec('delete-secret', '--secret-id', 'temp', '--force-delete-without-recovery');
    await fails(['describe-secret', '--secret-id', 'temp'], 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    await fails(['restore-secret', '--secret-id', 'temp'], 'ResourceNotFoundException');
    const again = await sec('create-secret', '--name', 'temp', '--secret-string', 'v2');
    expect(again.ARN).not.toBe(first.ARN);
    await fails(['get-secret-value', '--secret-id', first.ARN], 'ResourceNotFoundException');
  });
});

describe('tags, policies and passwords', { timeout: 180_000 }, () => {
  it('tags and untags', async () => {
    await sec('create-secret', '--name', 'tagged', '--secret-string', 'v', '--tags', 'Key=a,Value=1');
    await sec('tag-resource', '--secret-id', 'tagged', '--tags', 'Key=b,Value=2', 'Key=a,Value=9');
    await sec('untag-resource', '--secret-id', 'tagged', '--tag-keys', 'b');
    expect((await sec('describe-secret', '--secret-id', 'tagged')).Tags).toEqual([{ Key: 'a', Value: '9' }]);
  });

  it('stores, validates and deletes resource policies', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] });
    await sec('put-resource-policy', '--secret-id', 'tagged', '--resource-policy', policy);
    expect(JSON.parse((await sec('get-resource-policy', '--secret-id', 'tagged')).ResourcePolicy)).toEqual(JSON.parse(policy));
    expect((await sec('validate-resource-policy', '--resource-policy', policy)).PolicyValidationPassed).toBe(true);
    const bad = await sec('validate-resource-policy', '--resource-policy', '{"Statement":[]}');
    expect(bad.PolicyValidationPassed).toBe(false);
    await fails(['put-resource-policy', '--secret-id', 'tagged', '--resource-policy', '{not json'], 'MalformedPolicyDocumentException');
    await sec('delete-resource-policy', '--secret-id', 'tagged');
    expect((await sec('get-resource-policy', '--secret-id', 'tagged')).ResourcePolicy).toBeUndefined();
  });

  it('generates random passwords with every option', async () => {
    expect((await sec('get-random-password')).RandomPassword).toHaveLength(32);
    const p = (await sec('get-random-password', '--password-length', '64', '--exclude-punctuation', '--exclude-uppercase', '--exclude-characters', 'abcdef', '--include-space')).RandomPassword;
    expect(p).toMatch(/^[g-z0-9 ]{64}$/);
    expect((await sec('get-random-password', '--password-length', '12', '--exclude-lowercase', '--exclude-uppercase', '--exclude-punctuation')).RandomPassword).toMatch(/^\d{12}$/);
    expect((await sec('get-random-password', '--password-length', '2', '--no-require-each-included-type')).RandomPassword).toHaveLength(2);
    await fails(['get-random-password', '--password-length', '4097'], 'ValidationException', 'Member must have value less than or equal to 4096');
    await fails(['get-random-password', '--password-length', '3'], 'InvalidParameterException');
  });
});
