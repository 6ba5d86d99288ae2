// sendFile through a real HTTP server: whole files and ranges across several of its reused buffers arrive intact, and
// a client that goes away mid-file ends the send (the handler does not hang holding the file open).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendFile } from './sendFile.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function serve(file: string, outcomes: string[]) {
  const server = http.createServer(async (req, res) => {
    const [start, end] = (req.headers['x-range'] as string).split('-').map(Number) as [number, number];
    const fh = await open(file, 'r');
    res.writeHead(200, { 'content-length': end - start + 1 });
    await sendFile(fh, res, start, end).then(() => (res.end(), outcomes.push('sent')), () => (res.destroy(), outcomes.push('ended early')));
    await fh.close();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, range: string, abortAfter?: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, headers: { 'x-range': range } }, (res) => {
      const parts: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        parts.push(c);
        n += c.length;
        if (abortAfter !== undefined && n >= abortAfter) req.destroy();
      });
      res.on('end', () => resolve(Buffer.concat(parts)));
      res.on('error', () => resolve(Buffer.concat(parts)));
    });
    req.on('error', (e) => (abortAfter === undefined ? reject(e) : resolve(Buffer.alloc(0))));
  });
}

describe('sendFile', () => {
  it('sends whole files and ranges intact, and stops when the client goes away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-sendfile-unit-'));
    dirs.push(dir);
    const data = Buffer.from(Array.from({ length: 24 * 1024 * 1024 + 123 }, (_, i) => (i * 7 + (i >> 12)) & 0xff));
    const file = join(dir, 'blob');
    writeFileSync(file, data);
    const outcomes: string[] = [];
    const { server, port } = await serve(file, outcomes);
    try {
      expect((await get(port, `0-${data.length - 1}`)).equals(data)).toBe(true);
      expect((await get(port, '1048570-3145800')).equals(data.subarray(1048570, 3145801))).toBe(true);
      expect((await get(port, '5-5')).equals(data.subarray(5, 6))).toBe(true);
      // Twice more, so buffers returned to the free list are used again.
      expect((await get(port, `0-${data.length - 1}`)).equals(data)).toBe(true);
      await get(port, `0-${data.length - 1}`, 64 * 1024);
      await expect.poll(() => outcomes.length, { timeout: 10_000 }).toBe(5);
      expect(outcomes).toEqual(['sent', 'sent', 'sent', 'sent', 'ended early']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
