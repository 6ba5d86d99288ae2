import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secureDataDir } from './dataDir.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const mode = (p: string) => statSync(p).mode & 0o777;

describe('the data directory', () => {
  it('is created 0700', () => {
    const parent = mkdtempSync(join(tmpdir(), 'wharf-dd-'));
    dirs.push(parent);
    expect(secureDataDir(join(parent, 'data'))).toEqual([]);
    expect(mode(join(parent, 'data'))).toBe(0o700);
  });

  it('is tightened, with what it holds, when others could read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-dd-'));
    dirs.push(dir);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'state.db'), 'x', { mode: 0o644 });
    writeFileSync(join(dir, 'state.db-wal'), 'x', { mode: 0o644 });
    mkdirSync(join(dir, 'agent'), { mode: 0o755 });
    writeFileSync(join(dir, 'agent', 'agent-identity.json'), '{}', { mode: 0o644 });
    writeFileSync(join(dir, 'credentials.json'), '{}', { mode: 0o600 });
    chmodSync(join(dir, 'state.db'), 0o644);
    const outside = join(dir, '..', `wharf-dd-outside-${process.pid}`);
    writeFileSync(outside, 'x', { mode: 0o644 });
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dir, 'link'));
    try {
      expect(secureDataDir(dir).sort()).toEqual(['.', 'agent', 'agent/agent-identity.json', 'state.db', 'state.db-wal'].sort());
      expect(mode(dir)).toBe(0o700);
      expect(mode(join(dir, 'agent'))).toBe(0o700);
      for (const f of ['state.db', 'state.db-wal', 'agent/agent-identity.json', 'credentials.json']) expect(mode(join(dir, f))).toBe(0o600);
      expect(mode(outside)).toBe(0o644);
      expect(secureDataDir(dir)).toEqual([]);
    } finally {
      rmSync(outside, { force: true });
    }
  });
});
