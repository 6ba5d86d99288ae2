import { describe, expect, it } from 'vitest';
import { ChunkTracker } from './chunked.js';
import { parseRequestHead, parseResponseHead } from './head.js';

describe('fast path heads', () => {
  it('parses plain requests and leaves everything unusual to node:http', () => {
    const h = parseRequestHead('GET /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close');
    expect(h).toMatchObject({ method: 'GET', target: '/a?b=1', contentLength: 5, keepAlive: false, names: ['host', 'content-length', 'connection'] });
    expect(parseRequestHead('GET / HTTP/1.0\r\nHost: x')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1')).toBeUndefined(); // no Host
    expect(parseRequestHead('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2')).toBeUndefined();
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1')).toBeUndefined();
  });

  it('parses response framing', () => {
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 3')).toMatchObject({ status: 200, contentLength: 3, chunked: false, close: false });
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked')).toMatchObject({ chunked: true });
    expect(parseResponseHead('HTTP/1.0 200 OK')).toMatchObject({ close: true, contentLength: -1 });
    expect(parseResponseHead('NOT HTTP')).toBeUndefined();
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
