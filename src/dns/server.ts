// Wharf's DNS server: answers A queries for load balancer DNS names with their address (later issues add Cloud Map
// namespaces as more zones). Names in a zone it serves but unknown get NXDOMAIN; names outside every zone REFUSED,
// so a resolver configured with Wharf first falls through to the next one. UDP, on a configurable address and port.
import dgram from 'node:dgram';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import type { Logger } from 'pino';

/** One zone's answers: the A records for a name (lowercase, no trailing dot), [] for "known zone, no such name". */
export interface Zone {
  /** The zone suffix, e.g. `elb.amazonaws.com`. */
  suffix: string;
  lookup(name: string): string[];
}

export interface DnsServerOptions {
  address: string;
  port: number;
  zones: Zone[];
  logger: Logger;
  /** TTL of the answers, seconds. Default 60 (ELB's own). */
  ttl?: number;
}

export interface DnsServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

export function answer(query: Packet, zones: readonly Zone[], ttl: number): Packet {
  const q = query.questions?.[0];
  const base: Packet = { id: query.id, type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: query.questions ?? [] };
  if (!q) return { ...base, flags: 1 /* FORMERR */ };
  const name = q.name.toLowerCase().replace(/\.$/, '');
  const zone = zones.find((z) => name === z.suffix || name.endsWith('.' + z.suffix));
  if (!zone) return { ...base, flags: 5 /* REFUSED */ };
  const addrs = zone.lookup(name);
  if (!addrs.length) return { ...base, flags: dnsPacket.AUTHORITATIVE_ANSWER | 3 /* NXDOMAIN */ };
  const answers: Answer[] = q.type === 'A' || (q.type as string) === 'ANY' ? addrs.map((data) => ({ type: 'A', class: 'IN', name: q.name, ttl, data })) : [];
  return { ...base, answers };
}

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const socket = dgram.createSocket('udp4');
  const ttl = opts.ttl ?? 60;
  socket.on('message', (msg, rinfo) => {
    let query: Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: drop
    }
    try {
      socket.send(dnsPacket.encode(answer(query, opts.zones, ttl)), rinfo.port, rinfo.address);
    } catch (err) {
      opts.logger.warn({ err }, 'dns answer failed');
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port, opts.address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { address, port } = socket.address();
  return { address, port, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}
