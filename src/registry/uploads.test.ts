// Upload sessions against a real uploads directory: bytes appended over several requests are hashed once, on the
// worker thread, and the digest stays right when the running hash cannot be trusted (a body that failed halfway,
// bytes another replica appended to the shared file, a sha512 digest).
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobStore } from './blobStore.js';
import { Uploads } from './uploads.js';

const dirs: string[] = [];
const stores: Uploads[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((u) => u.stop()));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function uploads() {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-uploads-unit-'));
  dirs.push(dir);
  const blobs = new BlobStore(dir);
  await blobs.init();
  const u = new Uploads(blobs);
  stores.push(u);
  return { u, blobs };
}

const sha = (b: Buffer, alg = 'sha256') => `${alg}:${createHash(alg).update(b).digest('hex')}`;
const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

describe('upload sessions', () => {
  it('append over several requests and finish under the digest of every byte, in order', async () => {
    const { u, blobs } = await uploads();
    const data = bytes(3 * 1024 * 1024 + 17, 1);
    const s = await u.create('repo');
    // Many small chunks, as a socket delivers them, then one large part, as ECR's UploadLayerPart does.
    const small = Array.from({ length: 40 }, (_, i) => data.subarray(i * 65536, (i + 1) * 65536));
    expect(await u.append(s, Readable.from(small))).toBe(40 * 65536);
    expect(await u.append(s, Readable.from([data.subarray(40 * 65536)]), 40 * 65536)).toBe(data.length);
    expect(await u.finish(s, sha(data))).toBe(data.length);
    expect(readFileSync(blobs.path(sha(data))).equals(data)).toBe(true);
  });

  it('keeps what arrived of a body that failed halfway, and checks the digest over the file', async () => {
    const { u, blobs } = await uploads();
    const data = bytes(200_000, 2);
    const s = await u.create('repo');
    const broken = new Readable({ read() {} });
    broken.push(data.subarray(0, 100_000));
    setTimeout(() => broken.destroy(new Error('client went away')), 50);
    await expect(u.append(s, broken)).rejects.toThrow(/interrupted/);
    expect(s.size).toBe(100_000);
    await u.append(s, Readable.from([data.subarray(100_000)]), 100_000);
    expect(await u.finish(s, sha(data))).toBe(data.length);
    expect(existsSync(blobs.path(sha(data)))).toBe(true);
  });

  it('hashes the file again when bytes reached it past the running hash, and for sha512', async () => {
    const { u } = await uploads();
    const a = bytes(70_000, 3);
    const b = bytes(5_000, 4);
    const s = await u.create('repo');
    await u.append(s, Readable.from([a]));
    appendFileSync(s.file, b); // another replica continuing the upload on the shared blob directory
    const whole = Buffer.concat([a, b]);
    await expect(u.finish(s, sha(a))).rejects.toThrow(/did not match/);
    const t = await u.create('repo');
    await u.append(t, Readable.from([a]));
    appendFileSync(t.file, b);
    expect(await u.finish(t, sha(whole))).toBe(whole.length);
    const v = await u.create('repo');
    await u.append(v, Readable.from([whole]));
    expect(await u.finish(v, sha(whole, 'sha512'))).toBe(whole.length);
  });

  it('refuses a wrong digest and removes the upload file', async () => {
    const { u } = await uploads();
    const s = await u.create('repo');
    await u.append(s, Readable.from([Buffer.from('payload')]));
    await expect(u.finish(s, sha(Buffer.from('other')))).rejects.toThrow(/did not match/);
    expect(existsSync(s.file)).toBe(false);
  });
});
