// Unit tests for the registry's pure and clock-driven parts: password expiry (12 hours, at most), the signing key at
// rest, blob paths, and lifecycle rule evaluation.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sealer } from '../sealing/index.js';
import { StateCache, Txn } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { issuePassword, passwordKey, verifyPassword } from './auth.js';
import { Registry } from './core.js';
import { evaluateLifecycle, parseLifecyclePolicy } from './lifecycle.js';
import { isRepositoryName } from './names.js';
import { knownSigningKey } from './signingKey.js';
import { createRegistryTables } from './tables.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function registry(now: { t: number }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-reg-unit-'));
  dirs.push(dataDir);
  const cache = new StateCache(new SqliteStore(join(dataDir, 'state.db')));
  const tables = createRegistryTables(cache);
  await cache.start();
  return new Registry({ cache, tables, dataDir, accountId: '000000000000', region: 'us-east-1', publicHost: () => 'h:1', now: () => new Date(now.t), sealer: new Sealer(Buffer.alloc(32, 3)) });
}

describe('registry passwords', () => {
  it('are accepted until 12 hours have passed, and never when tampered with', async () => {
    const now = { t: Date.parse('2025-01-01T00:00:00Z') };
    const reg = await registry(now);
    const { password, expiresAt } = await issuePassword(reg, "AKIAEXAMPLE");
    expect(expiresAt.getTime() - now.t).toBe(12 * 3600_000);
    expect(verifyPassword(reg, password)).toBe(true);
    expect(verifyPassword(reg, password.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBe(false);
    now.t += 12 * 3600_000 - 1;
    expect(verifyPassword(reg, password)).toBe(true);
    now.t += 1;
    expect(verifyPassword(reg, password)).toBe(false);
  });
});

describe('registry passwords name their key', () => {
  it('carry the key that asked, and one without a key (the earlier format) is refused', async () => {
    const now = { t: Date.parse('2025-01-01T00:00:00Z') };
    const reg = await registry(now);
    const { password } = await issuePassword(reg, 'AKIAUSERKEY');
    expect(passwordKey(reg, password)).toBe('AKIAUSERKEY');
    const claims = Buffer.from(JSON.stringify({ a: '000000000000', e: now.t + 3600_000 })).toString('base64url');
    const keyless = `wharf1.${claims}.${createHmac('sha256', knownSigningKey(reg)!).update(claims).digest('base64url')}`;
    expect(passwordKey(reg, keyless)).toBeUndefined();
  });
});

describe('names', () => {
  it('refuses path tricks and accepts ECR names', () => {
    for (const bad of ['..', 'a/../b', 'a/./b', '/a', 'a/', 'A', 'a//b', 'a..b', 'a']) expect(isRepositoryName(bad)).toBe(false);
    for (const good of ['ab', 'demo/web', 'a.b_c-d/e__f']) expect(isRepositoryName(good)).toBe(true);
  });
});

describe('lifecycle evaluation', () => {
  const day = 86_400_000;
  const now = new Date('2025-02-01T00:00:00Z');
  const img = (digest: string, tags: string[], daysAgo: number) => ({ digest, tags, pushedAt: new Date(now.getTime() - daysAgo * day) });
  const images = [img('a', ['prod-1'], 30), img('b', ['prod-2'], 20), img('c', [], 15), img('d', ['dev'], 2), img('e', [], 1)];

  it('gives each image to the first rule whose tag selection matches it', () => {
    const rules = parseLifecyclePolicy(JSON.stringify({ rules: [
      { rulePriority: 1, selection: { tagStatus: 'tagged', tagPatternList: ['prod-*'], countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } },
      { rulePriority: 2, selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 10 }, action: { type: 'expire' } },
    ] }));
    expect(evaluateLifecycle(rules, images, now).map((e) => [e.digest, e.rulePriority])).toEqual([['c', 2]]);
  });

  it('keeps the newest N untagged images', () => {
    const rules = parseLifecyclePolicy(JSON.stringify({ rules: [
      { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } },
    ] }));
    expect(evaluateLifecycle(rules, images, now).map((e) => e.digest)).toEqual(['c']);
  });

  it('refuses invalid policies', () => {
    const bad = [
      '{', '{"rules":[]}',
      JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'sinceImagePushed', countNumber: 1 }, action: { type: 'expire' } }] }),
      JSON.stringify({ rules: [
        { rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } },
        { rulePriority: 2, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } },
      ] }),
    ];
    for (const b of bad) expect(() => parseLifecyclePolicy(b)).toThrow(/InvalidParameter|Lifecycle policy|not valid/);
  });
});

