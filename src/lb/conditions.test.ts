import { describe, expect, it } from 'vitest';
import { ruleMatches, type RequestFacts } from './conditions.js';
import { redirectLocation } from './responses.js';
import { matches } from './health.js';

const req = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET', path: '/api/v1/items', query: 'a=1&b=two', host: 'shop.example.com', headers: { 'user-agent': 'Mobile Safari' },
  sourceIp: '127.9.2.3', ...over,
});

describe('rule conditions', () => {
  it('match paths case-sensitively with wildcards, hosts case-insensitively', () => {
    expect(ruleMatches([{ Field: 'path-pattern', Values: ['/api/*'] }], req())).toBe(true);
    expect(ruleMatches([{ Field: 'path-pattern', Values: ['/API/*'] }], req())).toBe(false);
    expect(ruleMatches([{ Field: 'path-pattern', Values: ['/api/v?/items'] }], req())).toBe(true);
    expect(ruleMatches([{ Field: 'host-header', HostHeaderConfig: { Values: ['*.EXAMPLE.com'] } }], req())).toBe(true);
  });

  it('OR within a condition, AND across conditions', () => {
    const both = [{ Field: 'path-pattern', Values: ['/x', '/api/*'] }, { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST'] } }];
    expect(ruleMatches(both, req())).toBe(false);
    expect(ruleMatches(both, req({ method: 'POST' }))).toBe(true);
  });

  it('match headers, query strings and source addresses', () => {
    expect(ruleMatches([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'User-Agent', Values: ['*mobile*'] } }], req())).toBe(true);
    expect(ruleMatches([{ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'b', Value: 'T*' }] } }], req())).toBe(true);
    expect(ruleMatches([{ Field: 'query-string', QueryStringConfig: { Values: [{ Value: '1' }] } }], req())).toBe(true);
    expect(ruleMatches([{ Field: 'source-ip', SourceIpConfig: { Values: ['127.9.0.0/16'] } }], req())).toBe(true);
    expect(ruleMatches([{ Field: 'source-ip', SourceIpConfig: { Values: ['127.8.0.0/16'] } }], req({ sourceIp: '::ffff:127.9.2.3' }))).toBe(false);
  });
});

describe('redirects and matchers', () => {
  it('fill the placeholders and drop default ports', () => {
    const facts = { host: 'a.example.com', port: 80, path: '/p/q', query: 'x=1' };
    expect(redirectLocation({ StatusCode: 'HTTP_301', Protocol: 'HTTPS', Port: '443' }, facts)).toBe('https://a.example.com/p/q?x=1');
    expect(redirectLocation({ StatusCode: 'HTTP_302', Host: 'b.example.com', Path: '/new/#{path}', Query: '' }, facts)).toBe('http://b.example.com/new/p/q');
  });

  it('health check matchers take codes, ranges and lists', () => {
    expect(matches('200', 200)).toBe(true);
    expect(matches('200-299', 204)).toBe(true);
    expect(matches('200,302', 302)).toBe(true);
    expect(matches('200,302', 301)).toBe(false);
  });
});
