// The agent's cache of registry passwords: kept while fresh, and dropped when the registry refuses one, so the next
// pull asks the control plane again (a password issued before a change of rights, or of format, is not kept for
// its remaining hours).
import { expect, it } from 'vitest';
import { RegistryCredentialCache, type RegistryAuth } from './credentials.js';

it('keeps a fresh password, and asks again after the registry refused it', async () => {
  let issued = 0;
  const cache = new RegistryCredentialCache(async (host) => {
    issued++;
    return { username: 'AWS', password: `p${issued}`, serveraddress: host, expiresAt: new Date(Date.now() + 12 * 3600_000) } as RegistryAuth;
  });
  const image = '127.0.0.1:4510/team/app:1';
  expect((await cache.forImage(image))!.password).toBe('p1');
  expect((await cache.forImage(image))!.password).toBe('p1');
  cache.forget(image);
  expect((await cache.forImage(image))!.password).toBe('p2');
  expect(issued).toBe(2);
});
