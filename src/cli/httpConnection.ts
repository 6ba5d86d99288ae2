// HTTP/1.1 on one TCP connection for `wharf exec`, with node:net alone: the ExecuteCommand POST, then the session's
// WebSocket upgrade on the same connection, kept alive between them (the docker CLI likewise keeps one connection to
// its engine). node:http's client would do the same, but loading and first using it cost `wharf exec` about 25 ms of
// CPU, a tenth of the whole session, on every run.
import type { Socket } from 'node:net';
import { net } from './builtins.js';

export interface HttpResponse {
  status: number;
  /** Header names in lower case; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: Buffer;
  /** Bytes that came after the response: for a 101, the first WebSocket frames. */
  rest: Buffer;
  /** Whether the connection may carry another request. */
  reusable: boolean;
}

export class HttpConnection {
  readonly socket: Socket;
  private readonly connected: Promise<void>;
  private failed?: Error;
  private closed = false;

  constructor(readonly hostname: string, readonly port: number) {
    this.socket = net.connect({ host: hostname, port, noDelay: true });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.connected.catch(() => {}); // read by request()
    this.socket.on('error', (err) => (this.failed = err));
    this.socket.on('close', () => (this.closed = true));
  }

  /** Whether a request may be sent on this connection to `hostname:port`. */
  usableFor(hostname: string, port: number): boolean {
    return !this.closed && !this.failed && hostname === this.hostname && port === this.port;
  }

  /**
   * Sends one request and reads its response: the body by Content-Length, chunks, or up to the close. A 101
   * (Switching Protocols) resolves at the end of its head, the socket left to the caller.
   */
  async request(method: string, path: string, headers: Record<string, string>, body = ''): Promise<HttpResponse> {
    await this.connected;
    const head = [`${method} ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (method !== 'GET') head.push(`content-length: ${Buffer.byteLength(body)}`);
    this.socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
    return new Promise((resolve, reject) => {
      let buf: Buffer = Buffer.alloc(0);
      let res: Omit<HttpResponse, 'body' | 'rest'> | undefined;
      let bodyAt = 0;
      const done = (r: HttpResponse | Error) => {
        this.socket.off('data', onData);
        this.socket.off('end', onEnd);
        this.socket.off('error', onEnd);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      const onData = (d: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        if (!res) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
          const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1] ?? NaN);
          if (!status) return done(new Error('the server did not answer in HTTP/1.1'));
          const h: Record<string, string> = {};
          for (const l of lines.slice(1)) {
            const colon = l.indexOf(':');
            if (colon > 0) h[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim();
          }
          res = { status, headers: h, reusable: !/close/i.test(h.connection ?? '') };
          bodyAt = end + 4;
          if (status === 101) return done({ ...res, body: Buffer.alloc(0), rest: buf.subarray(bodyAt), reusable: false });
        }
        const got = this.complete(res, buf.subarray(bodyAt));
        if (got) done({ ...res, ...got });
      };
      const onEnd = () => {
        if (res && res.headers['content-length'] === undefined && !/chunked/i.test(res.headers['transfer-encoding'] ?? '')) {
          return done({ ...res, body: buf.subarray(bodyAt), rest: Buffer.alloc(0), reusable: false });
        }
        done(this.failed ?? new Error('the server closed the connection before its answer was complete'));
      };
      this.socket.on('data', onData);
      this.socket.once('end', onEnd);
      this.socket.once('error', onEnd);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  /** The body and what follows it, once `data` holds the whole body; undefined while more must come. */
  private complete(res: Omit<HttpResponse, 'body' | 'rest'>, data: Buffer): { body: Buffer; rest: Buffer } | undefined {
    const length = res.headers['content-length'];
    if (length !== undefined) {
      const n = Number(length);
      return data.length >= n ? { body: data.subarray(0, n), rest: data.subarray(n) } : undefined;
    }
    if (!/chunked/i.test(res.headers['transfer-encoding'] ?? '')) return undefined; // up to the close
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = data.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
      if (size === 0) {
        const end = data.indexOf('\r\n\r\n', eol); // the last chunk's line, trailers, then an empty line
        return end < 0 ? undefined : { body: Buffer.concat(parts), rest: data.subarray(end + 4) };
      }
      if (data.length < eol + 2 + size + 2) return undefined;
      parts.push(data.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
}
