// The signing rules for headers that steer a request: every such header a request carries must be covered by its
// signature, in either SigV4 form, or the request is refused before its body is read.

import { describe, expect, it } from 'vitest';
import { checkSignedHead, verifySigV4 } from './sigv4.js';
import { NOW, ecsJson, elbQuery, expectAwsError, presign, secrets, sign, withHeader } from './testkit.js';

const INVALID = 'InvalidSignatureException';
const mustBeSigned = (name: string) => `'${name}' must be a 'SignedHeader' in the AWS Authorization.`;

describe('headers that must be signed', () => {
  it('refuses an X-Amz-Target left out of SignedHeaders', async () => {
    const req = await sign({ ...ecsJson('DescribeClusters'), unsignableHeaders: new Set(['x-amz-target']) });
    expectAwsError(() => checkSignedHead(req, secrets, NOW), INVALID, mustBeSigned('X-Amz-Target'));
  });

  it('refuses an X-Amz-Target added to a request signed without one', async () => {
    const { 'x-amz-target': _target, ...headers } = ecsJson().headers!;
    const req = withHeader(await sign({ ...ecsJson(), headers }), 'X-Amz-Target', 'AmazonEC2ContainerServiceV20141113.DeleteCluster');
    expectAwsError(() => verifySigV4(req, secrets, NOW), INVALID, mustBeSigned('X-Amz-Target'));
  });

  it('refuses an unsigned Content-Type, Content-Encoding, Smithy-Protocol or any other x-amz-* header', async () => {
    for (const [header, shown] of [
      ['content-type', 'Content-Type'],
      ['content-encoding', 'Content-Encoding'],
      ['smithy-protocol', 'Smithy-Protocol'],
      ['x-amz-user-agent', 'X-Amz-User-Agent'],
      ['x-amz-meta-anything', 'X-Amz-Meta-Anything'],
    ] as const) {
      const o = elbQuery();
      const req = await sign({ ...o, headers: { ...o.headers, [header]: 'gzip' }, unsignableHeaders: new Set([header]) });
      expectAwsError(() => checkSignedHead(req, secrets, NOW), INVALID, mustBeSigned(shown));
    }
  });

  it('lets headers that steer nothing, and x-amz-* headers covered another way, go unsigned', async () => {
    const req = await sign(ecsJson());
    const extra = { ...req, rawHeaders: [...req.rawHeaders, 'User-Agent', 'curl/8', 'X-Amzn-Trace-Id', 'Root=1-a', 'Accept', '*/*', 'X-Amz-Security-Token', 't'] };
    expect(verifySigV4(extra, secrets, NOW).service).toBe('ecs');
  });
});

describe('presigned requests', () => {
  it('carry X-Amz-Target in the signed query string, and pass without the header', async () => {
    const req = await presign(ecsJson('ListServices', '{"cluster":"default"}'));
    expect(req.url).toMatch(/[?&]x-amz-target=AmazonEC2ContainerServiceV20141113.ListServices/i);
    expect(req.rawHeaders.map((h) => h.toLowerCase())).not.toContain('x-amz-target');
    expect(verifySigV4(req, secrets, NOW).service).toBe('ecs');
  });

  it('refuse an X-Amz-Target header added to a presigned URL', async () => {
    const req = withHeader(await presign(ecsJson('ListServices', '{}')), 'X-Amz-Target', 'AmazonEC2ContainerServiceV20141113.DeleteCluster');
    expectAwsError(() => checkSignedHead(req, secrets, NOW), INVALID, mustBeSigned('X-Amz-Target'));
  });
});

describe('checks before the body', () => {
  it('proves a signature over a declared payload hash without the body', async () => {
    const req = await sign(ecsJson('ListClusters', '{}'));
    const pending = checkSignedHead(req, secrets, NOW);
    expect(pending.declaredHash).toMatch(/^[0-9a-f]{64}$/);
    expect(pending.verify(pending.declaredHash!).service).toBe('ecs');
  });

  it('leaves the proof to the body hash when none is declared', async () => {
    const req = await sign({ ...ecsJson('ListClusters', '{}'), applyChecksum: false });
    const pending = checkSignedHead(req, secrets, NOW);
    expect(pending.declaredHash).toBeUndefined();
    expectAwsError(() => pending.verify('0'.repeat(64)), INVALID, /does not match/);
  });

  it('refuses an unknown key before anything else is needed', async () => {
    const req = await sign({ ...ecsJson(), accessKeyId: 'AKIDUNKNOWN' });
    expectAwsError(() => checkSignedHead(req, secrets, NOW), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });
});
