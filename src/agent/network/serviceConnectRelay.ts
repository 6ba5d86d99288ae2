// Service Connect's relay: what each connection to an alias's listener goes through, in the relay process
// (relayWorker.ts) or, where that cannot run, in the agent itself. Kept to node:net so the relay process stays small.
import net from 'node:net';
import { pipeBoth } from './pipeBoth.js';

/** Where an alias's connections may go. */
export interface Endpoint {
  /** The task's host address and port (its awsvpc address, or a bridge task's publish address and host port). */
  address: string;
  port: number;
  /**
   * A task on this host in awsvpc mode: the pid of a process in its network namespace, where the same port is its
   * container's on the namespace's own loopback. The relay connects there, as ECS's proxy in the server task would,
   * rather than through the port Docker publishes (a proxy process of Docker's own on every connection's path).
   */
  pid?: number;
}

export interface AliasRoute {
  /** The alias's healthy tasks, as the control plane last pushed them. */
  endpoints: readonly Endpoint[];
  /** Close a relayed connection after this long with nothing read from or written to the client; 0: never. */
  idleMs: number;
}

/** A TCP connection to `port` on the loopback of the network namespace of `pid` (nsHelper's `connect`). */
export type ConnectInside = (pid: number, port: number) => Promise<net.Socket>;

/** An alias's listener: each connection goes to the next endpoint in turn (round robin). */
export function serveAlias(server: net.Server, route: () => AliasRoute, inside?: ConnectInside): void {
  let turn = 0;
  // An endpoint the control plane has taken away meanwhile (its task is stopping) is not joined: reaching a task
  // inside its namespace goes through the namespace helper, which on a busy host can take a while.
  const kept = (ep: Endpoint) => route().endpoints.some((e) => e.address === ep.address && e.port === ep.port);
  server.on('connection', (c) => {
    const r = route();
    balance(c, r.endpoints, turn++, r.idleMs, inside, kept);
  });
}

/** How long an endpoint may take to accept before the next one is tried. */
const CONNECT_TIMEOUT_MS = 2000;

/**
 * Round robin from `turn` over the endpoints; an endpoint that refuses the connection (or does not answer within
 * 2 s) is skipped for the next one, so a task that has just gone costs no failed call. A local task is reached inside
 * its namespace, and through its host address when that fails (a server that listens on its task address only).
 */
export function balance(inbound: net.Socket, endpoints: readonly Endpoint[], turn: number, idleMs: number, inside?: ConnectInside, kept: (ep: Endpoint) => boolean = () => true, tried = 0): void {
  if (tried === 0) inbound.on('error', () => inbound.destroy());
  if (tried >= endpoints.length || inbound.destroyed) {
    inbound.destroy();
    return;
  }
  inbound.pause();
  const ep = endpoints[(turn + tried) % endpoints.length]!;
  const viaHost = () => {
    if (inbound.destroyed) return;
    const out = net.connect({ port: ep.port, host: ep.address, noDelay: true });
    const timer = setTimeout(() => out.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
    out.once('error', () => {
      clearTimeout(timer);
      next(out);
    });
    out.once('connect', () => {
      clearTimeout(timer);
      out.removeAllListeners('error');
      if (kept(ep)) join(inbound, out, idleMs);
      else next(out);
    });
  };
  const next = (out: net.Socket) => {
    out.destroy();
    balance(inbound, endpoints, turn, idleMs, inside, kept, tried + 1);
  };
  if (ep.pid === undefined || !inside) return viaHost();
  inside(ep.pid, ep.port).then((out) => {
    if (inbound.destroyed) out.destroy();
    else if (kept(ep)) join(inbound, out, idleMs);
    else next(out);
  }, viaHost);
}

/** Pipes the client's connection and the endpoint's both ways, from now until either ends. */
function join(inbound: net.Socket, out: net.Socket, idleMs: number): void {
  // Each chunk goes on as it comes: Nagle's algorithm would hold a second small write (a response's body after
  // its headers) until the first is acknowledged, which a delayed ACK puts off by up to 40 ms.
  inbound.setNoDelay(true);
  const end = pipeBoth(inbound, out);
  if (idleMs > 0) idle.watch(inbound, idleMs, end);
  inbound.resume();
}

/**
 * Idle connections, found by one sweep a second rather than a timer per connection: a socket's timeout is re-armed
 * on every read and write, which costs the relay a sixth of its time per request. A connection whose client has
 * had no byte read or written over `idleMs` (the sweep's second of slack on top) is closed.
 */
class IdleSweep {
  private readonly watched = new Map<net.Socket, { idleMs: number; bytes: number; since: number; end: () => void }>();
  private timer?: NodeJS.Timeout;

  watch(socket: net.Socket, idleMs: number, end: () => void): void {
    this.watched.set(socket, { idleMs, bytes: socket.bytesRead + socket.bytesWritten, since: Date.now(), end });
    socket.once('close', () => this.watched.delete(socket));
    this.timer ??= setInterval(() => this.sweep(), 1000).unref();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [socket, w] of this.watched) {
      const bytes = socket.bytesRead + socket.bytesWritten;
      if (bytes !== w.bytes) {
        w.bytes = bytes;
        w.since = now;
      } else if (now - w.since >= w.idleMs) {
        this.watched.delete(socket);
        w.end();
      }
    }
    if (this.watched.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

const idle = new IdleSweep();
