// One request and its response on the fast path: the forwarded head (and a Content-Length body) written to a pooled
// target connection, the response head checked and relayed, the body followed to its end so the target connection
// goes back to the pool. 502 when the target refuses, resets or answers garbage; 504 when it is silent past the idle
// timeout; a reused pooled connection found closed is retried once on a fresh one for requests without a body.
import type { Pick } from '../balancer.js';
import { ChunkTracker } from './chunked.js';
import type { FastConn } from './conn.js';
import { keptText, parseResponseHead, type RequestHead } from './head.js';
import type { Upstream, UpstreamOwner } from './pool.js';
import { errorResponse } from './respond.js';

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_RESPONSE_HEAD = 64 * 1024;

export class Exchange implements UpstreamOwner {
  private up!: Upstream;
  private reused = false;
  private retried = false;
  private bodyLeft: number;
  private headBuf: Buffer | undefined;
  private state: 'head' | 'body' = 'head';
  private resLeft = 0;
  private tracker: ChunkTracker | undefined;
  private untilClose = false;
  private upClose = false;
  private keepClient: boolean;
  private sent = false;
  private finished = false;
  private timedOut = false;

  constructor(
    private readonly conn: FastConn, private readonly req: RequestHead, private readonly target: Pick,
    private readonly upHead: string, private readonly idleMs: number, private readonly sticky: string | undefined,
  ) {
    this.bodyLeft = req.contentLength;
    this.keepClient = req.keepAlive;
    conn.ctx.balancer.begin(target.key);
    this.connect();
  }

  private connect(): void {
    const { up, reused } = this.conn.ctx.pool.get(this.target.addr, this.target.host, this.target.port, this);
    this.up = up;
    this.reused = reused;
    up.idleTimeout(this.idleMs);
    up.write(this.upHead);
  }

  upTimeout(): void {
    this.timedOut = true;
    this.up.kill();
  }

  takesBody(): boolean {
    return this.bodyLeft > 0;
  }

  /** Forwards request body bytes; returns what lies past this request's body (a view of `d`). */
  body(d: Buffer): Buffer | undefined {
    if (this.bodyLeft <= 0) return d.length ? d : undefined;
    const take = Math.min(this.bodyLeft, d.length);
    this.bodyLeft -= take;
    this.up.write(Buffer.from(d.subarray(0, take))); // a copy: `d` may be the shared read buffer
    return take < d.length ? d.subarray(take) : undefined;
  }

  /** Strings are Latin-1: bytes as they came. */
  private toClient(b: Buffer | string): void {
    if (!this.conn.socket.write(b, 'latin1')) {
      const s = this.up.socket;
      s.pause();
      this.conn.socket.once('drain', () => s.resume());
    }
  }

  /** `d` is the pool's shared read buffer: valid during this call only (what is kept or written is copied). */
  upData(d: Buffer): void {
    if (this.finished) return;
    if (this.state === 'body') return this.relay(d);
    const buf = this.headBuf ? Buffer.concat([this.headBuf, d]) : d;
    const end = buf.indexOf(HEAD_END);
    if (end < 0) {
      if (buf.length > MAX_RESPONSE_HEAD) return this.fail(502);
      this.headBuf = Buffer.from(buf);
      return;
    }
    this.headBuf = undefined;
    const h = parseResponseHead(buf, end);
    if (!h || h.status === 101) return this.fail(502);
    const rest = buf.subarray(end + 4);
    if (h.status < 200) return rest.length ? this.upData(rest) : undefined; // interim (100 Continue): not relayed
    const noBody = this.req.method === 'HEAD' || h.status === 204 || h.status === 304;
    this.upClose = h.close;
    if (!noBody && h.contentLength < 0 && !h.chunked) this.untilClose = this.upClose = true;
    if (this.untilClose) this.keepClient = false;
    let extra = this.sticky ? this.sticky + '\r\n' : '';
    if (!this.keepClient) extra += 'Connection: close\r\n';
    extra += '\r\n';
    this.sent = true;
    this.state = 'body';
    if (!noBody && h.chunked) this.tracker = new ChunkTracker();
    else if (!noBody && !this.untilClose) this.resLeft = h.contentLength;
    const n = noBody ? 0 : this.take(rest);
    if (n < 0) return this.fail(502);
    // The head (as HTTP/1.1, less hop-by-hop lines) and the body bytes that came with it leave in one write.
    let text = keptText(h, false);
    if (buf[7] !== 49) text = 'HTTP/1.1' + text.slice(8);
    this.toClient(text + extra + (n ? rest.toString('latin1', 0, n) : ''));
    if (noBody || this.ended()) this.complete(n === rest.length);
  }

  /** How many of these body bytes belong to the response (by its length or its chunks); -1: bad chunking. */
  private take(d: Buffer): number {
    if (this.untilClose) return d.length;
    if (this.tracker) {
      const n = this.tracker.feed(d);
      return this.tracker.bad ? -1 : n;
    }
    const n = Math.min(this.resLeft, d.length);
    this.resLeft -= n;
    return n;
  }

  private ended(): boolean {
    return !this.untilClose && (this.tracker ? this.tracker.done : this.resLeft === 0);
  }

  /** Relays body bytes after the response's first read (copied: `d` is the pool's shared buffer). */
  private relay(d: Buffer): void {
    const n = this.take(d);
    if (n < 0) return this.fail(502);
    this.toClient(Buffer.from(d.subarray(0, n)));
    if (this.ended()) this.complete(n === d.length);
  }

  upGone(): void {
    if (this.finished) return;
    if (this.untilClose && this.state === 'body') return this.complete(false);
    const canRetry = this.reused && !this.retried && this.req.contentLength === 0 && !this.timedOut && this.state === 'head' && !this.headBuf;
    if (canRetry) {
      this.retried = true;
      return this.connect();
    }
    this.fail(this.timedOut ? 504 : 502);
  }

  private fail(status: number): void {
    if (this.finished) return;
    this.finished = true;
    this.conn.ctx.balancer.end(this.target.key);
    this.up.owner = undefined;
    this.up.kill();
    if (this.sent) this.conn.socket.destroy();
    else this.conn.socket.end(errorResponse(status, false));
    this.conn.exchange = undefined;
  }

  private complete(clean: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.conn.ctx.balancer.end(this.target.key);
    const up = this.up;
    up.socket.resume();
    if (clean && !this.upClose && this.bodyLeft === 0 && !up.dead) this.conn.ctx.pool.release(this.target.addr, up);
    else {
      up.owner = undefined;
      up.kill();
    }
    this.conn.done(this.keepClient && this.bodyLeft === 0);
  }

  /** The client went away mid-exchange. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    this.conn.ctx.balancer.end(this.target.key);
    this.up.owner = undefined;
    this.up.kill();
  }
}
