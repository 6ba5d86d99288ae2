// The one-connection HTTP/1.1 client of `wharf exec` against node:http's server, on loopback: a body by length, in
// chunks and up to the close, two requests on one connection, and an upgrade whose first bytes arrive with its head.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpConnection } from './httpConnection.js';

let server: Server;
let port = 0;
const sockets = new Set<unknown>();
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      if (req.url === '/chunked') {
        res.write('ab');
        res.end('cde');
      } else res.setHeader('content-length', Buffer.byteLength(`echo:${body}`)).end(`echo:${body}`);
    });
  });
  server.on('connection', (s) => sockets.add(s));
  server.on('upgrade', (req, socket) => {
    if (req.url === '/refuse') return socket.end('HTTP/1.1 403 Refused\r\nConnection: close\r\n\r\nno entry\n');
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\nfirst');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('HttpConnection', () => {
  it('reads bodies by length and in chunks, and keeps one connection for several requests and an upgrade', async () => {
    const conn = new HttpConnection('127.0.0.1', port);
    const a = await conn.request('POST', '/', { host: `127.0.0.1:${port}` }, 'hé');
    expect([a.status, a.body.toString(), a.reusable]).toEqual([200, 'echo:hé', true]);
    const b = await conn.request('GET', '/chunked', { host: `127.0.0.1:${port}` });
    expect([b.status, b.body.toString()]).toEqual([200, 'abcde']);
    expect(conn.usableFor('127.0.0.1', port)).toBe(true);
    const u = await conn.request('GET', '/up', { host: `127.0.0.1:${port}`, connection: 'Upgrade', upgrade: 'x' });
    expect([u.status, u.rest.toString()]).toEqual([101, 'first']);
    expect(sockets.size).toBe(1);
    conn.close();
  });

  it('reads a refusal without a length up to the close', async () => {
    const conn = new HttpConnection('127.0.0.1', port);
    const r = await conn.request('GET', '/refuse', { host: `127.0.0.1:${port}`, connection: 'Upgrade', upgrade: 'x' });
    expect([r.status, r.body.toString(), r.reusable]).toEqual([403, 'no entry\n', false]);
  });

  it('rejects when nothing listens', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const free = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    await expect(new HttpConnection('127.0.0.1', free).request('GET', '/', {})).rejects.toThrow(/ECONNREFUSED/);
  });
});
