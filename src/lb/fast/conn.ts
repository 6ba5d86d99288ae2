// The fast path of one client connection: plain HTTP/1.1 requests (no body or a Content-Length body) are parsed from
// raw bytes, routed, and written to a pooled target connection; the response head is checked and relayed, its body
// streamed and followed (length, chunked, or until close) so both connections stay alive. Anything else (chunked
// uploads, upgrades, Expect, partial or oversized heads, malformed input) hands the socket to node:http.
import type http from 'node:http';
import type net from 'node:net';
import type { Balancer, Pick } from '../balancer.js';
import { stickyCookie } from '../forward.js';
import { pickTarget } from '../proxy.js';
import { redirectLocation } from '../responses.js';
import type { RequestFacts } from '../conditions.js';
import { route, type ListenerView } from '../routing.js';
import { headerFields, headerValue, Kind, parseRequestHead, type RequestHead } from './head.js';
import type { UpstreamPool } from './pool.js';
import { errorResponse, fixedResponse, redirectResponse, upstreamHead } from './respond.js';
import { Exchange } from './exchange.js';
import { idleSweep, type Idler } from './idle.js';
import { adoptSharedReads, isShared } from './sharedReads.js';

export interface FastContext {
  balancer: Balancer;
  pool: UpstreamPool;
  view: () => ListenerView | undefined;
  /** The node:http server (not listening) that takes over connections the fast path does not handle. */
  fallback: http.Server;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 16 * 1024;

export class FastConn implements Idler {
  readonly socket: net.Socket;
  seen = 0;
  private pending: Buffer | undefined;
  exchange: Exchange | undefined;
  /** Handed to node:http: what still reaches the shared-buffer callback belongs to the socket's stream. */
  private handedOver = false;
  private readonly onData = (d: Buffer) => this.data(d);

  constructor(readonly ctx: FastContext, accepted: net.Socket) {
    const shared = adoptSharedReads(accepted, (d) => this.sharedData(d));
    const socket = (this.socket = shared ?? accepted);
    socket.setNoDelay(true);
    if (shared) socket.resume(); // flowing, so that the end of the stream is seen
    else socket.on('data', this.onData);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      idleSweep.delete(this);
      this.exchange?.abort();
    });
    idleSweep.add(this);
  }

  /** The load balancer's idle timeout while no request is under way (the target connection's timeout covers one). */
  idleMs(): number {
    return this.exchange ? 0 : (this.ctx.view()?.idleMs ?? 60_000);
  }

  expire(): void {
    this.socket.destroy();
  }

  private sharedData(d: Buffer): void {
    if (this.handedOver) return void this.socket.push(Buffer.from(d));
    this.data(d);
    if (this.pending && isShared(this.pending)) this.pending = Buffer.from(this.pending);
  }

  private data(d: Buffer): void {
    this.seen = idleSweep.tick;
    if (this.exchange?.takesBody()) {
      const rest = this.exchange.body(d);
      if (rest) this.pending = this.pending ? Buffer.concat([this.pending, rest]) : rest;
      return;
    }
    this.pending = this.pending ? Buffer.concat([this.pending, d]) : d;
    if (!this.exchange) this.next();
  }

  /** Starts the next request in the buffer, if a complete one is there. */
  next(): void {
    const buf = this.pending;
    if (!buf || this.exchange || this.socket.destroyed) return;
    const end = buf.indexOf(HEAD_END);
    if (end < 0 || end > MAX_HEAD) return this.handOver();
    const head = parseRequestHead(buf, end);
    if (!head) return this.handOver();
    const rest = buf.subarray(end + 4);
    this.pending = undefined;
    this.start(head, rest);
  }

  private handOver(): void {
    const buf = this.pending;
    this.pending = undefined;
    this.handedOver = true;
    idleSweep.delete(this);
    const s = this.socket;
    s.removeListener('data', this.onData);
    s.removeAllListeners('close');
    s.removeAllListeners('error');
    s.pause();
    if (buf?.length) s.unshift(isShared(buf) ? Buffer.from(buf) : buf);
    this.ctx.fallback.emit('connection', s);
    s.resume();
  }

  private ip: string | undefined;

  /** The client's address as X-Forwarded-For gives it (asked of the socket once). */
  private clientIp(): string {
    if (this.ip === undefined) {
      const remote = this.socket.remoteAddress ?? '';
      this.ip = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
    }
    return this.ip;
  }

  /** What rule conditions look at; only built when the listener has rules beyond its default action. */
  private facts(head: RequestHead): RequestFacts {
    const q = head.target.indexOf('?');
    const headers = headerFields(head);
    const rawHost = headers.host ?? '';
    const colon = rawHost.lastIndexOf(':');
    return {
      method: head.method, path: q < 0 ? head.target : head.target.slice(0, q), query: q < 0 ? '' : head.target.slice(q + 1),
      host: (colon > 0 && !rawHost.endsWith(']') ? rawHost.slice(0, colon) : rawHost).toLowerCase(), headers,
      sourceIp: this.socket.remoteAddress ?? '',
    };
  }

  private start(head: RequestHead, rest: Buffer): void {
    const view = this.ctx.view();
    if (!view) return void this.socket.end(errorResponse(503, false));
    let facts: RequestFacts | undefined;
    const action = view.routes.length === 1 ? view.routes[0]!.action : route(view, (facts = this.facts(head)));
    // Our own answers keep the connection only when there is no body to skip.
    const keep = head.keepAlive && head.contentLength === 0;
    if (action.Type === 'fixed-response') return this.answer(fixedResponse(action.FixedResponseConfig ?? { StatusCode: '200' }, keep), keep, rest);
    if (action.Type === 'redirect') {
      facts ??= this.facts(head);
      const cfg = action.RedirectConfig ?? { StatusCode: 'HTTP_302' };
      const loc = redirectLocation(cfg, { host: facts.host, port: view.listener.port, path: facts.path, query: facts.query });
      return this.answer(redirectResponse(cfg.StatusCode === 'HTTP_301' ? 301 : 302, loc, keep), keep, rest);
    }
    const cookie = head.kinds.indexOf(Kind.Cookie);
    const target: Pick | undefined = pickTarget(this.ctx.balancer, action, cookie < 0 ? undefined : headerValue(head, cookie));
    if (!target) return this.answer(errorResponse(503, keep), keep, rest);
    const ip = this.clientIp();
    const sticky = target.tg.attributes['stickiness.enabled'] === 'true'
      ? `Set-Cookie: ${stickyCookie(target.key, Number(target.tg.attributes['stickiness.lb_cookie.duration_seconds'] ?? 86400))}` : undefined;
    this.exchange = new Exchange(this, head, target, upstreamHead(head, ip, view.listener.port, view.xffMode), view.idleMs, sticky);
    const extra = this.exchange.body(rest);
    if (extra?.length) this.pending = extra;
  }

  private answer(text: string, keep: boolean, rest: Buffer): void {
    this.seen = idleSweep.tick;
    this.socket.write(text);
    if (!keep) return void this.socket.end();
    if (rest.length) this.pending = rest;
    this.next();
  }

  /** The exchange finished; `keep` false closes the client connection. */
  done(keep: boolean): void {
    this.exchange = undefined;
    this.seen = idleSweep.tick;
    if (!keep) return void this.socket.end();
    this.next();
  }
}

