import { describe, expect, it } from 'vitest';
import { formatAddress, parseAddressPool } from './addressPool.js';

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
