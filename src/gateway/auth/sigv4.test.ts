// Requests signed by the AWS SDK's own signer must verify: both protocols Wharf speaks, awkward paths and query
// strings, session tokens, presigned URLs; and peekScope must find the scope without verifying anything.

import { describe, expect, it } from 'vitest';
import { cachedSigningKeys } from './signing-key.js';
import { SIGNATURE_MISMATCH } from './messages.js';
import { checkSignedHead, peekScope, verifySigV4 } from './sigv4.js';
import { AKID, NOW, ecsJson, elbQuery, expectAwsError, presign, secrets, sign, withHeader, withoutHeader } from './testkit.js';

describe('verifySigV4, Authorization header', () => {
  it('accepts an ECS JSON-protocol call', async () => {
    const req = await sign(ecsJson('DescribeClusters', '{"clusters":["default"]}'));
    expect(verifySigV4(req, secrets, NOW)).toEqual({ accessKeyId: AKID, region: 'us-east-1', service: 'ecs', signedAt: NOW });
  });

  it('hashes the body itself when no X-Amz-Content-Sha256 header is sent', async () => {
    const req = await sign({ ...ecsJson(), applyChecksum: false });
    expect(req.rawHeaders.map((h) => h.toLowerCase())).not.toContain('x-amz-content-sha256');
    expect(verifySigV4(req, secrets, NOW).service).toBe('ecs');
  });

  it('accepts a query-protocol (form body) call to elasticloadbalancing', async () => {
    const req = await sign({ ...elbQuery(), region: 'eu-west-3' });
    expect(verifySigV4(req, secrets, NOW)).toMatchObject({ service: 'elasticloadbalancing', region: 'eu-west-3' });
  });

  it('refuses an X-Amz-Content-Sha256 of UNSIGNED-PAYLOAD: outside S3 the signature covers the body', async () => {
    const req = await sign({ ...ecsJson(), headers: { ...ecsJson().headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expectAwsError(() => verifySigV4({ ...req, body: Buffer.from('anything') }, secrets, NOW), 'InvalidSignatureException', SIGNATURE_MISMATCH);
    expectAwsError(() => checkSignedHead(req, secrets, NOW), 'InvalidSignatureException', SIGNATURE_MISMATCH);
  });

  it('accepts temporary credentials (X-Amz-Security-Token) without checking the token', async () => {
    const req = await sign({ ...ecsJson(), sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDH+token==' });
    expect(req.rawHeaders).toContain('x-amz-security-token');
    expect(verifySigV4(req, secrets, NOW).accessKeyId).toBe(AKID);
  });

  it('accepts a signature up to 15 minutes old or ahead', async () => {
    const req = await sign(ecsJson());
    expect(() => verifySigV4(req, secrets, new Date(NOW.getTime() + 15 * 60_000))).not.toThrow();
    expect(() => verifySigV4(req, secrets, new Date(NOW.getTime() - 15 * 60_000))).not.toThrow();
  });

  it('takes the time from a Date header when there is no X-Amz-Date', async () => {
    // Signed over the ISO-8601 form of the time, X-Amz-Date left out of SignedHeaders, then swapped for Date.
    const signed = await sign({ ...ecsJson(), unsignableHeaders: new Set(['x-amz-date']) });
    const req = withHeader(withoutHeader(signed, 'x-amz-date'), 'Date', 'Wed, 01 May 2024 12:00:00 GMT');
    expect(verifySigV4(req, secrets, NOW).signedAt).toEqual(NOW);
  });

  it('reads header names case-insensitively and joins repeated unsigned headers harmlessly', async () => {
    const req = await sign(ecsJson());
    const shouted = { ...req, rawHeaders: req.rawHeaders.map((h, i) => (i % 2 === 0 ? h.toUpperCase() : h)) };
    shouted.rawHeaders.push('User-Agent', 'a', 'user-agent', 'b');
    expect(verifySigV4(shouted, secrets, NOW).service).toBe('ecs');
  });

  it('accepts Authorization parameters separated by commas only or spaces only', async () => {
    const req = await sign(ecsJson());
    const auth = req.rawHeaders[req.rawHeaders.indexOf('authorization') + 1]!;
    const [algorithm, ...rest] = auth.split(' ');
    for (const variant of [`${algorithm} ${rest.join('')}`, `${algorithm} ${rest.join(' ').replace(/,/g, '')}`]) {
      expect(verifySigV4(withHeader(req, 'authorization', variant), secrets, NOW).service).toBe('ecs');
    }
  });

  it.each([
    ['spaces and unicode', '/clusters/my%20cluster/%E2%9C%93%F0%9F%90%B3'],
    ['an encoded slash', '/a%2Fb/c'],
    ['reserved characters', "/v1/!$&'()*+,;=:@/x"],
    ['a trailing slash', '/v1/things/'],
    ['dot segments and double slashes', '/a/./b/../c//d'],
    ['a literal percent escape', '/100%25/done'],
  ])('accepts a path with %s', async (_, path) => {
    const req = await sign({ method: 'GET', path });
    expect(req.url).toBe(path);
    expect(verifySigV4(req, secrets, NOW).region).toBe('us-east-1');
  });

  it.each([
    ['repeated keys', { tag: ['b', 'a', 'c'], a: '1' }],
    ['spaces and unicode', { 'my key': 'a value', 'ключ': 'значение ✓' }],
    ['slashes, plus signs and reserved characters', { path: '/a/b%2Fc', expr: "x+y=z&!*'()" }],
    ['empty values', { empty: '', other: 'x' }],
    ['names differing only in case', { Param: 'B', param: 'a', PARAM: 'c' }],
  ])('accepts a query string with %s', async (_, query) => {
    const req = await sign({ method: 'GET', path: '/v1/things', query });
    expect(verifySigV4(req, secrets, NOW).service).toBe('ecs');
  });

  it('keeps verifying with many distinct secrets while holding a bounded number of signing keys', async () => {
    for (let i = 0; i < 600; i++) {
      const secret = `secret-${i}`;
      const req = await sign({ ...ecsJson(), accessKeyId: `AKID${i}`, secret });
      expect(verifySigV4(req, (id) => (id === `AKID${i}` ? secret : undefined), NOW).accessKeyId).toBe(`AKID${i}`);
    }
    expect(cachedSigningKeys()).toBeLessThanOrEqual(512);
  });
});

describe('verifySigV4, presigned URL', () => {
  it('accepts a presigned GET with a query string', async () => {
    const req = await presign({ method: 'GET', path: '/v1/things', query: { name: 'a b', tag: ['2', '1'] }, expiresIn: 3600 });
    expect(req.url).toContain('X-Amz-Signature=');
    expect(verifySigV4(req, secrets, new Date(NOW.getTime() + 3_599_000))).toMatchObject({ accessKeyId: AKID, signedAt: NOW });
  });

  it('accepts a presigned URL carrying a session token', async () => {
    const req = await presign({ method: 'GET', path: '/', sessionToken: 'IQoJb3JpZ2luX2Vj/token+=' });
    expect(req.url).toContain('X-Amz-Security-Token=');
    expect(verifySigV4(req, secrets, NOW).service).toBe('ecs');
  });

  it('accepts a presigned POST signed over its body hash', async () => {
    const req = await presign({ ...ecsJson('ListServices', '{"cluster":"default"}') });
    expect(verifySigV4(req, secrets, NOW).service).toBe('ecs');
  });

  it('refuses a presigned URL signed over UNSIGNED-PAYLOAD without saying so (S3 only)', async () => {
    // How S3-style presigners sign: the payload is UNSIGNED-PAYLOAD but nothing in the URL declares it.
    const o = { ...ecsJson(), unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) };
    const signed = await presign({ ...o, headers: { ...o.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    const rawHeaders = signed.rawHeaders.slice();
    rawHeaders.splice(rawHeaders.indexOf('x-amz-content-sha256'), 2);
    expectAwsError(() => verifySigV4({ ...signed, rawHeaders, body: Buffer.from('{"any":"body"}') }, secrets, NOW),
      'InvalidSignatureException', SIGNATURE_MISMATCH);
  });

  it('refuses a presigned URL declaring X-Amz-Content-Sha256=UNSIGNED-PAYLOAD in its query', async () => {
    const o = ecsJson();
    const req = await presign({ ...o, headers: { ...o.headers, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } });
    expect(req.url).toContain('X-Amz-Content-Sha256=UNSIGNED-PAYLOAD');
    expectAwsError(() => verifySigV4({ ...req, body: Buffer.from('other') }, secrets, NOW), 'InvalidSignatureException', SIGNATURE_MISMATCH);
  });

  it('accepts the full seven days', async () => {
    const req = await presign({ expiresIn: 604800 });
    expect(() => verifySigV4(req, secrets, new Date(NOW.getTime() + 604_800_000))).not.toThrow();
  });
});

describe('peekScope', () => {
  it('reads service and region from the Authorization header', async () => {
    expect(peekScope(await sign({ ...elbQuery(), region: 'ap-south-1' }))).toEqual({ service: 'elasticloadbalancing', region: 'ap-south-1' });
  });

  it('reads service and region from X-Amz-Credential', async () => {
    expect(peekScope(await presign({ service: 'ecs', region: 'us-west-2' }))).toEqual({ service: 'ecs', region: 'us-west-2' });
  });

  it('finds nothing on an unsigned or malformed request', () => {
    const bare = { method: 'GET', url: '/?a=b', rawHeaders: ['Host', 'x'], body: Buffer.alloc(0) };
    expect(peekScope(bare)).toBeUndefined();
    expect(peekScope({ ...bare, rawHeaders: ['Authorization', 'Bearer abc'] })).toBeUndefined();
    expect(peekScope({ ...bare, rawHeaders: ['Authorization', 'AWS4-HMAC-SHA256 Credential=AKID/20240501/ecs'] })).toBeUndefined();
  });
});
