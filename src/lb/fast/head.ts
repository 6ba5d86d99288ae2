// Parsing of HTTP/1.1 message heads for the fast path, straight from the bytes: the request line or status line, and
// where each header line lies, so that lines can be forwarded by copying bytes rather than rebuilt as strings. Only
// the headers that decide framing and forwarding are looked at. Anything unusual returns undefined and the connection
// falls back to node:http (requests) or the target's answer counts as malformed (responses).

/** What a header line is to the fast path. */
export enum Kind {
  Other,
  /** Hop-by-hop or replaced by the load balancer: never forwarded as received. */
  Drop,
  Host,
  Cookie,
  ForwardedFor,
  TraceId,
  ContentLength,
  TransferEncoding,
  Connection,
  /** Framing the fast path leaves to node:http: upgrade, expect. */
  Unsupported,
}

export interface Head {
  /**
   * The bytes the head was parsed from; offsets below index into it. Valid only while the message is being started:
   * it may be a view of a shared read buffer (sharedReads.ts, pool.ts).
   */
  buf: Buffer;
  /** End of the first line (its CR). */
  lineEnd: number;
  /** End of the last header line, before the blank line's CRLF. */
  end: number;
  /** Per header line, three offsets: the line's start, its colon, its end (its CR). */
  spans: number[];
  kinds: Kind[];
}

export interface RequestHead extends Head {
  method: string;
  target: string;
  contentLength: number;
  keepAlive: boolean;
}

export interface ResponseHead extends Head {
  status: number;
  contentLength: number; // -1: none given
  chunked: boolean;
  close: boolean;
}

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;

const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN[c.charCodeAt(0)] = 1;

const KINDS: [string, Kind][] = [
  ['host', Kind.Host], ['cookie', Kind.Cookie], ['x-forwarded-for', Kind.ForwardedFor], ['x-amzn-trace-id', Kind.TraceId],
  ['content-length', Kind.ContentLength], ['transfer-encoding', Kind.TransferEncoding], ['connection', Kind.Connection],
  ['keep-alive', Kind.Drop], ['proxy-connection', Kind.Drop], ['te', Kind.Drop], ['trailer', Kind.Drop],
  ['x-forwarded-proto', Kind.Drop], ['x-forwarded-port', Kind.Drop], ['upgrade', Kind.Unsupported], ['expect', Kind.Unsupported],
];
/** The names above by length, as byte codes, for comparison without making strings. */
const BY_LENGTH: [number[], Kind][][] = [];
for (const [name, kind] of KINDS) (BY_LENGTH[name.length] ??= []).push([[...name].map((c) => c.charCodeAt(0)), kind]);

function kindOf(buf: Buffer, start: number, colon: number): Kind {
  const candidates = BY_LENGTH[colon - start];
  if (!candidates) return Kind.Other;
  next: for (const [codes, kind] of candidates) {
    // Names are tokens, and the known names are lowercase letters, digits and '-': OR-ing 0x20 lowercases exactly.
    for (let i = 0; i < codes.length; i++) if ((buf[start + i]! | 0x20) !== codes[i]) continue next;
    return kind;
  }
  return Kind.Other;
}

/**
 * The header lines from `from` (just past a CRLF) to `end` (the CR that starts the head's closing CRLF CRLF):
 * names must be tokens, values free of control characters but tab. False when a line is malformed.
 */
function scanHeaders(h: Head, from: number): boolean {
  const { buf, end, spans, kinds } = h;
  let at = from;
  while (at < end) {
    const start = at;
    while (at < end && TOKEN[buf[at]!]) at++;
    if (at === start || buf[at] !== COLON) return false;
    const colon = at++;
    for (let c = buf[at]!; at < end && (c >= SP ? c !== 127 : c === HT); c = buf[++at]!);
    if (at < end && (buf[at] !== CR || buf[at + 1] !== LF)) return false;
    spans.push(start, colon, at);
    kinds.push(kindOf(buf, start, colon));
    at += 2;
  }
  return true;
}

/** A header's value without surrounding whitespace. */
export function headerValue(h: Head, i: number): string {
  let s = h.spans[3 * i + 1]! + 1;
  let e = h.spans[3 * i + 2]!;
  while (s < e && (h.buf[s] === SP || h.buf[s] === HT)) s++;
  while (e > s && (h.buf[e - 1] === SP || h.buf[e - 1] === HT)) e--;
  return h.buf.toString('latin1', s, e);
}

export function headerName(h: Head, i: number): string {
  return h.buf.toString('latin1', h.spans[3 * i]!, h.spans[3 * i + 1]!).toLowerCase();
}

/** Every header by lowercased name (rule conditions look at these). */
export function headerFields(h: Head): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < h.kinds.length; i++) out[headerName(h, i)] = headerValue(h, i);
  return out;
}

/** A decimal Content-Length of at most 15 digits (whitespace around it allowed), or -1. */
function length(h: Head, i: number): number {
  const { buf } = h;
  let at = h.spans[3 * i + 1]! + 1;
  const end = h.spans[3 * i + 2]!;
  while (at < end && (buf[at] === SP || buf[at] === HT)) at++;
  let n = 0;
  let digits = 0;
  for (let d = buf[at]! - 48; at < end && d >= 0 && d <= 9; d = buf[++at]! - 48, digits++) n = n * 10 + d;
  while (at < end && (buf[at] === SP || buf[at] === HT)) at++;
  return digits > 0 && digits <= 15 && at === end ? n : -1;
}

