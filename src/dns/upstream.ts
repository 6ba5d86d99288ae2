// Forwarding names Wharf is not authoritative for to the host's own resolvers (nameserver lines of
// /etc/resolv.conf, or the upstreams the composition names), over UDP or TCP as the client asked. Each query gets a
// fresh id on the upstream socket; answers go back with the client's id. An upstream that does not answer in time
// is skipped for the next; when none answers the client gets SERVFAIL.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';

export interface Upstream {
  address: string;
  port: number;
}

/** The nameservers of a resolv.conf text (IPv4 and IPv6, port 53). */
export function parseResolvConf(text: string): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+([0-9a-fA-F:.]+)(?:%\S+)?\s*$/.exec(line);
    if (m && net.isIP(m[1]!)) out.push({ address: m[1]!, port: 53 });
  }
  return out;
}

export function hostResolvers(path = '/etc/resolv.conf'): Upstream[] {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

export interface ForwarderOptions {
  upstreams: Upstream[];
  /** How long to wait for one upstream, ms. Default 2000. */
  timeoutMs?: number;
}

export class Forwarder {
  private readonly sockets = new Map<'udp4' | 'udp6', dgram.Socket>();
  private readonly pending = new Map<number, (msg: Buffer) => void>();
  private nextId = Math.floor(Math.random() * 65536);
  private readonly timeoutMs: number;

  constructor(private readonly opts: ForwarderOptions) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
  }

  get upstreams(): readonly Upstream[] {
    return this.opts.upstreams;
  }

  /** The upstream's answer to `query` (raw DNS message), with the query's id; undefined when none answered. */
  async forward(query: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    for (const up of this.opts.upstreams) {
      const res = await (tcp ? this.tcp(up, query) : this.udp(up, query)).catch(() => undefined);
      if (res && res.length >= 12) {
        const out = Buffer.from(res);
        out.writeUInt16BE(query.readUInt16BE(0), 0);
        return out;
      }
    }
    return undefined;
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    for (const done of this.pending.values()) done(Buffer.alloc(0));
    this.pending.clear();
  }

  private socket(family: 'udp4' | 'udp6'): dgram.Socket {
    let s = this.sockets.get(family);
    if (!s) {
      s = dgram.createSocket(family);
      s.on('message', (msg) => {
        if (msg.length < 12) return;
        const done = this.pending.get(msg.readUInt16BE(0));
        done?.(msg);
      });
      s.on('error', () => undefined);
      s.unref();
      this.sockets.set(family, s);
    }
    return s;
  }

  private udp(up: Upstream, query: Buffer): Promise<Buffer | undefined> {
    let id = this.nextId;
    for (let i = 0; i < 65536 && this.pending.has(id); i++) id = (id + 1) & 0xffff;
    if (this.pending.has(id)) return Promise.resolve(undefined);
    this.nextId = (id + 1) & 0xffff;
    const msg = Buffer.from(query);
    msg.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), this.timeoutMs);
      const finish = (res: Buffer | undefined) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(res);
      };
      this.pending.set(id, (res) => finish(res.length ? res : undefined));
      this.socket(net.isIPv6(up.address) ? 'udp6' : 'udp4').send(msg, up.port, up.address, (err) => err && finish(undefined));
    });
  }

  private tcp(up: Upstream, query: Buffer): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const sock = net.connect({ host: up.address, port: up.port });
      let buf = Buffer.alloc(0);
      const done = (res: Buffer | undefined) => {
        sock.destroy();
        resolve(res);
      };
      sock.setTimeout(this.timeoutMs, () => done(undefined));
      sock.on('error', () => done(undefined));
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(query.length);
        sock.write(Buffer.concat([len, query]));
      });
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      sock.on('end', () => done(undefined));
    });
  }
}
