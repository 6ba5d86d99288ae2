// The OCI distribution API end to end over HTTP: uploads of every kind, Range, manifests and indexes, tags, deletes,
// referrers, the bad inputs (wrong digests, truncated uploads, `..` names, huge manifests), auth refusals and GC.
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/registry/index.js';
import { startRegistryWharf, v2, type RegistryWharf } from './registryHarness.js';
import { errorCode, pushBlob, pushImage, sha } from './registryOci.js';

let w: RegistryWharf;

/** node:http sends the path as given; fetch would resolve `..` before sending. */
function rawRequest(method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const auth = 'Basic ' + Buffer.from(`AWS:${pw}`).toString('base64');
    const req = http.request(w.url + '/', { method, path, headers: { authorization: auth } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
let pw: string;

beforeAll(async () => {
  w = await startRegistryWharf();
  for (const name of ['oci', 'other', 'multi']) await w.aws('ecr', 'create-repository', '--repository-name', name);
  pw = (await w.awsRaw(['ecr', 'get-login-password'])).stdout.trim();
});
afterAll(() => w?.stop());

describe('auth', () => {
  it('refuses anonymous and wrong credentials with a Basic challenge', async () => {
    const anon = await v2(w, undefined, 'GET', '/v2/');
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(await errorCode(anon)).toBe('UNAUTHORIZED');
    expect((await v2(w, pw.slice(0, -2) + 'xx', 'GET', '/v2/')).status).toBe(401);
    expect((await v2(w, undefined, 'GET', '/v2/oci/tags/list')).status).toBe(401);
    expect((await v2(w, pw, 'GET', '/v2/')).status).toBe(200);
  });

  it('accepts the password as a bearer token too', async () => {
    const r = await fetch(`${w.url}/v2/`, { headers: { authorization: `Bearer ${pw}` } });
    expect(r.status).toBe(200);
  });
});

describe('blob uploads', () => {
  it('chunked upload with Content-Range, resumable after asking the offset', async () => {
    const data = Buffer.alloc(300_000, 7);
    const start = await v2(w, pw, 'POST', '/v2/oci/blobs/uploads/');
    expect(start.status).toBe(202);
    const loc = start.headers.get('location')!;
    const p1 = await v2(w, pw, 'PATCH', loc, data.subarray(0, 100_000), { 'content-range': '0-99999' });
    expect(p1.status).toBe(202);
    expect(p1.headers.get('range')).toBe('0-99999');
    const wrong = await v2(w, pw, 'PATCH', loc, data.subarray(0, 10), { 'content-range': '5-14' });
    expect(wrong.status).toBe(416);
    const status = await v2(w, pw, 'GET', loc);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-99999');
    await v2(w, pw, 'PATCH', loc, data.subarray(100_000), { 'content-range': '100000-299999' });
    const done = await v2(w, pw, 'PUT', `${loc}?digest=${sha(data)}`);
    expect(done.status).toBe(201);
    expect(done.headers.get('docker-content-digest')).toBe(sha(data));
  });

  it('refuses a wrong digest with DIGEST_INVALID and keeps nothing', async () => {
    const r = await v2(w, pw, 'POST', `/v2/oci/blobs/uploads/?digest=${sha('something else')}`, 'payload');
    expect(r.status).toBe(400);
    expect(await errorCode(r)).toBe('DIGEST_INVALID');
    expect((await v2(w, pw, 'HEAD', `/v2/oci/blobs/${sha('something else')}`)).status).toBe(404);
    expect((await v2(w, pw, 'HEAD', `/v2/oci/blobs/${sha('payload')}`)).status).toBe(404);
  });

  it('survives a truncated upload: the session keeps what arrived and the client resumes', async () => {
    const start = await v2(w, pw, 'POST', '/v2/oci/blobs/uploads/');
    const loc = start.headers.get('location')!;
    const data = Buffer.alloc(50_000, 3);
    await new Promise<void>((resolve) => {
      const { port } = new URL(w.url);
      const sock = net.connect(Number(port), '127.0.0.1', () => {
        const auth = Buffer.from(`AWS:${pw}`).toString('base64');
        sock.write(`PATCH ${loc} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${auth}\r\nContent-Length: 50000\r\n\r\n`);
        sock.write(data.subarray(0, 20_000), () => setTimeout(() => { sock.destroy(); resolve(); }, 200));
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    const status = await v2(w, pw, 'GET', loc);
    expect(status.headers.get('range')).toBe('0-19999');
    const bad = await v2(w, pw, 'PUT', `${loc}?digest=${sha(data)}`);
    expect(await errorCode(bad)).toBe('DIGEST_INVALID');
    // A fresh upload of the whole blob works, and the digest is checked over the bytes actually stored.
    expect(await pushBlob(w, pw, 'oci', data)).toBe(sha(data));
  });

  it('mounts a blob from another repository without sending it', async () => {
    const d = await pushBlob(w, pw, 'oci', 'shared layer');
    const r = await v2(w, pw, 'POST', `/v2/other/blobs/uploads/?mount=${d}&from=oci`);
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/v2/other/blobs/${d}`);
    expect(await (await v2(w, pw, 'GET', `/v2/other/blobs/${d}`)).text()).toBe('shared layer');
    const miss = await v2(w, pw, 'POST', `/v2/other/blobs/uploads/?mount=${sha('nope')}&from=oci`);
    expect(miss.status).toBe(202);
  });

  it('serves Range requests with 206 and refuses unsatisfiable ones', async () => {
    const d = await pushBlob(w, pw, 'oci', '0123456789');
    const r = await v2(w, pw, 'GET', `/v2/oci/blobs/${d}`, undefined, { range: 'bytes=2-5' });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await r.text()).toBe('2345');
    expect(await (await v2(w, pw, 'GET', `/v2/oci/blobs/${d}`, undefined, { range: 'bytes=-3' })).text()).toBe('789');
    expect((await v2(w, pw, 'GET', `/v2/oci/blobs/${d}`, undefined, { range: 'bytes=20-30' })).status).toBe(416);
    const head = await v2(w, pw, 'HEAD', `/v2/oci/blobs/${d}`);
    expect(head.headers.get('content-length')).toBe('10');
    expect(head.headers.get('docker-content-digest')).toBe(d);
  });
});

describe('names and manifests', () => {
  it('refuses names with .. and unknown repositories', async () => {
    for (const path of ['/v2/a/../oci/tags/list', '/v2/oci/..%2Fx/tags/list', '/v2/..%2F..%2Fetc/blobs/uploads/']) {
      const r = await rawRequest(path.includes('uploads') ? 'POST' : 'GET', path);
      expect(r.status).toBe(400);
      expect(r.body).toContain('NAME_INVALID');
    }
    expect(await errorCode(await v2(w, pw, 'GET', '/v2/o..ci/tags/list'))).toBe('NAME_INVALID');
    expect(await errorCode(await v2(w, pw, 'GET', '/v2/nothere/tags/list'))).toBe('NAME_UNKNOWN');
  });

  it('stores an image by tag, serves it by tag and digest, lists and deletes tags', async () => {
    const { digest, body } = await pushImage(w, pw, 'oci', 'v1', 'one');
    await pushImage(w, pw, 'oci', 'v2', 'two');
    const byTag = await v2(w, pw, 'GET', '/v2/oci/manifests/v1');
    expect(byTag.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(byTag.headers.get('docker-content-digest')).toBe(digest);
    expect(await byTag.text()).toBe(body);
    expect((await v2(w, pw, 'HEAD', `/v2/oci/manifests/${digest}`)).status).toBe(200);
    const page = await v2(w, pw, 'GET', '/v2/oci/tags/list?n=1');
    expect(await page.json()).toEqual({ name: 'oci', tags: ['v1'] });
    expect(page.headers.get('link')).toBe('</v2/oci/tags/list?n=1&last=v1>; rel="next"');
    expect((await v2(w, pw, 'DELETE', '/v2/oci/manifests/v2')).status).toBe(202);
    expect(await (await v2(w, pw, 'GET', '/v2/oci/tags/list')).json()).toEqual({ name: 'oci', tags: ['v1'] });
    expect(await errorCode(await v2(w, pw, 'GET', '/v2/oci/manifests/v2'))).toBe('MANIFEST_UNKNOWN');
  });

  it('refuses bad manifests: unknown blobs, digest mismatch, wrong JSON, huge bodies', async () => {
    const missing = JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha('absent'), size: 6 }, layers: [],
    });
    const ct = { 'content-type': 'application/vnd.oci.image.manifest.v1+json' };
    expect(await errorCode(await v2(w, pw, 'PUT', '/v2/oci/manifests/bad', missing, ct))).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(await errorCode(await v2(w, pw, 'PUT', `/v2/oci/manifests/${sha('x')}`, missing, ct))).toBe('DIGEST_INVALID');
    expect(await errorCode(await v2(w, pw, 'PUT', '/v2/oci/manifests/bad', '{not json', ct))).toBe('MANIFEST_INVALID');
    expect(await errorCode(await v2(w, pw, 'PUT', '/v2/oci/manifests/bad', '{"schemaVersion":1}', ct))).toBe('MANIFEST_INVALID');
    const huge = await v2(w, pw, 'PUT', '/v2/oci/manifests/bad', JSON.stringify({ schemaVersion: 2, pad: 'x'.repeat(5 << 20) }), ct);
    expect(huge.status).toBe(413);
    expect(await errorCode(await v2(w, pw, 'PUT', '/v2/oci/manifests/bad%20tag', missing, ct))).toBe('TAG_INVALID');
  });

  it('stores a multi-architecture index whose children must exist', async () => {
    const amd = await pushImage(w, pw, 'multi', 'amd64', 'amd');
    const arm = await pushImage(w, pw, 'multi', 'arm64', 'arm');
    const index = (children: { digest: string; body: string; arch: string }[]) => JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: children.map((c) => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: c.digest, size: Buffer.byteLength(c.body),
        platform: { architecture: c.arch, os: 'linux' },
      })),
    });
    const ct = { 'content-type': 'application/vnd.oci.image.index.v1+json' };
    const body = index([{ ...amd, arch: 'amd64' }, { ...arm, arch: 'arm64' }]);
    expect((await v2(w, pw, 'PUT', '/v2/multi/manifests/latest', body, ct)).status).toBe(201);
    const got = await v2(w, pw, 'GET', '/v2/multi/manifests/latest');
    expect(got.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    expect(got.headers.get('docker-content-digest')).toBe(sha(body));
    const bad = index([{ digest: sha('ghost'), body: 'ghost', arch: 'riscv64' }]);
    expect(await errorCode(await v2(w, pw, 'PUT', '/v2/multi/manifests/broken', bad, ct))).toBe('MANIFEST_BLOB_UNKNOWN');
    const described = await w.aws('ecr', 'describe-images', '--repository-name', 'multi', '--image-ids', 'imageTag=latest');
    expect(described.imageDetails[0].imageManifestMediaType).toBe('application/vnd.oci.image.index.v1+json');
  });

  it('answers the referrers API, filtered by artifactType', async () => {
    const subject = await pushImage(w, pw, 'oci', 'signed', 'subject');
    const sig = await pushImage(w, pw, 'oci', 'sig', 'signature', {
      artifactType: 'application/vnd.example.signature',
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject.digest, size: Buffer.byteLength(subject.body) },
    });
    const all = await v2(w, pw, 'GET', `/v2/oci/referrers/${subject.digest}`);
    expect(all.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    const idx = (await all.json()) as { manifests: { digest: string; artifactType: string }[] };
    expect(idx.manifests).toEqual([expect.objectContaining({ digest: sig.digest, artifactType: 'application/vnd.example.signature' })]);
    const none = await v2(w, pw, 'GET', `/v2/oci/referrers/${subject.digest}?artifactType=application/other`);
    expect(none.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(((await none.json()) as { manifests: unknown[] }).manifests).toEqual([]);
  });
});

describe('garbage collection', () => {
  it('removes blobs no manifest references, and keeps referenced ones', async () => {
    const kept = await pushImage(w, pw, 'other', 'keep', 'kept');
    const gone = await pushImage(w, pw, 'other', 'drop', 'dropped');
    const keptBlobs = (JSON.parse(kept.body) as { layers: { digest: string }[] }).layers.map((l) => l.digest);
    const goneBlobs = (JSON.parse(gone.body) as { layers: { digest: string }[] }).layers.map((l) => l.digest);
    expect((await v2(w, pw, 'DELETE', `/v2/other/manifests/${gone.digest}`)).status).toBe(202);
    const report = await collectGarbage(w.registry, 0);
    expect(report.blobs).toBeGreaterThan(0);
    for (const d of goneBlobs) expect(existsSync(w.registry.blobs.path(d))).toBe(false);
    for (const d of keptBlobs) expect(existsSync(w.registry.blobs.path(d))).toBe(true);
    expect((await v2(w, pw, 'GET', '/v2/other/manifests/keep')).status).toBe(200);
  });
});
