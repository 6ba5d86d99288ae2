import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { advertiseAddressFor, resolveServerOptions, storeSpec } from './options.js';

const dataDir = mkdtempSync(join(tmpdir(), 'wharf-opts-'));

describe('--dns-upstream', () => {
  it('takes HOST:PORT lists, bare addresses on port 53, and none', () => {
    expect(resolveServerOptions({ dataDir, dnsUpstream: '127.0.0.9:5300,127.0.0.2,[::1]:54,fe80::2' }, {}).dnsUpstreams).toEqual([
      { address: '127.0.0.9', port: 5300 }, { address: '127.0.0.2', port: 53 }, { address: '::1', port: 54 }, { address: 'fe80::2', port: 53 },
    ]);
    expect(resolveServerOptions({ dataDir, dnsUpstream: 'none' }, {}).dnsUpstreams).toEqual([]);
    expect(() => resolveServerOptions({ dataDir, dnsUpstream: '127.0.0.2:99999' }, {})).toThrow(/dns-upstream/);
  });

  it('never forwards to Wharf\'s own DNS address', () => {
    const o = resolveServerOptions({ dataDir, dnsAddress: '127.0.0.53:53', dnsUpstream: '127.0.0.53:53,127.0.0.1:53' }, {});
    expect(o.dnsUpstreams).toEqual([{ address: '127.0.0.1', port: 53 }]);
  });
});

describe('--store', () => {
  it('defaults to SQLite in the data directory', () => {
    expect(storeSpec(undefined, '/d')).toEqual({ kind: 'sqlite', path: '/d/state.db' });
    expect(storeSpec('sqlite:/x/s.db', '/d')).toEqual({ kind: 'sqlite', path: '/x/s.db' });
  });

  it('takes etcd endpoints and an optional key prefix', () => {
    expect(storeSpec('etcd://127.0.0.1:2379', '/d')).toEqual({ kind: 'etcd', endpoints: ['127.0.0.1:2379'], namespace: '' });
    expect(storeSpec('etcd://a:1,b:2,[::1]:3/wharf', '/d')).toEqual({ kind: 'etcd', endpoints: ['a:1', 'b:2', '[::1]:3'], namespace: 'wharf/' });
  });

  it('refuses what it cannot read, saying what it expects', () => {
    for (const bad of ['etcd://', 'etcd://host', 'etcd://h:1,', 'etcd://h:99999', 'mysql://x', 'sqlite:']) {
      expect(() => storeSpec(bad, '/d'), bad).toThrow(/--store/);
    }
  });

  it('takes a dynamic host port range as ECS_DYNAMIC_HOST_PORT_RANGE is written, and refuses a bad one', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-options-'));
    expect(resolveServerOptions({ dataDir }, {}).dynamicHostPortRange).toEqual([49153, 65535]);
    expect(resolveServerOptions({ dataDir, dynamicHostPortRange: '50000-50099' }, {}).dynamicHostPortRange).toEqual([50000, 50099]);
    expect(resolveServerOptions({ dataDir }, { WHARF_DYNAMIC_HOST_PORT_RANGE: '60000-60010' }).dynamicHostPortRange).toEqual([60000, 60010]);
    for (const bad of ['80-90', '60000-50000', '50000', '50000-70000']) {
      expect(() => resolveServerOptions({ dataDir, dynamicHostPortRange: bad }, {})).toThrow('invalid dynamic host port range');
    }
  });

  it('takes a load balancer bind pool at least as large as the address pool, and refuses a smaller or bad one', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-options-'));
    expect(resolveServerOptions({ dataDir }, {}).lbBindPool).toBeUndefined();
    expect(resolveServerOptions({ dataDir, lbAddressPool: '127.60.0.0/24', lbBindPool: '127.61.0.0/24' }, {}).lbBindPool).toBe('127.61.0.0/24');
    expect(resolveServerOptions({ dataDir }, { WHARF_LB_BIND_POOL: '127.61.0.0/16' }).lbBindPool).toBe('127.61.0.0/16');
    expect(() => resolveServerOptions({ dataDir, lbBindPool: '127.61.0.0/24' }, {})).toThrow('smaller than the load balancer address pool 127.2.0.0/16');
    expect(() => resolveServerOptions({ dataDir, lbBindPool: '127.61.0.0' }, {})).toThrow('invalid load balancer bind address pool');
  });
});

describe('--advertise-address', () => {
  const nics = () => ({
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [{ address: 'fe80::1', family: 'IPv6', internal: false }, { address: '192.0.2.10', family: 'IPv4', internal: false }],
  }) as unknown as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;

  it('is the listen address, or for a wildcard the host\'s first address that is not loopback', () => {
    expect(advertiseAddressFor('127.0.0.5', undefined, nics)).toBe('127.0.0.5');
    expect(advertiseAddressFor('0.0.0.0', undefined, nics)).toBe('192.0.2.10');
    expect(advertiseAddressFor('::', undefined, nics)).toBe('192.0.2.10');
    expect(advertiseAddressFor('0.0.0.0', undefined, () => ({ lo: nics().lo }))).toBe('127.0.0.1');
    expect(advertiseAddressFor('0.0.0.0', 'wharf-1.internal', nics)).toBe('wharf-1.internal');
    expect(advertiseAddressFor('0.0.0.0', '[fd00::7]', nics)).toBe('fd00::7');
  });

  it('refuses a wildcard, an empty value or one that is not a host', () => {
    for (const bad of ['0.0.0.0', '::', '', ' ', 'http://x', 'a b']) expect(() => advertiseAddressFor('0.0.0.0', bad, nics)).toThrow('invalid advertise address');
  });
});
