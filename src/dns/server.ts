// Wharf's DNS server, on UDP and TCP at one address and port. Zones (load balancer names, Cloud Map's DNS
// namespaces) answer the names they hold authoritatively; every other name is forwarded to the upstream resolvers
// (the host's own, from /etc/resolv.conf), so a container that uses Wharf's DNS still resolves the outside world.
// A UDP answer larger than the client's limit (512 bytes, or what its EDNS record says) is sent truncated (TC) so
// the client asks again over TCP. Malformed queries get FORMERR when their header can be read, and are dropped
// otherwise; nothing a client sends can throw out of a handler.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from 'pino';
import { AnswerCache, stale, takeSlot } from './answerCache.js';
import { Forwarder, type Upstream } from './upstream.js';
import { encodeAnswer, parseQuery, readShape, SHAPE } from './wire.js';
import type { Zone, ZoneAnswer } from './zone.js';

export type { Zone, ZoneAnswer } from './zone.js';

export interface DnsServerOptions {
  address: string;
  port: number;
  zones: Zone[];
  logger: Logger;
  /** Where names outside every zone go; none: such names are REFUSED. */
  upstreams?: Upstream[];
  /** Per-upstream timeout, ms (default 2000). */
  upstreamTimeoutMs?: number;
  /**
   * The state cache the zones read. With it, and zones that all name their `prefixes`, encoded answers are kept and
   * dropped whenever a key under one of those prefixes changes; without, every query is answered afresh.
   */
  changes?: { onChange(listener: (keys: readonly string[]) => void): () => void };
}

export interface DnsServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
/** Queries longer than this are not DNS queries anyone sends: dropped. */
export const MAX_QUERY_BYTES = 4096;
/** TCP clients served at once; each costs a socket and at most one 64 KiB message buffer. */
export const MAX_TCP_CONNECTIONS = 256;
/** The largest UDP answer Wharf sends, whatever a client's EDNS record offers. */
const MAX_UDP_ANSWER = 4096;
const QR = 0x8000;
const AA = 0x0400;
const RD = 0x0100;
const RA = 0x0080;

/** A header-only answer (FORMERR, NOTIMP, SERVFAIL, REFUSED) to a query whose header could be read. */
export function headerOnly(query: Buffer, rcode: number): Buffer {
  const flags = query.readUInt16BE(2);
  // Keep opcode and RD; set QR; RA since names outside the zones are resolved for the client.
  const out = Buffer.alloc(12);
  out.writeUInt16BE(query.readUInt16BE(0), 0);
  out.writeUInt16BE(QR | (flags & 0x7900) | RA | rcode, 2);
  return out;
}

/** `zone`: the reply is a zone's answer (not an error), which may be kept for the same question. */
export type Outcome = { reply: Buffer; zone?: true } | { forward: true } | { drop: true };

/** The answer to one query from the zones, or a decision to forward or drop it. Never throws. */
export function respond(msg: Buffer, zones: readonly Zone[], maxUdp: number | undefined): Outcome {
  if (msg.length < 12 || msg.length > MAX_QUERY_BYTES) return { drop: true };
  const flags = msg.readUInt16BE(2);
  if (flags & QR) return { drop: true }; // an answer, not a query: never answer answers
  if ((flags >> 11) & 0xf) return { reply: headerOnly(msg, RCODE.NOTIMP) };
  const q = parseQuery(msg);
  if (!q) return { reply: headerOnly(msg, RCODE.FORMERR) };
  const name = q.qname.toLowerCase();
  let found: ZoneAnswer | undefined;
  try {
    for (const z of zones) {
      found = z.answer(name, q.qtype, q.qname);
      if (found) break;
    }
  } catch {
    return { reply: headerOnly(msg, RCODE.SERVFAIL) };
  }
  if (!found) return { forward: true };
  const rflags = QR | AA | (flags & RD) | RA | RCODE[found.rcode];
  const limit = maxUdp === undefined ? Infinity : Math.min(maxUdp, Math.max(512, q.udpSize ?? 512));
  try {
    return { reply: encodeAnswer(msg, q, rflags, { answers: found.answers, authorities: found.authorities ?? [], additionals: found.additionals ?? [] }, limit), zone: true };
  } catch {
    return { reply: headerOnly(msg, RCODE.SERVFAIL) };
  }
}

const FORWARD = 1;
const DROP = 0;

/**
 * A responder that keeps encoded answers (answerCache.ts): a query whose question was answered before gets a copy
 * of a kept answer with its own id and RD bit. Same results as `respond`, which builds the answers it keeps.
 */
