// One HTTP server per listener, bound to its load balancer's own address and the listener's port. Keep-alive to
// clients with the load balancer's idle timeout; requests that never become valid get ALB's answers without holding
// up anyone else: malformed → 400, headers too large (over 64 KiB, as ALB) → 431, headers not complete within the
// header timeout (slowloris) → 408.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { FastConn } from './fast/conn.js';
import type { UpstreamPool } from './fast/pool.js';
import { handle, type ProxyContext } from './proxy.js';
import { rawErrorResponse, sendError } from './responses.js';
import type { ListenerView } from './routing.js';
import { handleUpgrade } from './upgrade.js';

export const MAX_HEADER_BYTES = 64 * 1024;

export interface ListenerServerOptions {
  address: string;
  port: number;
  /** The listener's current view (undefined once it is gone). */
  view: () => ListenerView | undefined;
  ctx: ProxyContext;
  /** Longest wait for a request's headers; default: the idle timeout, at most 60 s. */
  headersTimeoutMs?: number;
  /** Serve plain requests on the raw-socket fast path (fast/) with this pool; node:http alone when undefined. */
  pool?: UpstreamPool;
  /** No listening socket of its own: connections arrive through accept() (data plane workers). */
  external?: boolean;
  /** Offered every accepted connection first; returns true when it took the socket (to a worker process). */
  dispatch?: (socket: net.Socket) => boolean;
}

export class ListenerServer {
  readonly server: http.Server;
  readonly front: net.Server | undefined;
  /** Serves one accepted connection (fast path). */
  accept: (socket: net.Socket) => void = (socket) => this.server.emit('connection', socket);
  private readonly connections = new Set<net.Socket>();

  constructor(private readonly opts: ListenerServerOptions) {
    this.server = http.createServer(
      { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 0, connectionsCheckingInterval: 500, noDelay: true, keepAlive: true },
      (req, res) => {
        const v = opts.view();
        if (!v) return sendError(res, 503);
        handle(opts.ctx, v, req, res);
      },
    );
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const v = opts.view();
      if (!v) return void socket.end(rawErrorResponse(503));
      handleUpgrade(opts.ctx, v, req, socket, head);
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      socket.end(rawErrorResponse(status));
    });
    const pool = opts.pool;
    if (pool) {
      const ctx = { balancer: opts.ctx.balancer, pool, view: opts.view, fallback: this.server };
      this.accept = (accepted: net.Socket) => {
        const { socket } = new FastConn(ctx, accepted);
        this.connections.add(socket);
        socket.once('close', () => this.connections.delete(socket));
      };
      if (!opts.external) {
        this.front = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) => {
          if (opts.dispatch?.(socket)) return;
          this.accept(socket);
          socket.resume();
        });
      }
      // node:http only checks header timeouts on servers that are listening: start its checks for handed-over sockets.
      this.server.emit('listening');
    }
    this.tune();
  }

  /** Applies the load balancer's idle timeout (it can change while the server runs). */
  tune(): void {
    const idle = this.opts.view()?.idleMs ?? 60_000;
    this.server.keepAliveTimeout = idle;
    this.server.headersTimeout = this.opts.headersTimeoutMs ?? Math.min(idle, 60_000);
  }

  listen(): Promise<void> {
    if (this.opts.external) return Promise.resolve();
    const s: net.Server = this.front ?? this.server;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.opts.port, this.opts.address, () => {
        s.off('error', reject);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    const closing = [new Promise<void>((resolve) => {
      if (!this.server.listening && this.front) return resolve();
      this.server.close(() => resolve());
    })];
    this.server.closeAllConnections();
    if (this.front) {
      closing.push(new Promise((resolve) => this.front!.close(() => resolve())));
      this.connections.forEach((s) => s.destroy());
    }
    return Promise.all(closing).then(() => undefined);
  }
}
