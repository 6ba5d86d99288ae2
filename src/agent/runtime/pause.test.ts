// The pause binaries run for real: natively, or under qemu-user for the other architecture. Each must block (alive,
// using no CPU) until it is killed; a wrong instruction or syscall would crash it or make it spin.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pauseBinary, pauseBuildContext } from './pause.js';

const cpuTicks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};

const native = process.arch === 'x64' ? 'amd64' : process.arch;
const qemu = { amd64: 'qemu-x86_64', arm64: 'qemu-aarch64' } as const;

describe('pause binaries', () => {
  for (const arch of ['amd64', 'arm64'] as const) {
    it(`${arch}: blocks without using CPU until killed`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wharf-pause-'));
      const file = join(dir, 'pause');
      writeFileSync(file, pauseBinary(arch)!, { mode: 0o755 });
      const child = arch === native ? spawn(file) : spawn(qemu[arch], [file]);
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
      try {
        // Nothing to poll for: the point is that nothing happens. Half a second is long enough to crash or to spin.
        const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r('running'), 500))]);
        expect(early).toBe('running');
        expect(cpuTicks(child.pid!)).toBeLessThan(10);
      } finally {
        child.kill('SIGKILL'); // even when it failed: a spinning one would burn a core
      }
      rmSync(dir, { recursive: true, force: true });
      expect(await exited).toBe('SIGKILL');
    });
  }

  it('has none for other architectures, and says so', () => {
    expect(pauseBinary('s390x')).toBeUndefined();
    expect(() => pauseBuildContext('s390x')).toThrow(/no pause binary for s390x/);
    expect(pauseBuildContext('arm64').length).toBeGreaterThan(0);
  });
});
