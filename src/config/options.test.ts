import { describe, expect, it } from 'vitest';
import { storeSpec } from './options.js';

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
});