describe('registry passwords at the edges', () => {
  it('refuses a validly signed password whose claimed expiry is beyond 12 hours', async () => {
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const now = { t: t0 + 115 * 86_400_000 - 12 * 3600_000 };
    const reg = await registry(now);
    // Signed with the registry's own key, claiming to last until t0 + 115 days.
    const { password, expiresAt } = await issuePassword(reg, "AKIAEXAMPLE");
    now.t = t0;
    expect(expiresAt.getTime() - now.t).toBe(115 * 86_400_000);
    expect(verifyPassword(reg, password)).toBe(false);
    // A replica whose clock runs a minute ahead issues passwords this one still takes.
    now.t = t0 + 60_000;
    const ahead = await issuePassword(reg, "AKIAEXAMPLE");
    now.t = t0;
    expect(verifyPassword(reg, ahead.password)).toBe(true);
  });

  it('never hands out a password that lasts longer than 12 hours', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-reg-unit-'));
    dirs.push(dataDir);
    const cache = new StateCache(new SqliteStore(join(dataDir, 'state.db')));
    const tables = createRegistryTables(cache);
    await cache.start();
    const reg = new Registry({ cache, tables, dataDir, accountId: '000000000000', region: 'us-east-1', publicHost: () => 'h:1', sealer: new Sealer(Buffer.alloc(32, 3)), tokenTtlMs: 115 * 86_400_000 });
    const { expiresAt } = await issuePassword(reg, "AKIAEXAMPLE");
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(12 * 3600_000);
  });
});

describe('the signing key at rest', () => {
  it('is stored sealed, and a plain key from an older data directory still verifies and is sealed at start', async () => {
    const now = { t: Date.parse('2025-01-01T00:00:00Z') };
    const reg = await registry(now);
    const { password } = await issuePassword(reg, "AKIAEXAMPLE");
    const stored = (reg.tables.meta.get('token-key')!.value as { key: string }).key;
    expect(stored).toMatch(/^wharf-sealed:v1:/);

    // An older Wharf's row: the same key in plain base64.
    const plain = knownSigningKey(reg)!.toString('base64');
    const row = reg.tables.meta.get('token-key')!;
    await reg.cache.commit(new Txn().put(reg.tables.meta, 'token-key', { key: plain }, row.modRevision));
    expect(verifyPassword(reg, password)).toBe(true);
    await reg.start(async () => undefined);
    reg.stop();
    expect((reg.tables.meta.get('token-key')!.value as { key: string }).key).toMatch(/^wharf-sealed:v1:/);
    expect(verifyPassword(reg, password)).toBe(true);

    // Started with another sealing key, the registry says so instead of refusing every password.
    const other = new Registry({ ...reg.opts, sealer: new Sealer(Buffer.alloc(32, 4)) });
    await expect(other.start(async () => undefined)).rejects.toThrow(/does not open with this sealing key/);
  });
});

describe('the blob store', () => {
  it('names no file for anything but a well-formed digest', async () => {
    const reg = await registry({ t: Date.now() });
    for (const bad of ['sha256:../../x', 'sha256:..%2F..%2Fx', '../x', 'sha256:' + 'a'.repeat(63) + '/']) {
      expect(() => reg.blobs.path(bad)).toThrow(/invalid digest/);
    }
    expect(reg.blobs.path('sha256:' + 'a'.repeat(64)).startsWith(reg.blobs.root + '/')).toBe(true);
  });
});
