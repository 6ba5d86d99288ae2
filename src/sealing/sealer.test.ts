import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSealingKey, Sealer } from './index.js';

describe('sealing', () => {
  const sealer = new Sealer(Buffer.alloc(32, 7));

  it('round-trips and hides the plaintext', () => {
    const sealed = sealer.seal('hunter2', 'ecs/row/1');
    expect(sealed).not.toContain('hunter2');
    expect(sealer.openText(sealed, 'ecs/row/1')).toBe('hunter2');
  });

  it('refuses another context, another key, or an altered value', () => {
    const sealed = sealer.seal('v', 'a');
    expect(() => sealer.open(sealed, 'b')).toThrow();
    expect(() => new Sealer(Buffer.alloc(32, 8)).open(sealed, 'a')).toThrow();
    const raw = Buffer.from(sealed.slice('wharf-sealed:v1:'.length), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => sealer.open('wharf-sealed:v1:' + raw.toString('base64'), 'a')).toThrow();
  });

  it('creates a 0600 key file once and reads it back; the environment wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-seal-'));
    const first = loadSealingKey(dir, {});
    expect(first.source).toBe('generated');
    expect(statSync(join(dir, 'sealing.key')).mode & 0o777).toBe(0o600);
    const again = loadSealingKey(dir, {});
    expect(again.source).toBe('data-dir');
    expect(again.key.equals(first.key)).toBe(true);
    expect(readFileSync(join(dir, 'sealing.key'), 'utf8').trim()).toBe(first.key.toString('base64'));
    const env = loadSealingKey(dir, { WHARF_SEALING_KEY: Buffer.alloc(32, 1).toString('base64') });
    expect(env.source).toBe('environment');
    expect(() => loadSealingKey(dir, { WHARF_SEALING_KEY: 'short' })).toThrow(/32 bytes/);
  });
});
