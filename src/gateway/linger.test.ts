import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lingerOnClose, type Lingering } from './linger.js';

// A server that refuses every request on its head, as the gateway does an anonymous one.
let server: http.Server | undefined;
async function refusingServer(limits: Lingering): Promise<number> {
  server = http.createServer((req, res) => {
    lingerOnClose(req.socket, limits);
    res.writeHead(403, { connection: 'close', 'content-length': '2' }).end('no');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Sends a head declaring `declared` bytes, then `send` bytes of it; resolves when the server drops the connection. */
function post(port: number, declared: number, send: number): Promise<{ answer: string; writeError?: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let writeError: string | undefined;
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => (writeError = e.code));
    socket.on('close', () => resolve({ answer: Buffer.concat(chunks).toString('latin1'), writeError, ms: Date.now() - started }));
    socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${declared}\r\n\r\n`);
    socket.write(Buffer.alloc(send, 0x61));
  });
}

describe('lingering after a refusal', () => {
  it('reads and drops the rest of the body, so a client that writes it all first still gets the answer', async () => {
    const port = await refusingServer({ idleMs: 2_000, maxMs: 20_000, maxBytes: 64 * 1024 * 1024 });
    const r = await post(port, 30_000_000, 30_000_000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(r.writeError).toBeUndefined();
  });

  it('drops a client that goes quiet after idleMs', async () => {
    const port = await refusingServer({ idleMs: 300, maxMs: 20_000, maxBytes: 64 * 1024 * 1024 });
    const r = await post(port, 1_000_000, 1_000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(r.ms).toBeLessThan(5_000);
  });

  it('drops a client once maxBytes more have come', async () => {
    // The limits are looked at four times a second, and loopback brings hundreds of MB in that time: the client
    // writes without end, and must be cut off well before it has sent 2 GB.
    const port = await refusingServer({ idleMs: 10_000, maxMs: 20_000, maxBytes: 1024 * 1024 });
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const outcome = await new Promise<{ dropped: boolean; sent: number }>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let sent = 0;
      // After the answer's FIN, the drop shows as a reset (an error) or, once the answer was read, a plain close.
      socket.on('error', () => resolve({ dropped: true, sent }));
      socket.on('close', () => resolve({ dropped: true, sent }));
      socket.on('data', () => undefined);
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n');
      const more = () => {
        while (sent < 2 * 1024 ** 3) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', more);
        }
        resolve({ dropped: false, sent });
        socket.destroy();
      };
      more();
    });
    expect(outcome.dropped).toBe(true);
    expect(outcome.sent).toBeLessThan(2 * 1024 ** 3);
  });
});
