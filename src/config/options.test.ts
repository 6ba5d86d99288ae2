import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServerOptions } from './options.js';

const dataDir = mkdtempSync(join(tmpdir(), 'wharf-opts-'));

describe('--dns-upstream', () => {
  it('takes HOST:PORT lists, bare addresses on port 53, and none', () => {
    expect(resolveServerOptions({ dataDir, dnsUpstream: '127.0.0.9:5300,10.0.0.2,[::1]:54,fe80::2' }, {}).dnsUpstreams).toEqual([
      { address: '127.0.0.9', port: 5300 }, { address: '10.0.0.2', port: 53 }, { address: '::1', port: 54 }, { address: 'fe80::2', port: 53 },
    ]);
    expect(resolveServerOptions({ dataDir, dnsUpstream: 'none' }, {}).dnsUpstreams).toEqual([]);
    expect(() => resolveServerOptions({ dataDir, dnsUpstream: '10.0.0.2:99999' }, {})).toThrow(/dns-upstream/);
  });

  it('never forwards to Wharf\'s own DNS address', () => {
    const o = resolveServerOptions({ dataDir, dnsAddress: '127.0.0.53:53', dnsUpstream: '127.0.0.53:53,127.0.0.1:53' }, {});
    expect(o.dnsUpstreams).toEqual([{ address: '127.0.0.1', port: 53 }]);
  });
});
