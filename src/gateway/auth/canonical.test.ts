// The canonicalization building blocks on their own, where an off-by-one-byte difference is easiest to see.

import { describe, expect, it } from 'vitest';
import { canonicalHeaderValue, canonicalQuery, canonicalUri, indexHeaders, parseQuery, splitUrl } from './canonical.js';
import { formatAmzDate, parseAmzDate, parseRequestDate } from './dates.js';
import { normalizeQueryPart } from './encoding.js';

describe('canonicalUri', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['/a%20b', '/a%2520b'],
    ['/a%2Fb/c', '/a%252Fb/c'],
    ["/!$&'()*+,;=:@", '/%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40'],
    ['/a/./b/../c//d/', '/a/c/d/'],
    ['/..', '/'],
    ['/ü✓', '/%C3%BC%E2%9C%93'],
  ])('%j becomes %j', (raw, canonical) => expect(canonicalUri(raw)).toBe(canonical));
});

describe('query strings', () => {
  it.each([
    ['a%7eb', 'a~b'],
    ['%2f%2F', '%2F%2F'],
    ['a+b', 'a%20b'],
    ['100%', '100%25'],
    ['%zz%4', '%25zz%254'],
    ['✓', '%E2%9C%93'],
    ["!*'()", '%21%2A%27%28%29'],
  ])('normalizes %j to %j', (raw, canonical) => expect(normalizeQueryPart(raw)).toBe(canonical));

  it('keeps flags, empty values, repeats and equals signs inside values', () => {
    expect(parseQuery('a&b=&=c&&d=1=2&a')).toEqual([['a', ''], ['b', ''], ['', 'c'], ['d', '1%3D2'], ['a', '']]);
  });

  it('sorts by name, then value, not by the joined pair', () => {
    // As joined strings "a-b=2" < "a=1"; by name "a" < "a-b".
    expect(canonicalQuery([['a-b', '2'], ['a', '1'], ['B', 'x'], ['a', '0']])).toBe('B=x&a=0&a=1&a-b=2');
  });

  it('leaves out the presigned signature', () => {
    expect(canonicalQuery(parseQuery('X-Amz-Signature=abc&z=1'), 'X-Amz-Signature')).toBe('z=1');
  });

  it('splits origin-form and absolute-form request targets', () => {
    expect(splitUrl('/p/q?x=1&y')).toEqual({ path: '/p/q', query: 'x=1&y' });
    expect(splitUrl('http://h:8080/p?q=1')).toEqual({ path: '/p', query: 'q=1' });
    expect(splitUrl('http://h?q')).toEqual({ path: '', query: 'q' });
  });
});

describe('headers', () => {
  it('trims and squeezes spaces and tabs only', () => {
    expect(canonicalHeaderValue('  a   b\tc  ')).toBe('a b c');
    expect(canonicalHeaderValue('voil\u00c3\u00a0')).toBe('voil\u00c3\u00a0'); // UTF-8 "voilà" as Node hands it over
  });

  it('lowercases names, joins repeats in order and remembers the first steering values', () => {
    const index = indexHeaders(['Host', 'h', 'X-A', ' 1 ', 'x-a', '2', 'Date', 'Wed, 01 May 2024 12:00:00 GMT', 'date', 'x']);
    expect(Object.fromEntries(index.canonical)).toEqual({ host: 'h', 'x-a': '1,2', date: 'Wed, 01 May 2024 12:00:00 GMT,x' });
    expect(index.date).toBe('Wed, 01 May 2024 12:00:00 GMT');
  });
});

describe('dates', () => {
  it('parses the ISO-8601 basic form strictly', () => {
    expect(parseAmzDate('20150830T123600Z')).toBe(Date.UTC(2015, 7, 30, 12, 36, 0));
    for (const bad of ['20150231T000000Z', '20150830T240000Z', '2015-08-30T12:36:00Z', '20150830T123600', '2015083OT123600Z']) {
      expect(parseAmzDate(bad), bad).toBeNaN();
    }
  });

  it('accepts an HTTP date in a Date header and signs its ISO-8601 form', () => {
    expect(parseRequestDate('Sun, 30 Aug 2015 12:36:00 GMT', true)).toEqual({ ms: Date.UTC(2015, 7, 30, 12, 36), amzDate: '20150830T123600Z' });
    expect(parseRequestDate('Sun, 30 Aug 2015 12:36:00 GMT')).toBeUndefined(); // not in X-Amz-Date
    expect(parseRequestDate('yesterday', true)).toBeUndefined();
  });

  it('formats whole seconds', () => {
    expect(formatAmzDate(Date.UTC(2013, 4, 24, 0, 15, 0, 999))).toBe('20130524T001500Z');
  });
});
