// DNS messages read and written by hand for the hot path: a query's header, question and EDNS size are read in
// place, and an answer is the query's header and question bytes followed by records written straight into one
// buffer (names equal to the question's are a pointer to it). dns-packet costs tens of microseconds a message;
// this costs a few. Anything malformed reads as undefined and is answered FORMERR by the caller.
import type { Answer } from 'dns-packet';
import { isIPv4 } from 'node:net';

export const TYPE: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 };
const TYPE_NAME = new Map(Object.entries(TYPE).map(([k, v]) => [v, k]));

export interface Query {
  id: number;
  flags: number;
  /** The question's name as sent (no trailing dot), its type's name (or `TYPE<n>`), where the question ends. */
  qname: string;
  qtype: string;
  qclass: number;
  questionEnd: number;
  /** The EDNS UDP payload size the client offers, when it sent an OPT record. */
  udpSize?: number;
}

/** Skips a (possibly compressed) name at `off`; the offset after it, or -1. */
function skipName(buf: Buffer, off: number): number {
  for (let hops = 0; hops < 128; hops++) {
    if (off >= buf.length) return -1;
    const len = buf[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2 <= buf.length ? off + 2 : -1;
    if (len & 0xc0) return -1;
    off += 1 + len;
  }
  return -1;
}

/** Reads a query: exactly one question with an uncompressed name; other sections walked for an OPT record. */
export function parseQuery(buf: Buffer): Query | undefined {
  if (buf.length < 12) return undefined;
  if (buf.readUInt16BE(4) !== 1) return undefined;
  let off = 12;
  let qname = '';
  for (;;) {
    if (off >= buf.length) return undefined;
    const len = buf[off]!;
    if (len === 0) {
      off++;
      break;
    }
    if (len > 63 || off + 1 + len > buf.length) return undefined;
    qname += (qname ? '.' : '') + buf.toString('latin1', off + 1, off + 1 + len);
    off += 1 + len;
    if (qname.length > 253) return undefined;
  }
  if (off + 4 > buf.length) return undefined;
  const t = buf.readUInt16BE(off);
  const qclass = buf.readUInt16BE(off + 2);
  const questionEnd = off + 4;
  let udpSize: number | undefined;
  const records = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  off = questionEnd;
  for (let i = 0; i < records; i++) {
    off = skipName(buf, off);
    if (off < 0 || off + 10 > buf.length) return undefined;
    const rtype = buf.readUInt16BE(off);
    if (rtype === 41) udpSize = buf.readUInt16BE(off + 2);
    off += 10 + buf.readUInt16BE(off + 8);
    if (off > buf.length) return undefined;
  }
  return { id: buf.readUInt16BE(0), flags: buf.readUInt16BE(2), qname, qtype: TYPE_NAME.get(t) ?? `TYPE${t}`, qclass, questionEnd, udpSize };
}

/**
 * The fast path's read of a query, with no strings built: where its single question ends (-1 when the question is
 * not one uncompressed name of valid labels, or the header does not say one question) and the EDNS UDP size it
 * offers (`SHAPE.udpSize`, -1 without an OPT record). Returns false for anything parseQuery would refuse.
 */
export const SHAPE = { questionEnd: -1, udpSize: -1 };
export function readShape(buf: Buffer): boolean {
  if (buf.length < 12 || buf[4] !== 0 || buf[5] !== 1) return false;
  let off = 12;
  let chars = -1;
  for (;;) {
    if (off >= buf.length) return false;
    const len = buf[off]!;
    if (len === 0) break;
    if (len > 63) return false;
    chars += len + 1;
    off += 1 + len;
  }
  if (chars > 253) return false;
  off += 5;
  if (off > buf.length) return false;
  SHAPE.questionEnd = off;
  SHAPE.udpSize = -1;
  const records = ((buf[6]! << 8) | buf[7]!) + ((buf[8]! << 8) | buf[9]!) + ((buf[10]! << 8) | buf[11]!);
  for (let i = 0; i < records; i++) {
    off = skipName(buf, off);
    if (off < 0 || off + 10 > buf.length) return false;
    if (((buf[off]! << 8) | buf[off + 1]!) === 41) SHAPE.udpSize = (buf[off + 2]! << 8) | buf[off + 3]!;
    off += 10 + ((buf[off + 8]! << 8) | buf[off + 9]!);
    if (off > buf.length) return false;
  }
  return true;
}

class Writer {
  buf: Buffer;
  off = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  ensure(n: number) {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
  u8(v: number) {
    this.ensure(1);
    this.buf[this.off++] = v;
  }
  // Byte stores rather than writeUInt16BE/copy: these run a few dozen times per answer and the checks add up.
  u16(v: number) {
    this.ensure(2);
    this.buf[this.off] = (v >>> 8) & 0xff;
    this.buf[this.off + 1] = v & 0xff;
    this.off += 2;
  }
  u32(v: number) {
    this.u16((v >>> 16) & 0xffff);
    this.u16(v & 0xffff);
  }
  bytes(b: Buffer) {
    this.ensure(b.length);
    this.buf.set(b, this.off);
    this.off += b.length;
  }
  name(name: string) {
    this.bytes(cached(NAMES, name, wireName));
  }
}

// Names and addresses repeat from query to query: their wire forms are kept (bounded: a full map starts over).
const NAMES = new Map<string, Buffer>();
const ADDRESSES = new Map<string, Buffer>();
const CACHE_MAX = 8192;

function cached(map: Map<string, Buffer>, key: string, make: (key: string) => Buffer): Buffer {
  let b = map.get(key);
  if (!b) {
    b = make(key);
    if (map.size >= CACHE_MAX) map.clear();
    map.set(key, b);
  }
  return b;
}

function wireName(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of name.split('.')) {
    if (!label) continue;
    const b = Buffer.from(label, 'latin1');
    if (b.length > 63) throw new Error('label too long');
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function ipv4(w: Writer, text: string) {
  w.bytes(cached(ADDRESSES, text, (t) => Buffer.from(t.split('.').map(Number))));
}

function ipv6(w: Writer, text: string) {
  w.bytes(cached(ADDRESSES, text, (t) => {
    const sub = new Writer(16);
    ipv6Groups(sub, t);
    return Buffer.from(sub.buf.subarray(0, 16));
  }));
}

function ipv6Groups(w: Writer, text: string) {
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  let h = groups(head);
  let t = groups(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const v4 = (g: string[]) => {
    const last = g[g.length - 1];
    if (last && isIPv4(last)) {
      const b = last.split('.').map(Number);
      g.splice(g.length - 1, 1, ((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16));
    }
    return g;
  };
  if (tail === undefined) h = v4(h);
  else t = v4(t);
  const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
  for (const g of [...h, ...fill, ...t]) w.u16(parseInt(g, 16) || 0);
}

function record(w: Writer, a: Answer, qname: string, qlower: string) {
  if (a.name === qname || (a.name.length === qname.length && a.name.toLowerCase() === qlower)) w.u16(0xc00c);
  else w.name(a.name);
  w.u16(TYPE[a.type] ?? 0);
  w.u16(1); // IN
  w.u32((a as { ttl?: number }).ttl ?? 0);
  const lenAt = w.off;
  w.u16(0);
  const data = (a as { data: unknown }).data;
  switch (a.type) {
    case 'A': ipv4(w, data as string); break;
    case 'AAAA': ipv6(w, data as string); break;
    case 'CNAME': case 'NS': case 'PTR': w.name(data as string); break;
    case 'SRV': {
      const d = data as { priority?: number; weight?: number; port: number; target: string };
      w.u16(d.priority ?? 0);
      w.u16(d.weight ?? 0);
      w.u16(d.port);
      w.name(d.target);
      break;
    }
    case 'SOA': {
      const d = data as { mname: string; rname: string; serial?: number; refresh?: number; retry?: number; expire?: number; minimum?: number };
      w.name(d.mname);
      w.name(d.rname);
      for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(v ?? 0);
      break;
    }
    default: throw new Error(`cannot encode ${a.type}`);
  }
  w.buf.writeUInt16BE(w.off - lenAt - 2, lenAt);
}

export interface Sections {
  answers: readonly Answer[];
  authorities: readonly Answer[];
  additionals: readonly Answer[];
}

/**
 * The answer to `q` (read from `query`): its header with `flags` and the counts, its question as sent, then the
 * sections, and an OPT record when the client sent one. Over `limit` bytes the additionals go first; if it is still
 * too big, the answer is the header and question with TC set.
 */
export function encodeAnswer(query: Buffer, q: Query, flags: number, s: Sections, limit = Infinity): Buffer {
  const qlower = q.qname.toLowerCase();
  const write = (additionals: readonly Answer[], truncated: boolean) => {
    const w = new Writer(512);
    const edns = q.udpSize !== undefined;
    w.u16(q.id);
    w.u16(flags | (truncated ? 0x0200 : 0));
    w.u16(1);
    w.u16(truncated ? 0 : s.answers.length);
    w.u16(truncated ? 0 : s.authorities.length);
    w.u16((truncated ? 0 : additionals.length) + (edns ? 1 : 0));
    w.ensure(q.questionEnd - 12);
    query.copy(w.buf, w.off, 12, q.questionEnd);
    w.off += q.questionEnd - 12;
    if (!truncated) for (const list of [s.answers, s.authorities, additionals]) for (const a of list) record(w, a, q.qname, qlower);
    if (edns) {
      w.u8(0);
      w.u16(41);
      w.u16(1232);
      w.u32(0);
      w.u16(0);
    }
    return w.buf.subarray(0, w.off);
  };
  let out = write(s.additionals, false);
  if (out.length > limit && s.additionals.length) out = write([], false);
  if (out.length > limit) out = write([], true);
  return out;
}
