import { describe, expect, it } from 'vitest';
import { checkFilters, legacyFilters, matchesFilters, underPath } from './filters.js';
import { parameterArn, parseParameterRef, validateParameterName, type ParameterRecord, type ParameterVersionRecord } from './parameter.js';
import { resolveTier } from './tiers.js';
import { appendVersion, attachLabels, detachLabels, isValidLabel, MAX_VERSIONS } from './versions.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const base = { type: 'String' as const, value: 'v', tier: 'Standard' as const, dataType: 'text', lastModifiedDate: t0, lastModifiedUser: 'u' };
const rec = (versions: number, over: Partial<ParameterRecord> = {}): ParameterRecord => ({
  name: '/app/x',
  tags: [],
  versions: Array.from({ length: versions }, (_, i): ParameterVersionRecord => ({ ...base, version: i + 1, labels: [] })),
  ...over,
});
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'none';
};

describe('parameter names', () => {
  const check = (n: string) => code(() => validateParameterName(n, 'us-east-1', '000000000000'));
  it('follow AWS: characters, fully qualified paths, 15 levels, reserved prefixes', () => {
    expect(check('plain_name.v-1')).toBe('none');
    expect(check('/a/b/c')).toBe('none');
    expect(check('/' + Array.from({ length: 15 }, (_, i) => `l${i}`).join('/'))).toBe('none');
    expect(check('/' + Array.from({ length: 16 }, (_, i) => `l${i}`).join('/'))).toBe('HierarchyLevelLimitExceededException');
    expect(check('a/b')).toBe('ValidationException');
    expect(check('/a/b/')).toBe('ValidationException');
    expect(check('/a//b')).toBe('ValidationException');
    expect(check('/a b')).toBe('ValidationException');
    expect(check('/a:1')).toBe('ValidationException');
    expect(check('SSM-thing')).toBe('ValidationException');
    expect(check('/Aws/thing')).toBe('AccessDeniedException');
    expect(check('/' + 'x'.repeat(1000))).toBe('ValidationException');
  });

  it('ARNs drop the leading slash; reads take names, ARNs and selectors', () => {
    expect(parameterArn('us-east-1', '1', '/a/b')).toBe('arn:aws:ssm:us-east-1:1:parameter/a/b');
    expect(parameterArn('us-east-1', '1', 'top')).toBe('arn:aws:ssm:us-east-1:1:parameter/top');
    expect(parseParameterRef('/a/b:3')).toMatchObject({ candidates: ['/a/b'], selector: { version: 3 }, selectorText: '3' });
    expect(parseParameterRef('/a/b:prod')).toMatchObject({ candidates: ['/a/b'], selector: { label: 'prod' } });
    expect(parseParameterRef('arn:aws:ssm:us-east-1:1:parameter/a/b')).toMatchObject({ candidates: ['/a/b'] });
    expect(parseParameterRef('arn:aws:ssm:us-east-1:1:parameter/top:2')).toMatchObject({ candidates: ['top', '/top'], selector: { version: 2 } });
  });
});

