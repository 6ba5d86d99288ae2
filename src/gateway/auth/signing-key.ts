// SigV4 signing keys, derived once per (secret, day, region, service) and kept in a small bounded map: deriving
// one costs four HMACs, while a client reuses the same key for every request it signs that day.

import { createHmac } from 'node:crypto';

const MAX_KEYS = 512;
const keys = new Map<string, Buffer>();

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  // Day, region and service come from a credential split on '/', so none holds a '/': the parts cannot run together.
  const id = `${day}/${region}/${service}/${secret}`;
  let key = keys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
    // Evict the oldest entry: insertion order is enough, keys roll over daily anyway.
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(id, key);
  }
  return key;
}

/** For tests: how many keys are held, to show the map stays bounded. */
export const cachedSigningKeys = () => keys.size;
