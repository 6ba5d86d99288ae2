// The `wharf` command itself: help, version, `up` printing the lines a user pastes, generated credentials.
import { execFile } from 'node:child_process';
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

  it('generates credentials once, keeps them 0600, and up prints the export lines that work with the aws CLI', async () => {
    const dataDir = tempDir();
    const w = await startWharf({ dataDir, mode: 'up', credentials: false });
    const file = join(dataDir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    await expect.poll(() => w.output.join('\n')).toContain(`export AWS_SECRET_ACCESS_KEY=${saved.secretAccessKey}`);
    const text = w.output.join('\n');
    expect(text).toContain(`export AWS_ACCESS_KEY_ID=${saved.accessKeyId}`);
    expect(text).toContain(`export AWS_ENDPOINT_URL=${w.url}`);
    const r = await w.awsRaw(['ecs', 'list-clusters'], {
      AWS_ACCESS_KEY_ID: saved.accessKeyId,
      AWS_SECRET_ACCESS_KEY: saved.secretAccessKey,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).clusterArns).toContain('arn:aws:ecs:us-east-1:000000000000:cluster/default');
    expect(await w.stop('SIGINT')).toBe(0);

    // The same keys on the next start.
    const again = await startWharf({ dataDir, mode: 'up', credentials: false });
    await expect.poll(() => again.output.join('\n')).toContain(`export AWS_ACCESS_KEY_ID=${saved.accessKeyId}`);
    await again.stop();
  });
});
