// The client side of a WebSocket (RFC 6455) for `wharf exec`, with node:net and node:crypto alone: text frames out
// (masked, as a client's must be), text and control frames in. `wharf exec` is a process per command, and loading
// the ws package (its server, extensions and validators included) cost more than the session's own round trips.
import type { Socket } from 'node:net';
import { crypto } from './builtins.js';
import { HttpConnection } from './httpConnection.js';

const { createHash, randomBytes } = crypto;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface WsHandlers {
  open(): void;
  /** One whole text message. */
  message(text: string): void;
  /** The server refused the upgrade with this status and body. */
  refused(status: number, body: string): void;
  error(err: Error): void;
  /** Once, whatever ended the connection. */
  close(): void;
}

export class WsClient {
  private socket?: Socket;
  private closed = false;

  /** `via`, when it is a connection to the URL's host and port, carries the upgrade; a new one otherwise. */
  constructor(url: string, private readonly on: WsHandlers, via?: HttpConnection) {
    const u = new URL(url.replace(/^ws/, 'http'));
    const port = Number(u.port || 80);
    const conn = via?.usableFor(u.hostname, port) ? via : new HttpConnection(u.hostname, port);
    const key = randomBytes(16).toString('base64');
    const headers = { host: u.host, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key };
    conn.request('GET', `${u.pathname}${u.search}`, headers).then(
      (res) => {
        const socket = conn.socket;
        if (res.status !== 101) {
          socket.destroy();
          this.on.refused(res.status, res.body.toString('utf8'));
          return this.end();
        }
        if (res.headers['sec-websocket-accept'] !== createHash('sha1').update(key + GUID).digest('base64')) {
          socket.destroy();
          return this.fail(new Error('the server did not accept the WebSocket handshake'));
        }
        this.socket = socket;
        let buf: Buffer = res.rest;
        socket.on('data', (d: Buffer) => {
          buf = buf.length ? Buffer.concat([buf, d]) : d;
          buf = this.frames(buf);
        });
        socket.on('error', (err) => this.fail(err));
        socket.on('close', () => this.end());
        this.on.open();
        if (buf.length) buf = this.frames(buf);
      },
      (err: Error) => this.fail(err),
    );
  }

  send(text: string): void {
    if (this.socket && !this.closed) this.socket.write(frame(0x1, Buffer.from(text, 'utf8')));
  }

  /** Sends the close frame (1000, normal closure) and is done: the socket closes behind it. */
  close(): void {
    if (this.socket && !this.closed) this.socket.end(frame(0x8, Buffer.from([0x03, 0xe8])));
    this.end(false);
  }

  private fragments: Buffer[] = [];

  /** Handles every whole frame at the start of `buf`; returns what is left. */
  private frames(buf: Buffer): Buffer {
    for (;;) {
      if (buf.length < 2) return buf;
      const fin = (buf[0]! & 0x80) !== 0;
      const opcode = buf[0]! & 0x0f;
      let len = buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return buf;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return buf;
        len = Number(buf.readBigUInt64BE(2));
        at = 10;
      }
      const masked = (buf[1]! & 0x80) !== 0; // servers do not mask; tolerated anyway
      const maskAt = at;
      if (masked) at += 4;
      if (buf.length < at + len) return buf;
      const payload = Buffer.from(buf.subarray(at, at + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buf[maskAt + (i % 4)]!;
      buf = buf.subarray(at + len);
      if (opcode === 0x8) {
        this.close();
        return Buffer.alloc(0);
      }
      if (opcode === 0x9) this.socket?.write(frame(0xa, payload)); // ping: pong
      else if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
        this.fragments.push(payload);
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.on.message(text);
        }
      }
    }
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.on.error(err);
    this.end();
  }

  private end(destroy = true): void {
    if (this.closed) return;
    this.closed = true;
    if (destroy) this.socket?.destroy();
    this.on.close();
  }
}

/** A client frame: FIN, the opcode, the length, a mask and the masked payload. */
function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.alloc(head + 4 + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = randomBytes(4);
  mask.copy(out, head);
  for (let i = 0; i < len; i++) out[head + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}
