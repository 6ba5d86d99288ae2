// Parsing of HTTP/1.1 message heads for the fast path: the request line or status line and the header lines, kept as
// raw lines so they can be forwarded unchanged. Anything unusual returns undefined and the connection falls back to
// node:http, which owns every rare and hostile case.
const CRLF = '\r\n';
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface RequestHead {
  method: string;
  target: string;
  /** Header lines as received, without CRLF, with their lowercased names. */
  lines: string[];
  names: string[];
  values: string[];
  contentLength: number;
  keepAlive: boolean;
}

export interface ResponseHead {
  status: number;
  lines: string[];
  names: string[];
  contentLength: number; // -1: none given
  chunked: boolean;
  close: boolean;
}

function split(text: string, from: number, lines: string[], names: string[], values: string[]): boolean {
  let at = from;
  while (at < text.length) {
    const end = text.indexOf(CRLF, at);
    const line = text.slice(at, end < 0 ? undefined : end);
    at = end < 0 ? text.length : end + 2;
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return false;
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return false;
    lines.push(line);
    names.push(name.toLowerCase());
    values.push(line.slice(colon + 1).trim());
  }
  return true;
}

/** The request head in `text` (up to, not including, the blank line); undefined → let node:http handle it. */
export function parseRequestHead(text: string): RequestHead | undefined {
  const eol = text.indexOf(CRLF);
  const first = eol < 0 ? text : text.slice(0, eol);
  const sp1 = first.indexOf(' ');
  const sp2 = first.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 <= sp1 || first.slice(sp2 + 1) !== 'HTTP/1.1') return undefined;
  const method = first.slice(0, sp1);
  const target = first.slice(sp1 + 1, sp2);
  if (!TOKEN.test(method) || target[0] !== '/' || /[\s]/.test(target)) return undefined;
  const head: RequestHead = { method, target, lines: [], names: [], values: [], contentLength: 0, keepAlive: true };
  if (eol >= 0 && !split(text, eol + 2, head.lines, head.names, head.values)) return undefined;
  let hosts = 0;
  let lengths = 0;
  for (let i = 0; i < head.names.length; i++) {
    const n = head.names[i]!;
    const v = head.values[i]!;
    if (n === 'host') hosts++;
    else if (n === 'content-length') {
      if (!/^\d{1,15}$/.test(v)) return undefined;
      head.contentLength = Number(v);
      lengths++;
    } else if (n === 'transfer-encoding' || n === 'upgrade' || n === 'expect') return undefined;
    else if (n === 'connection') {
      const c = v.toLowerCase();
      if (c.includes('close')) head.keepAlive = false;
      else if (c !== 'keep-alive') return undefined; // other tokens name hop-by-hop headers: node:http path
    }
  }
  return hosts === 1 && lengths <= 1 ? head : undefined;
}

export function parseResponseHead(text: string): ResponseHead | undefined {
  const eol = text.indexOf(CRLF);
  const first = eol < 0 ? text : text.slice(0, eol);
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(first);
  if (!m) return undefined;
  const head: ResponseHead = { status: Number(m[1]), lines: [], names: [], contentLength: -1, chunked: false, close: !first.startsWith('HTTP/1.1') };
  const values: string[] = [];
  if (eol >= 0 && !split(text, eol + 2, head.lines, head.names, values)) return undefined;
  for (let i = 0; i < head.names.length; i++) {
    const n = head.names[i]!;
    const v = values[i]!.toLowerCase();
    if (n === 'content-length') {
      if (!/^\d{1,15}$/.test(v) || head.contentLength >= 0) return undefined;
      head.contentLength = Number(v);
    } else if (n === 'transfer-encoding') {
      if (v !== 'chunked') return undefined;
      head.chunked = true;
    } else if (n === 'connection') {
      if (v.includes('close')) head.close = true;
      else if (v.includes('keep-alive')) head.close = false;
    }
  }
  return head;
}
