import { describe, expect, it } from 'vitest';
import { compilePattern } from './pattern.js';

const m = (p: string, msg: string) => compilePattern(p).match(msg);

describe('filter patterns', () => {
  it('terms, phrases, optional and excluded terms are case-sensitive substrings', () => {
    expect(m('ERROR disk', 'ERROR: disk full')).toBe(true);
    expect(m('ERROR disk', 'error: disk full')).toBe(false);
    expect(m('"disk full"', 'ERROR: disk full')).toBe(true);
    expect(m('"full disk"', 'ERROR: disk full')).toBe(false);
    expect(m('?WARN ?ERROR', 'WARN x')).toBe(true);
    expect(m('?WARN ?ERROR', 'INFO x')).toBe(false);
    expect(m('ERROR -disk', 'ERROR: disk full')).toBe(false);
    expect(compilePattern('ERROR "disk full"').required).toEqual(['ERROR', 'disk full']);
  });

  it('JSON patterns: comparisons, wildcards, nesting, arrays, IS and EXISTS', () => {
    const doc = JSON.stringify({ level: 'error', ms: 250, user: { id: 7, tags: ['a', 'b'] }, ok: false, gone: null });
    expect(m('{ $.level = "error" }', doc)).toBe(true);
    expect(m('{ $.level = err* }', doc)).toBe(true);
    expect(m('{ $.level != "error" }', doc)).toBe(false);
    expect(m('{ ($.ms >= 250) && ($.user.id = 7) }', doc)).toBe(true);
    expect(m('{ $.ms < 100 || $.user.tags[1] = "b" }', doc)).toBe(true);
    expect(m('{ $.ok IS FALSE && $.gone IS NULL && $.missing NOT EXISTS }', doc)).toBe(true);
    expect(m('{ $.level = "error" }', 'not json')).toBe(false);
    expect(() => compilePattern('{ $.a = }')).toThrow();
  });

  it('space-delimited patterns with ellipsis and conditions', () => {
    const line = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326';
    expect(m('[ip, id, user, ts, request, status = 200, size]', line)).toBe(true);
    expect(m('[ip, ..., status = 4*, size]', line)).toBe(false);
    expect(m('[..., size > 1000]', line)).toBe(true);
  });
});
