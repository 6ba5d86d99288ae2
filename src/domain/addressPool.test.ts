import { describe, expect, it } from 'vitest';
import { bindAddress, bindPoolFits, formatAddress, parseAddressPool } from './addressPool.js';

describe('task address pools', () => {
  it('reads a CIDR into its first and last address', () => {
    const p = parseAddressPool('127.1.7.0/24')!;
    expect([formatAddress(p.first), formatAddress(p.last)]).toEqual(['127.1.7.0', '127.1.7.255']);
    const q = parseAddressPool('127.1.0.0/16')!;
    expect([formatAddress(q.first), formatAddress(q.last)]).toEqual(['127.1.0.0', '127.1.255.255']);
    expect(formatAddress(parseAddressPool('200.1.2.3/30')!.first)).toBe('200.1.2.0');
  });

  it('refuses what is not an IPv4 CIDR of /8 to /30', () => {
    for (const bad of ['127.1.0.0', '127.1.0.0/31', '127.1.0.0/7', '256.1.0.0/16', 'x/16', '127.1.0.0/']) {
      expect(parseAddressPool(bad), bad).toBeUndefined();
    }
  });
});

describe('load balancer bind pools', () => {
  it('serves the Nth address of the load balancer pool on the Nth of the bind pool', () => {
    expect(bindAddress('127.2.0.1', '127.2.0.0/16', '127.61.0.0/16')).toBe('127.61.0.1');
    expect(bindAddress('127.2.3.4', '127.2.0.0/16', '127.61.0.0/16')).toBe('127.61.3.4');
    expect(bindAddress('127.2.9.7', '127.2.9.0/24', '127.62.0.0/16')).toBe('127.62.0.7');
  });

  it('serves an address as it is without a bind pool, or when it is outside the load balancer pool', () => {
    expect(bindAddress('127.2.0.1', '127.2.0.0/16', undefined)).toBe('127.2.0.1');
    expect(bindAddress('10.0.0.5', '127.2.0.0/16', '127.61.0.0/16')).toBe('10.0.0.5');
  });

  it('fits a bind pool only as large as the load balancer pool or larger', () => {
    expect(bindPoolFits('127.2.0.0/24', '127.61.0.0/24')).toBe(true);
    expect(bindPoolFits('127.2.0.0/24', '127.61.0.0/16')).toBe(true);
    expect(bindPoolFits('127.2.0.0/16', '127.61.0.0/24')).toBe(false);
  });
});