export function cachedResponder(zones: readonly Zone[], cache: AnswerCache | undefined): (msg: Buffer, maxUdp: number | undefined) => Buffer | typeof FORWARD | typeof DROP {
  const fresh = (msg: Buffer, maxUdp: number | undefined) => {
    const out = respond(msg, zones, maxUdp);
    return 'reply' in out ? out.reply : 'forward' in out ? FORWARD : DROP;
  };
  if (!cache) return fresh;
  return (msg, maxUdp) => {
    // Header byte 2: QR and opcode must be clear (answers are dropped, other opcodes NOTIMP: left to respond).
    if (msg.length > MAX_QUERY_BYTES || (msg[2]! & 0xf8) !== 0 || !readShape(msg)) return fresh(msg, maxUdp);
    const edns = SHAPE.udpSize >= 0;
    const limit = maxUdp === undefined ? 0 : Math.min(maxUdp, Math.max(512, edns ? SHAPE.udpSize : 512));
    const key = msg.toString('latin1', 12, SHAPE.questionEnd) + (edns ? '+' : '-') + limit;
    let entry = cache.get(key);
    if (entry?.forward) return FORWARD;
    const slot = entry ? takeSlot(entry) : 0;
    if (!entry || stale(entry, slot)) {
      const out = respond(msg, zones, maxUdp);
      if ('forward' in out) {
        if (!entry) cache.add(key, true);
        return FORWARD;
      }
      if (!('reply' in out)) return DROP;
      if (out.zone) {
        if (!entry) takeSlot((entry = cache.add(key, false)));
        // Kept as built: this query's id and RD bit are in it, and every later use patches its copy.
        entry.variants[slot] = out.reply;
      }
      return out.reply;
    }
    const kept = entry.variants[slot]!;
    const reply = Buffer.allocUnsafe(kept.length);
    kept.copy(reply);
    reply[0] = msg[0]!;
    reply[1] = msg[1]!;
    reply[2] = (kept[2]! & ~RD_BIT) | (msg[2]! & RD_BIT);
    return reply;
  };
}
/** RD in the header's third byte. */
const RD_BIT = 0x01;

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const forwarder = opts.upstreams?.length ? new Forwarder({ upstreams: opts.upstreams, timeoutMs: opts.upstreamTimeoutMs }) : undefined;
  const prefixes = opts.zones.every((z) => z.prefixes) ? opts.zones.flatMap((z) => z.prefixes!) : undefined;
  const cache = opts.changes && prefixes ? new AnswerCache() : undefined;
  const unwatch = cache && prefixes
    ? opts.changes!.onChange((keys) => {
      if (keys.some((k) => prefixes.some((p) => k.startsWith(p)))) cache.clear();
    })
    : undefined;
  const answer = cachedResponder(opts.zones, cache);
  /** The upstream's reply, or SERVFAIL/REFUSED when it cannot be had. */
  const forward = async (msg: Buffer, tcp: boolean): Promise<Buffer> => {
    if (!forwarder) return headerOnly(msg, RCODE.REFUSED);
    return (await forwarder.forward(msg, tcp)) ?? headerOnly(msg, RCODE.SERVFAIL);
  };
  /** The reply to one message over TCP: from the zones or forwarded. */
  const handle = async (msg: Buffer): Promise<Buffer | undefined> => {
    const out = answer(msg, undefined);
    if (out === DROP) return undefined;
    return out === FORWARD ? forward(msg, true) : out;
  };

  // Replies go to the address a query came from, always an IP: a lookup that answers at once spares each send the
  // default one's deferral to the next tick.
  const family = net.isIPv6(opts.address) ? 6 : 4;
  const lookup = (address: string, _family: unknown, cb: (err: null, address: string, family: number) => void) => cb(null, address, family);
  const socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: lookup as never });
  socket.on('message', (msg, rinfo) => {
    // Zone answers are synchronous; only forwarding waits. No send callback: a failed send is reported on the
    // socket's 'error' event, and the callback costs per answer.
    const out = answer(msg, MAX_UDP_ANSWER);
    if (out === DROP) return;
    if (out !== FORWARD) {
      socket.send(out, rinfo.port, rinfo.address);
      return;
    }
    forward(msg, false).then((buf) => socket.send(buf, rinfo.port, rinfo.address), (err) => opts.logger.warn({ err }, 'dns forward failed'));
  });
  socket.on('error', (err) => opts.logger.warn({ err: err.message }, 'dns socket error'));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port, opts.address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { address, port } = socket.address();

  // TCP: two-byte length framing, several queries per connection (answers may come out of order, as RFC 7766
  // allows), idle connections closed after 10 s, at most MAX_TCP_CONNECTIONS at once (more are refused at accept).
  const conns = new Set<net.Socket>();
  const tcpServer = net.createServer((conn) => {
    conns.add(conn);
    conn.setTimeout(10_000, () => conn.destroy());
    conn.on('close', () => conns.delete(conn));
    conn.on('error', () => conn.destroy());
    let buf = Buffer.alloc(0);
    conn.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        handle(Buffer.from(msg)).then((reply) => {
          if (!reply || conn.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(reply.length);
          conn.write(Buffer.concat([head, reply]));
        }, () => conn.destroy());
      }
    });
  });
  tcpServer.maxConnections = MAX_TCP_CONNECTIONS;
  try {
    await new Promise<void>((resolve, reject) => {
      tcpServer.once('error', reject);
      tcpServer.listen(port, address, () => {
        tcpServer.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    socket.close();
    throw err;
  }

  return {
    address,
    port,
    async close() {
      unwatch?.();
      forwarder?.close();
      for (const c of conns) c.destroy();
      await Promise.all([
        new Promise<void>((resolve) => socket.close(() => resolve())),
        new Promise<void>((resolve) => tcpServer.close(() => resolve())),
      ]);
    },
  };
}
