// Random ids (32 hex digits, as ECS's task ids) from a pool of random bytes refilled 4 KiB at a time: RunTask makes one
// per task, and a crypto.randomBytes call per id costs 5-25 µs (OpenSSL's generator behind a lock) where a slice of
// the pool costs under 1 µs. The bytes are the same cryptographic randomness, drawn in bulk.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let at = pool.length;

/** 16 random bytes as 32 lowercase hex digits. */
export function randomHexId(): string {
  if (at + 16 > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  const id = pool.toString('hex', at, at + 16);
  at += 16;
  return id;
}
