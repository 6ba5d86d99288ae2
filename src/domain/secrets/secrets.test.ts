import { describe, expect, it } from 'vitest';
import { purgeTime } from './deletion.js';
import { matchesFilters } from './filters.js';
import { DIGITS, LOWER, PUNCTUATION, randomPassword, UPPER } from './password.js';
import { policyProblems, requireWellFormedPolicy } from './policy.js';
import { isPurged, requireLive, resolveSecret, secretArn, validateSecretName, type SecretRecord, type SecretVersion } from './secret.js';
import { addVersion, MAX_VERSIONS, moveStage, pickVersion, versionIdsToStages } from './versions.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const v = (id: string): SecretVersion => ({ versionId: id, createdDate: t0, stages: [], sealed: 'x', binary: false });
const stagesOf = (vs: SecretVersion[]) => Object.fromEntries(vs.map((x) => [x.versionId, x.stages]));
const record = (over: Partial<SecretRecord> = {}): SecretRecord => ({
  name: 'db/pass',
  arn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db/pass-AbCdEf',
  tags: [],
  createdDate: t0,
  lastChangedDate: t0,
  versions: [],
  ...over,
});

describe('secret names and ARNs', () => {
  it('takes AWS characters only and suffixes ARNs with six random characters', () => {
    expect(() => validateSecretName('prod/db_user+x=y.z@w-1!')).not.toThrow();
    expect(() => validateSecretName('bad name')).toThrow(/Invalid name/);
    expect(() => validateSecretName('bad#')).toThrow(/alphanumeric/);
    expect(secretArn('eu-west-1', '123456789012', 'a/b', () => 0)).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:a/b-AAAAAA');
    expect(secretArn('us-east-1', '1', 'n', (k) => k - 1)).toMatch(/:secret:n-999999$/);
  });

  it('resolves a SecretId given as name, full ARN or partial ARN, and nothing else', () => {
    const rec = record();
    const lookup = (n: string) => (n === 'db/pass' ? rec : undefined);
    expect(resolveSecret('db/pass', lookup, t0)).toBe(rec);
    expect(resolveSecret(rec.arn, lookup, t0)).toBe(rec);
    expect(resolveSecret('arn:aws:secretsmanager:us-east-1:000000000000:secret:db/pass', lookup, t0)).toBe(rec);
    expect(() => resolveSecret('arn:aws:secretsmanager:us-east-1:000000000000:secret:db/pass-XXXXXX', lookup, t0)).toThrow(
      "Secrets Manager can't find the specified secret.",
    );
    expect(() => resolveSecret('arn:aws:secretsmanager:eu-west-1:000000000000:secret:db/pass', lookup, t0)).toThrow(/can't find/);
    expect(() => resolveSecret('other', lookup, t0)).toThrow(/can't find/);
  });

  it('a secret scheduled for deletion refuses values; once its window passed it is gone', () => {
    const rec = record({ deletedDate: t0, purgeAt: new Date(t0.getTime() + 7 * 86_400_000) });
    expect(() => requireLive(rec)).toThrow(expect.objectContaining({ code: 'InvalidRequestException' }));
    expect(isPurged(rec, new Date(t0.getTime() + 7 * 86_400_000 - 1))).toBe(false);
    expect(isPurged(rec, new Date(t0.getTime() + 7 * 86_400_000))).toBe(true);
    expect(() => resolveSecret('db/pass', () => rec, new Date(t0.getTime() + 8 * 86_400_000))).toThrow(/can't find/);
  });
});

describe('version stages', () => {
  it('a new value becomes AWSCURRENT and the old current AWSPREVIOUS; the older one is deprecated', () => {
    let vs = addVersion([], v('1'));
    expect(stagesOf(vs)).toEqual({ 1: ['AWSCURRENT'] });
    vs = addVersion(vs, v('2'));
    expect(stagesOf(vs)).toEqual({ 1: ['AWSPREVIOUS'], 2: ['AWSCURRENT'] });
    vs = addVersion(vs, v('3'));
    expect(stagesOf(vs)).toEqual({ 1: [], 2: ['AWSPREVIOUS'], 3: ['AWSCURRENT'] });
    expect(versionIdsToStages(vs)).toEqual({ 2: ['AWSPREVIOUS'], 3: ['AWSCURRENT'] });
  });

  it('a version put with AWSPENDING leaves AWSCURRENT where it is; moving AWSCURRENT promotes it', () => {
    let vs = addVersion(addVersion([], v('1')), v('2'), ['AWSPENDING']);
    expect(stagesOf(vs)).toEqual({ 1: ['AWSCURRENT'], 2: ['AWSPENDING'] });
    expect(() => moveStage(vs, 'AWSCURRENT', '2')).toThrow(/RemoveFromVersionId can't be empty.*attached to version 1/);
    vs = moveStage(vs, 'AWSCURRENT', '2', '1');
    expect(stagesOf(vs)).toEqual({ 1: ['AWSPREVIOUS'], 2: ['AWSPENDING', 'AWSCURRENT'] });
    vs = moveStage(vs, 'AWSPENDING', undefined, '2');
    expect(stagesOf(vs)).toEqual({ 1: ['AWSPREVIOUS'], 2: ['AWSCURRENT'] });
  });

  it('refuses to drop AWSCURRENT, to remove a label from a version without it, and unknown versions', () => {
    const vs = addVersion(addVersion([], v('1')), v('2'));
    expect(() => moveStage(vs, 'AWSCURRENT', undefined, '2')).toThrow(/without moving it/);
    expect(() => moveStage(vs, 'AWSCURRENT', '1', '1')).toThrow(/not attached to version 1/);
    expect(() => moveStage(vs, 'custom', 'nope')).toThrow(expect.objectContaining({ code: 'ResourceNotFoundException' }));
    expect(stagesOf(moveStage(vs, 'custom', '1'))).toEqual({ 1: ['AWSPREVIOUS', 'custom'], 2: ['AWSCURRENT'] });
  });

  it('keeps at most 100 versions, dropping the oldest deprecated ones', () => {
    let vs: SecretVersion[] = [];
    for (let i = 0; i < MAX_VERSIONS + 5; i++) vs = addVersion(vs, v(String(i)));
    expect(vs).toHaveLength(MAX_VERSIONS);
    expect(vs[0]!.versionId).toBe('5');
    expect(vs.at(-1)!.stages).toEqual(['AWSCURRENT']);
  });

  it('picks by id, by stage (AWSCURRENT by default), and insists both agree', () => {
    const vs = addVersion(addVersion([], v('1')), v('2'));
    expect(pickVersion(vs).versionId).toBe('2');
    expect(pickVersion(vs, undefined, 'AWSPREVIOUS').versionId).toBe('1');
    expect(pickVersion(vs, '1').versionId).toBe('1');
    expect(() => pickVersion(vs, '1', 'AWSCURRENT')).toThrow(/VersionId: 1 and staging label: AWSCURRENT/);
    expect(() => pickVersion(vs, '9')).toThrow("Secrets Manager can't find the specified secret value for VersionId: 9");
    expect(() => pickVersion([], undefined, undefined)).toThrow('for staging label: AWSCURRENT');
  });
});

describe('deletion', () => {
  it('defaults to 30 days, takes 7 to 30, or purges at once; never both', () => {
    expect(purgeTime({}, t0).getTime() - t0.getTime()).toBe(30 * 86_400_000);
    expect(purgeTime({ RecoveryWindowInDays: 7 }, t0).getTime() - t0.getTime()).toBe(7 * 86_400_000);
    expect(purgeTime({ ForceDeleteWithoutRecovery: true }, t0)).toEqual(t0);
    expect(() => purgeTime({ RecoveryWindowInDays: 6 }, t0)).toThrow('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    expect(() => purgeTime({ RecoveryWindowInDays: 31 }, t0)).toThrow(/between 7 and 30/);
    expect(() => purgeTime({ RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }, t0)).toThrow(/in conjunction with/);
  });
});

describe('GetRandomPassword', () => {
  const rnd = (n: number) => Math.floor(Math.random() * n);
  it('is 32 characters of every class by default', () => {
    for (let i = 0; i < 50; i++) {
      const p = randomPassword({}, rnd);
      expect(p).toHaveLength(32);
      for (const cls of [LOWER, UPPER, DIGITS, PUNCTUATION]) expect([...p].some((c) => cls.includes(c))).toBe(true);
      expect(p).not.toContain(' ');
    }
  });

  it('honours exclusions, the space, and RequireEachIncludedType', () => {
    const p = randomPassword({ PasswordLength: 200, ExcludePunctuation: true, ExcludeUppercase: true, ExcludeCharacters: 'abc0', IncludeSpace: true }, rnd);
    expect(p).toMatch(/^[d-z1-9 ]{200}$/);
    expect(p).toContain(' ');
    expect(randomPassword({ PasswordLength: 4, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true }, rnd)).toMatch(/^\d{4}$/);
    expect(() => randomPassword({ PasswordLength: 3 }, rnd)).toThrow(/at least 4/);
    expect(randomPassword({ PasswordLength: 1, RequireEachIncludedType: false }, rnd)).toHaveLength(1);
    expect(() => randomPassword({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true }, rnd)).toThrow(
      /every character type is excluded/,
    );
  });
});

describe('ListSecrets filters', () => {
  const rec = record({ description: 'Primary DATABASE password', tags: [{ Key: 'env', Value: 'prod' }] });
  it('match by prefix per key, with negation and the all key', () => {
    expect(matchesFilters(rec, [{ Key: 'name', Values: ['db/'] }])).toBe(true);
    expect(matchesFilters(rec, [{ Key: 'name', Values: ['DB/'] }])).toBe(false);
    expect(matchesFilters(rec, [{ Key: 'description', Values: ['primary data'] }])).toBe(true);
    expect(matchesFilters(rec, [{ Key: 'tag-key', Values: ['en'] }, { Key: 'tag-value', Values: ['pro'] }])).toBe(true);
    expect(matchesFilters(rec, [{ Key: 'tag-value', Values: ['!prod'] }])).toBe(false);
    expect(matchesFilters(rec, [{ Key: 'name', Values: ['!other'] }])).toBe(true);
    expect(matchesFilters(rec, [{ Key: 'all', Values: ['database PROD'] }])).toBe(true);
    expect(matchesFilters(rec, [{ Key: 'all', Values: ['staging'] }])).toBe(false);
  });
});

describe('resource policies', () => {
  it('are JSON documents with statements that have an Effect and an Action', () => {
    const good = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] });
    expect(policyProblems(good)).toEqual([]);
    expect(policyProblems('{nope')[0]!.ErrorMessage).toMatch(/not valid JSON/);
    expect(policyProblems('{"Statement":[{"Effect":"Maybe","Action":"x"}]}')).toHaveLength(1);
    expect(() => requireWellFormedPolicy('{}')).toThrow(expect.objectContaining({ code: 'MalformedPolicyDocumentException' }));
  });
});