const HTTP11 = [72, 84, 84, 80, 47, 49, 46, 49]; // "HTTP/1.1"

/**
 * The request head in `buf` up to `end`, the CR of the CRLF CRLF that closes it (so `end` may equal the length of a
 * head given without its blank line); undefined → let node:http handle it.
 */
export function parseRequestHead(buf: Buffer, end: number): RequestHead | undefined {
  let at = 0;
  while (at < end && TOKEN[buf[at]!]) at++;
  if (at === 0 || buf[at] !== SP) return undefined;
  const method = buf.toString('latin1', 0, at);
  const targetStart = ++at;
  if (buf[at] !== 47) return undefined; // origin-form only: '/'
  for (let c = buf[at]!; at < end && c > SP && c !== 127; c = buf[++at]!);
  if (buf[at] !== SP) return undefined;
  const target = buf.toString('latin1', targetStart, at++);
  for (let i = 0; i < 8; i++) if (buf[at + i] !== HTTP11[i]) return undefined;
  at += 8;
  const head: RequestHead = { buf, lineEnd: at, end, spans: [], kinds: [], method, target, contentLength: 0, keepAlive: true };
  if (at < end) {
    if (buf[at] !== CR || buf[at + 1] !== LF || !scanHeaders(head, at + 2)) return undefined;
  } else if (at !== end) return undefined;
  let hosts = 0;
  let lengths = 0;
  for (let i = 0; i < head.kinds.length; i++) {
    switch (head.kinds[i]) {
      case Kind.Host:
        hosts++;
        break;
      case Kind.ContentLength:
        head.contentLength = length(head, i);
        if (head.contentLength < 0 || ++lengths > 1) return undefined;
        break;
      case Kind.TransferEncoding:
      case Kind.Unsupported:
        return undefined;
      case Kind.Connection: {
        const c = headerValue(head, i).toLowerCase();
        if (c.includes('close')) head.keepAlive = false;
        else if (c !== 'keep-alive') return undefined; // other tokens name hop-by-hop headers: node:http path
        head.kinds[i] = Kind.Drop;
      }
    }
  }
  return hosts === 1 ? head : undefined;
}

/** The response head in `buf` up to `end` (the CR that starts its closing CRLF CRLF); undefined when malformed. */
export function parseResponseHead(buf: Buffer, end: number): ResponseHead | undefined {
  // "HTTP/1.x NNN" then optionally a space and a reason phrase.
  for (let i = 0; i < 7; i++) if (buf[i] !== HTTP11[i]) return undefined;
  const minor = buf[7]! - 48;
  if ((minor !== 0 && minor !== 1) || buf[8] !== SP) return undefined;
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return undefined;
    status = status * 10 + d;
  }
  let at = 12;
  if (at < end && buf[at] !== CR) {
    if (buf[at] !== SP) return undefined;
    for (let c = buf[at]!; at < end && (c >= SP ? c !== 127 : c === HT); c = buf[++at]!);
  }
  if (at > end) return undefined;
  const head: ResponseHead = { buf, lineEnd: at, end, spans: [], kinds: [], status, contentLength: -1, chunked: false, close: minor === 0 };
  if (at < end) {
    if (buf[at] !== CR || buf[at + 1] !== LF || !scanHeaders(head, at + 2)) return undefined;
  }
  for (let i = 0; i < head.kinds.length; i++) {
    switch (head.kinds[i]) {
      case Kind.ContentLength:
        if (head.contentLength >= 0) return undefined;
        head.contentLength = length(head, i);
        if (head.contentLength < 0) return undefined;
        break;
      case Kind.TransferEncoding:
        if (headerValue(head, i).toLowerCase() !== 'chunked') return undefined;
        head.chunked = true;
        break;
      case Kind.Connection: {
        const v = headerValue(head, i).toLowerCase();
        if (v.includes('close')) head.close = true;
        else if (v.includes('keep-alive')) head.close = false;
        head.kinds[i] = Kind.Drop;
        break;
      }
      case Kind.Drop:
        // Of the request's hop-by-hop names only Keep-Alive is one in a response too; the rest are relayed.
        if (headerName(head, i) !== 'keep-alive') head.kinds[i] = Kind.Other;
    }
  }
  return head;
}

/**
 * The head's text from its first line through its last kept header line's CRLF, leaving out lines of kind Drop
 * (and, with `dropForwardedFor`, X-Forwarded-For lines). Kept lines are taken as runs of bytes: a head with nothing
 * to drop is one slice. (Latin-1 maps bytes to characters one to one, so the bytes go out unchanged.)
 */
export function keptText(h: Head, dropForwardedFor: boolean): string {
  const { buf, spans, kinds } = h;
  let out = '';
  let run = 0;
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i];
    if (k !== Kind.Drop && !(dropForwardedFor && k === Kind.ForwardedFor)) continue;
    const start = spans[3 * i]!;
    if (start > run) out += buf.toString('latin1', run, start);
    run = spans[3 * i + 2]! + 2;
  }
  if (h.end + 2 > run) out += buf.toString('latin1', run, h.end + 2);
  return out;
}