describe('tiers', () => {
  it('hold 4 KB (Standard) and 8 KB (Advanced); Intelligent-Tiering picks; no downgrade', () => {
    expect(resolveTier(undefined, undefined, 'x'.repeat(4096))).toBe('Standard');
    expect(code(() => resolveTier(undefined, undefined, 'x'.repeat(4097)))).toBe('ValidationException');
    expect(code(() => resolveTier('Standard', undefined, 'é'.repeat(2049)))).toBe('ValidationException');
    expect(resolveTier('Advanced', undefined, 'x'.repeat(8192))).toBe('Advanced');
    expect(code(() => resolveTier('Advanced', undefined, 'x'.repeat(8193)))).toBe('ValidationException');
    expect(resolveTier('Intelligent-Tiering', undefined, 'x')).toBe('Standard');
    expect(resolveTier('Intelligent-Tiering', undefined, 'x'.repeat(5000))).toBe('Advanced');
    expect(resolveTier(undefined, 'Advanced', 'x')).toBe('Advanced');
    expect(() => resolveTier('Standard', 'Advanced', 'x')).toThrow(/can't downgrade/);
  });
});

describe('versions and labels', () => {
  it('number versions on, drop the oldest at 100, but not a labelled one', () => {
    expect(appendVersion(undefined, base, '/app/x').map((v) => v.version)).toEqual([1]);
    const full = rec(MAX_VERSIONS);
    const next = appendVersion(full, base, '/app/x');
    expect(next).toHaveLength(MAX_VERSIONS);
    expect([next[0]!.version, next.at(-1)!.version]).toEqual([2, 101]);
    const labelled = { ...full, versions: [{ ...full.versions[0]!, labels: ['keep'] }, ...full.versions.slice(1)] };
    expect(() => appendVersion(labelled, base, '/app/x')).toThrow(/Version 1, the oldest version, can't be deleted/);
  });

  it('move labels between versions, at most ten a version, and report malformed ones', () => {
    let p = rec(3);
    let r = attachLabels(p, 1, ['prod', 'Prod.v-1_x', '9lives', 'awsy', 'SSMx', 'a b']);
    expect(r.invalid).toEqual(['9lives', 'awsy', 'SSMx', 'a b']);
    p = { ...p, versions: r.versions };
    r = attachLabels(p, 3, ['prod']);
    expect(r.versions.map((v) => v.labels)).toEqual([['Prod.v-1_x'], [], ['prod']]);
    const ten = Array.from({ length: 10 }, (_, i) => `l${i}`);
    expect(attachLabels(p, 2, ten).versions[1]!.labels).toHaveLength(10);
    expect(code(() => attachLabels({ ...p, versions: attachLabels(p, 2, ten).versions }, 2, ['l10']))).toBe('ParameterVersionLabelLimitExceeded');
    expect(code(() => attachLabels(p, 9, ['x']))).toBe('ParameterVersionNotFound');
    const d = detachLabels({ ...p, versions: r.versions }, 3, ['prod', 'nope']);
    expect(d).toMatchObject({ removed: ['prod'], invalid: ['nope'] });
    expect(isValidLabel('x'.repeat(101))).toBe(false);
  });
});

describe('filters', () => {
  const p = rec(1, { name: '/app/db/url', tags: [{ Key: 'team', Value: 'core' }] });
  it('path levels', () => {
    expect(underPath('/app/db/url', '/app', false)).toBe(false);
    expect(underPath('/app/db/url', '/app', true)).toBe(true);
    expect(underPath('/app/db/url', '/app/db/', false)).toBe(true);
    expect(underPath('/application/x', '/app', true)).toBe(false);
    expect(underPath('/top', '/', false)).toBe(true);
    expect(underPath('plain', '/', true)).toBe(false);
  });

  it('keys and options', () => {
    expect(matchesFilters(p, [{ Key: 'Name', Option: 'BeginsWith', Values: ['app/'] }])).toBe(true);
    expect(matchesFilters(p, [{ Key: 'Name', Values: ['app/db/url'] }])).toBe(true);
    expect(matchesFilters(p, [{ Key: 'Name', Option: 'Contains', Values: ['db'] }])).toBe(true);
    expect(matchesFilters(p, [{ Key: 'Path', Option: 'OneLevel', Values: ['/app'] }])).toBe(false);
    expect(matchesFilters(p, [{ Key: 'Path', Option: 'Recursive', Values: ['/app'] }])).toBe(true);
    expect(matchesFilters(p, [{ Key: 'Type', Values: ['String'] }, { Key: 'tag:team', Values: ['core'] }])).toBe(true);
    expect(matchesFilters(p, [{ Key: 'tag:team' }])).toBe(true);
    expect(matchesFilters(p, [{ Key: 'Tier', Values: ['Advanced'] }])).toBe(false);
    expect(code(() => checkFilters([{ Key: 'Path', Option: 'Equals', Values: ['/a'] }], false))).toBe('InvalidFilterOption');
    expect(code(() => checkFilters([{ Key: 'Name', Values: ['a'] }], true))).toBe('InvalidFilterKey');
    expect(code(() => checkFilters([{ Key: 'Path', Values: ['a'] }], false))).toBe('InvalidFilterValue');
    expect(legacyFilters([{ Key: 'Name', Values: ['/app'] }], undefined)).toEqual([{ Key: 'Name', Option: 'BeginsWith', Values: ['/app'] }]);
    expect(code(() => legacyFilters([{ Key: 'Name', Values: ['a'] }], [{ Key: 'Type', Values: ['String'] }]))).toBe('ValidationException');
  });
});
