import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoute } from './static.js';

function serve(dir: string): Promise<{ url: string; server: http.Server }> {
  const route = consoleRoute(dir);
  const server = http.createServer((req, res) => route.handle(req, res));
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((done, fail) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', fail);
  });
}

describe('console static route', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-console-'));
  const secret = mkdtempSync(join(tmpdir(), 'wharf-console-secret-'));
  let url = '';
  let server: http.Server;
  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Wharf console</title>');
    mkdirSync(join(dir, '.vite'));
    writeFileSync(join(dir, '.vite', 'manifest.json'), '{"secret":1}');
    writeFileSync(join(dir, 'assets', 'app-abc.js'), 'console.log(1);'.repeat(200));
    writeFileSync(join(secret, 'credentials.json'), '{"secret":"x"}');
    ({ url, server } = await serve(dir));
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('redirects /console to /console/ and serves index.html there, revalidated, with a CSP', async () => {
    const r = await get(`${url}/console`);
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/console/');
    const index = await get(`${url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toContain('text/html');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['x-frame-options']).toBe('DENY');
    expect(index.body.toString()).toContain('Wharf console');
  });

  it('serves hashed assets as immutable, gzipped when asked', async () => {
    const plain = await get(`${url}/console/assets/app-abc.js`);
    expect(plain.headers['cache-control']).toContain('immutable');
    expect(plain.headers['content-type']).toContain('text/javascript');
    const gz = await get(`${url}/console/assets/app-abc.js`, { 'accept-encoding': 'gzip, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });

  it('never leaves its directory and answers 404 for what is missing', async () => {
    const rel = join('..', secret.split('/').pop()!, 'credentials.json');
    for (const path of [`/console/${rel}`, `/console/%2e%2e/${secret.split('/').pop()}/credentials.json`, '/console/..%2f..%2fetc%2fpasswd', '/console/nope.js', '/console/.vite/manifest.json']) {
      const r = await get(`${url}${path}`);
      expect(r.status, path).toBe(404);
      expect(r.body.toString()).not.toContain('secret');
    }
  });

  it('says the console is not built when it is not', async () => {
    const empty = await serve(mkdtempSync(join(tmpdir(), 'wharf-console-empty-')));
    try {
      const r = await get(`${empty.url}/console/`);
      expect(r.status).toBe(503);
      expect(r.body.toString()).toContain('npm run build');
    } finally {
      empty.server.close();
    }
  });
});
