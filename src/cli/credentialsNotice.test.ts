import { describe, expect, it } from 'vitest';
import type { Credentials } from '../config/credentials.js';
import { credentialsNotice } from './credentialsNotice.js';

const keys = (source: Credentials['source']): Credentials => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'S3CRET/value', source });
const ctx = { url: 'http://127.0.0.1:4510', region: 'us-east-1', dataDir: '/var/lib/wharf', tty: false, print: false };

describe('credentials notice', () => {
  it('shows a generated secret once on a terminal, never when stdout is not one', () => {
    expect(credentialsNotice(keys('generated'), { ...ctx, tty: true })).toContain('export AWS_SECRET_ACCESS_KEY=S3CRET/value');
    const piped = credentialsNotice(keys('generated'), ctx);
    expect(piped).not.toContain('S3CRET');
    expect(piped).toContain('/var/lib/wharf/credentials.json');
  });

  it('never shows keys from the environment or the data directory unless asked', () => {
    for (const source of ['environment', 'data-dir'] as const) {
      expect(credentialsNotice(keys(source), { ...ctx, tty: true })).not.toContain('S3CRET');
      expect(credentialsNotice(keys(source), { ...ctx, print: true })).toContain('export AWS_SECRET_ACCESS_KEY=S3CRET/value');
    }
    expect(credentialsNotice(keys('environment'), ctx)).toContain('AWS_SECRET_ACCESS_KEY="$WHARF_SECRET_ACCESS_KEY"');
  });
});
