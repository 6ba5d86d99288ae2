// The `wharf` command itself: help, version, the lines a user pastes (the secret only when generated on a terminal,
// or with --print-credentials), generated credentials.
import { execFile, spawn } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startWharf, tempDir, WHARF_BIN, ROOT } from './harness.js';

const run = promisify(execFile);

describe('wharf CLI', () => {
  it('prints help and version', async () => {
    const help = await run(process.execPath, [WHARF_BIN, '--help']);
    expect(help.stdout).toContain('up');
    expect(help.stdout).toContain('server');
    const version = await run(process.execPath, [WHARF_BIN, 'version']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(version.stdout.trim()).toBe(`wharf ${pkg.version}`);
  });

  it('generates credentials once, keeps them 0600, and prints the secret only on request when stdout is not a terminal', async () => {
    const dataDir = tempDir();
    const w = await startWharf({ dataDir, mode: 'up', credentials: false, args: ['--no-agent'] });
    const file = join(dataDir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    await expect.poll(() => w.output.join('\n')).toContain(`The root keys are in ${file} (generated now).`);
    const text = w.output.join('\n');
    expect(text).not.toContain(saved.secretAccessKey);
    expect(text).toContain(`export AWS_ACCESS_KEY_ID=${saved.accessKeyId}`);
    expect(text).toContain(`export AWS_ENDPOINT_URL=${w.url}`);
    const r = await w.awsRaw(['ecs', 'list-clusters'], {
      AWS_ACCESS_KEY_ID: saved.accessKeyId,
      AWS_SECRET_ACCESS_KEY: saved.secretAccessKey,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).clusterArns).toContain('arn:aws:ecs:us-east-1:000000000000:cluster/default');
    expect(await w.stop('SIGINT')).toBe(0);

    // The same keys on the next start; --print-credentials shows the lines to paste.
    const again = await startWharf({ dataDir, mode: 'up', credentials: false, args: ['--no-agent', '--print-credentials'] });
    await expect.poll(() => again.output.join('\n')).toContain(`export AWS_SECRET_ACCESS_KEY=${saved.secretAccessKey}`);
    expect(again.output.join('\n')).toContain(`export AWS_ACCESS_KEY_ID=${saved.accessKeyId}`);
    await again.stop();
  });

  it('shows a generated secret key once, on a terminal', async () => {
    const dataDir = tempDir();
    // script(1) gives the command a terminal for stdout, as a person running `wharf up` has.
    const cmd = `${process.execPath} ${WHARF_BIN} server --port 0 --data-dir ${dataDir} --log-level warn`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, WHARF_ACCESS_KEY_ID: '', WHARF_SECRET_ACCESS_KEY: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    try {
      await expect.poll(() => out, { timeout: 20_000 }).toContain('export AWS_SECRET_ACCESS_KEY=');
      const saved = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
      expect(out).toContain(`export AWS_SECRET_ACCESS_KEY=${saved.secretAccessKey}`);
    } finally {
      await new Promise((done) => {
        child.once('exit', done);
        child.kill('SIGTERM');
      });
    }
  });
});
