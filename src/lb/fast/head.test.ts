import { describe, expect, it } from 'vitest';
import { ChunkTracker } from './chunked.js';
import { headerFields, keptText, parseRequestHead as parseRequest, parseResponseHead as parseResponse } from './head.js';
import { upstreamHead } from './respond.js';

// Heads as they arrive: followed by the blank line, `end` at its CRLF CRLF.
const parseRequestHead = (text: string) => parseRequest(Buffer.from(`${text}\r\n\r\n`, 'latin1'), Buffer.byteLength(text, 'latin1'));
const parseResponseHead = (text: string) => parseResponse(Buffer.from(`${text}\r\n\r\n`, 'latin1'), Buffer.byteLength(text, 'latin1'));

describe('fast path heads', () => {
  it('parses plain requests and leaves everything unusual to node:http', () => {
    const h = parseRequestHead('GET /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close');
    expect(h).toMatchObject({ method: 'GET', target: '/a?b=1', contentLength: 5, keepAlive: false });
    expect(headerFields(h!)).toEqual({ host: 'x', 'content-length': '5', connection: 'close' });
    expect(parseRequestHead('GET / HTTP/1.0\r\nHost: x')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1')).toBeUndefined(); // no Host
    expect(parseRequestHead('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nA: 1\nB: 2')).toBeUndefined(); // bare LF inside a line
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\n: 1')).toBeUndefined();
    expect(parseRequestHead('GET /a b HTTP/1.1\r\nHost: x')).toBeUndefined();
    expect(parseRequestHead('GET http://x/ HTTP/1.1\r\nHost: x')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nConnection: close, x-secret')).toMatchObject({ keepAlive: false });
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nConnection: x-secret')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHOST: x\r\nCONTENT-LENGTH:  12 ')).toMatchObject({ contentLength: 12 });
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nContent-Length:')).toBeUndefined();
  });

  it('forwards the request head byte for byte, less hop-by-hop lines, plus X-Forwarded-*', () => {
    const h = parseRequestHead('GET /p?q=1 HTTP/1.1\r\nHost: example.com\r\nKeep-Alive: 5\r\nAccept: */*\r\nX-Forwarded-For: 127.9.9.9\r\n' +
      'Connection: keep-alive\r\nX-Forwarded-Port: 1\r\nCookie: a=b\r\nX-Amzn-Trace-Id: Root=1-abc\r\nUser-Agent: t\xe9st')!;
    expect(upstreamHead(h, '127.0.0.9', 80, 'append')).toBe('GET /p?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n' +
      'Cookie: a=b\r\nX-Amzn-Trace-Id: Root=1-abc\r\nUser-Agent: t\xe9st\r\nX-Forwarded-For: 127.9.9.9, 127.0.0.9\r\n' +
      'X-Forwarded-Proto: http\r\nX-Forwarded-Port: 80\r\n\r\n');
    const plain = upstreamHead(parseRequestHead('GET / HTTP/1.1\r\nHost: x')!, '127.0.0.9', 8080, 'remove');
    expect(plain).toMatch(/^GET \/ HTTP\/1\.1\r\nHost: x\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Port: 8080\r\nX-Amzn-Trace-Id: Root=1-[0-9a-f]{8}-[0-9a-f]{24}\r\n\r\n$/);
  });

  it('parses response framing', () => {
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 3')).toMatchObject({ status: 200, contentLength: 3, chunked: false, close: false });
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked')).toMatchObject({ chunked: true });
    expect(parseResponseHead('HTTP/1.0 200 OK')).toMatchObject({ close: true, contentLength: -1 });
    expect(parseResponseHead('NOT HTTP')).toBeUndefined();
    expect(parseResponseHead('HTTP/1.1 200')).toMatchObject({ status: 200 });
    expect(parseResponseHead('HTTP/1.1 20 OK')).toBeUndefined();
    expect(parseResponseHead('HTTP/2.0 200 OK')).toBeUndefined();
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3')).toBeUndefined();
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked')).toBeUndefined();
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nX: a\rb')).toBeUndefined();
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nConnection: close')).toMatchObject({ close: true });
    expect(parseResponseHead('HTTP/1.0 200 OK\r\nConnection: Keep-Alive')).toMatchObject({ close: false });
  });

  it('relays response header lines as received, less Connection and Keep-Alive', () => {
    const h = parseResponseHead('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nA: 1\r\nB: 2\r\nKeep-Alive: timeout=5\r\nTE: x\r\nC: 3')!;
    expect(keptText(h, false)).toBe('HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nTE: x\r\nC: 3\r\n');
    const last = parseResponseHead('HTTP/1.1 200 OK\r\nA: 1\r\nConnection: close')!;
    expect(keptText(last, false)).toBe('HTTP/1.1 200 OK\r\nA: 1\r\n');
    expect(keptText(parseResponseHead('HTTP/1.1 204 No Content')!, false)).toBe('HTTP/1.1 204 No Content\r\n');
  });

  it('follows a chunked body to its end across reads', () => {
    const body = Buffer.from('5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\nNEXT');
    const t = new ChunkTracker();
    let used = 0;
    for (let i = 0; i < body.length && !t.done; i += 4) used += t.feed(body.subarray(i, Math.min(i + 4, body.length)));
    expect(t.done).toBe(true);
    expect(used).toBe(body.length - 4);
  });
});
