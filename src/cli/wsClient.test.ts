// The small WebSocket client against the ws package's server, on loopback: messages both ways (large and
// fragmented ones too), a ping answered, a refused upgrade, and the close.
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { WsClient } from './wsClient.js';

const server = createServer((_req, res) => res.end());
const wss = new WebSocketServer({ noServer: true });
let base = '';
let pongs = 0;
beforeAll(async () => {
  server.on('upgrade', (req, socket, head) => {
    if (req.url === '/refuse') return socket.end('HTTP/1.1 403 Refused\r\nConnection: close\r\n\r\nno entry\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('pong', () => pongs++);
      ws.on('message', (d) => {
        const text = d.toString();
        if (text === 'fragments') {
          ws.send('ab', { fin: false });
          ws.send('cd', { fin: true });
        } else if (text === 'ping') ws.ping();
        else if (text === 'bye') ws.close(1000);
        else ws.send(`echo:${text}`);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  wss.close();
  server.close();
});

function connect(path: string) {
  const got: string[] = [];
  let refused = '';
  let opened!: () => void;
  const open = new Promise<void>((r) => (opened = r));
  let closed!: () => void;
  const close = new Promise<void>((r) => (closed = r));
  const ws = new WsClient(`${base}${path}`, {
    open: () => opened(), message: (t) => got.push(t), refused: (s, b) => (refused = `${s} ${b.trim()}`), error: () => {}, close: () => closed(),
  });
  return { ws, got, open, close, refused: () => refused };
}

describe('WsClient', () => {
  it('exchanges messages of every size, joins fragments, answers pings, and sees the server close', async () => {
    const c = connect('/s');
    await c.open;
    const big = 'x'.repeat(70_000);
    c.ws.send('hi');
    c.ws.send(big);
    c.ws.send('fragments');
    c.ws.send('ping');
    await expect.poll(() => c.got.length).toBe(3);
    expect(c.got).toEqual(['echo:hi', `echo:${big}`, 'abcd']);
    await expect.poll(() => pongs).toBe(1);
    c.ws.send('bye');
    await c.close;
  });

  it('reports a refused upgrade with its status and body', async () => {
    const c = connect('/refuse');
    await c.close;
    expect(c.refused()).toBe('403 no entry');
  });
});
