// Every way a SigV4 request can fail must be refused with the code and the words AWS uses, so SDKs and scripts
// written against AWS react the same way to Wharf.

import { describe, it } from 'vitest';
import * as msg from './messages.js';
import { verifySigV4, type IncomingSignedRequest } from './sigv4.js';
import { NOW, ecsJson, expectAwsError, presign, secrets, sign, withHeader, withoutHeader } from './testkit.js';

const MISSING = 'MissingAuthenticationTokenException';
const UNRECOGNIZED = 'UnrecognizedClientException';
const INVALID = 'InvalidSignatureException';
const INCOMPLETE = 'IncompleteSignatureException';

const at = (ms: number) => new Date(NOW.getTime() + ms);
const verify = (req: IncomingSignedRequest, now = NOW) => () => verifySigV4(req, secrets, now);
const authOf = (req: IncomingSignedRequest) => req.rawHeaders[req.rawHeaders.indexOf('authorization') + 1]!;
const withAuth = (req: IncomingSignedRequest, edit: (auth: string) => string) => withHeader(req, 'authorization', edit(authOf(req)));

describe('no or unknown credentials', () => {
  it('refuses a request without any signature', () => {
    const bare = { method: 'POST', url: '/', rawHeaders: ['Host', 'ecs.us-east-1.amazonaws.com'], body: Buffer.from('{}') };
    expectAwsError(verify(bare), MISSING, 'Missing Authentication Token');
  });

  it('refuses an unknown access key', async () => {
    expectAwsError(verify(await sign({ ...ecsJson(), accessKeyId: 'AKIANOBODY' })), UNRECOGNIZED,
      'The security token included in the request is invalid.');
  });

  it('checks the clock before the access key, as AWS does', async () => {
    expectAwsError(verify(await sign({ ...ecsJson(), accessKeyId: 'AKIANOBODY' }), at(3_600_000)), INVALID, /^Signature expired: /);
  });
});

describe('signature mismatch', () => {
  it('refuses a signature made with the wrong secret', async () => {
    expectAwsError(verify(await sign({ ...ecsJson(), secret: 'not-the-secret' })), INVALID, msg.SIGNATURE_MISMATCH);
    expectAwsError(verify(await sign({ ...ecsJson(), secret: 'not-the-secret' })), INVALID,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
      'and signing method. Consult the service documentation for details.');
  });

  it('refuses a tampered body, with or without X-Amz-Content-Sha256', async () => {
    for (const applyChecksum of [true, false]) {
      const req = await sign({ ...ecsJson('DeleteCluster', '{"cluster":"a"}'), applyChecksum });
      expectAwsError(verify({ ...req, body: Buffer.from('{"cluster":"b"}') }), INVALID, msg.SIGNATURE_MISMATCH);
    }
  });

  it('refuses a tampered signed header', async () => {
    const req = await sign(ecsJson('ListClusters'));
    expectAwsError(verify(withHeader(req, 'x-amz-target', 'AmazonEC2ContainerServiceV20141113.DeleteCluster')), INVALID, msg.SIGNATURE_MISMATCH);
    expectAwsError(verify(withHeader(req, 'x-amz-date', '20240501T120500Z')), INVALID, msg.SIGNATURE_MISMATCH);
    expectAwsError(verify(withHeader(req, 'host', 'evil.example.com')), INVALID, msg.SIGNATURE_MISMATCH);
  });

  it('refuses a tampered path, query or method', async () => {
    const req = await sign({ method: 'GET', path: '/v1/a', query: { x: '1' } });
    expectAwsError(verify({ ...req, url: req.url.replace('/v1/a', '/v1/b') }), INVALID, msg.SIGNATURE_MISMATCH);
    expectAwsError(verify({ ...req, url: req.url.replace('x=1', 'x=2') }), INVALID, msg.SIGNATURE_MISMATCH);
    expectAwsError(verify({ ...req, url: `${req.url}&y=1` }), INVALID, msg.SIGNATURE_MISMATCH);
    expectAwsError(verify({ ...req, method: 'DELETE' }), INVALID, msg.SIGNATURE_MISMATCH);
  });

  it('refuses a signature that is not 64 lowercase hex digits', async () => {
    const req = await sign(ecsJson());
    expectAwsError(verify(withAuth(req, (a) => a.replace(/Signature=(\w+)/, (_, s: string) => `Signature=${s.toUpperCase()}`))), INVALID, msg.SIGNATURE_MISMATCH);
    expectAwsError(verify(withAuth(req, (a) => a.slice(0, -2))), INVALID, msg.SIGNATURE_MISMATCH);
  });

  it('refuses a request that does not sign its host', async () => {
    const req = await sign({ ...ecsJson(), unsignableHeaders: new Set(['host']) });
    expectAwsError(verify(req), INVALID, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  });

  it('refuses a request carrying both an Authorization header and a presigned query', async () => {
    const req = await presign({ method: 'GET' });
    const signed = await sign({ method: 'GET' });
    expectAwsError(verify(withHeader(req, 'authorization', authOf(signed))), INVALID, msg.SIGNATURE_MISMATCH);
  });
});

describe('clock skew (Authorization header)', () => {
  it('refuses a signature more than 15 minutes old', async () => {
    expectAwsError(verify(await sign(ecsJson()), at(15 * 60_000 + 1000)), INVALID,
      'Signature expired: 20240501T120000Z is now earlier than 20240501T120001Z (20240501T121501Z - 15 min.)');
  });

  it('refuses a signature more than 15 minutes ahead', async () => {
    expectAwsError(verify(await sign(ecsJson()), at(-15 * 60_000 - 1000)), INVALID,
      'Signature not yet current: 20240501T120000Z is still later than 20240501T115959Z (20240501T114459Z + 15 min.)');
  });
});

describe('presigned URLs', () => {
  it('refuses an expired URL', async () => {
    expectAwsError(verify(await presign({ expiresIn: 900 }), at(901_000)), INVALID,
      'Signature expired: 20240501T120000Z is now earlier than 20240501T120001Z (20240501T121501Z - 900 sec.)');
  });

  it('refuses a URL dated more than 15 minutes ahead', async () => {
    expectAwsError(verify(await presign({ expiresIn: 3600 }), at(-16 * 60_000)), INVALID,
      'Signature not yet current: 20240501T120000Z is still later than 20240501T115900Z (20240501T114400Z + 15 min.)');
  });

  it('refuses an X-Amz-Expires over a week, negative or not a number', async () => {
    const req = await presign({ expiresIn: 900 });
    const expires = (v: string) => ({ ...req, url: req.url.replace('X-Amz-Expires=900', `X-Amz-Expires=${v}`) });
    expectAwsError(verify(expires('604801')), INCOMPLETE,
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds');
    expectAwsError(verify(expires('-1')), INCOMPLETE, 'X-Amz-Expires must be non-negative');
    expectAwsError(verify(expires('soon')), INCOMPLETE, 'X-Amz-Expires should be a number');
  });

  it('refuses a tampered query parameter, expiry or body', async () => {
    const req = await presign({ ...ecsJson('ListServices', '{"cluster":"a"}'), query: { q: '1' }, expiresIn: 900 });
    expectAwsError(verify({ ...req, url: req.url.replace('q=1', 'q=2') }), INVALID, msg.SIGNATURE_MISMATCH);
    expectAwsError(verify({ ...req, url: req.url.replace('X-Amz-Expires=900', 'X-Amz-Expires=9000') }), INVALID, msg.SIGNATURE_MISMATCH);
    expectAwsError(verify({ ...req, body: Buffer.from('{"cluster":"b"}') }), INVALID, msg.SIGNATURE_MISMATCH);
  });

  it('refuses a URL missing its signature parts', async () => {
    const req = await presign({ method: 'GET' });
    const without = (name: string) => ({ ...req, url: req.url.replace(new RegExp(`[?&]${name}=[^&]*`), '') });
    expectAwsError(verify(without('X-Amz-Signature')), INCOMPLETE,
      "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.");
    expectAwsError(verify(without('X-Amz-Credential')), INCOMPLETE,
      "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters.");
  });

  it('treats an unknown X-Amz-Algorithm as no signature at all', async () => {
    const req = await presign({ method: 'GET' });
    expectAwsError(verify({ ...req, url: req.url.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1') }), MISSING, 'Missing Authentication Token');
  });
});

describe('malformed Authorization header', () => {
  const dated = (auth: string, date = true): IncomingSignedRequest => ({
    method: 'POST',
    url: '/',
    rawHeaders: ['Host', 'ecs.us-east-1.amazonaws.com', ...(date ? ['X-Amz-Date', '20240501T120000Z'] : []), 'Authorization', auth],
    body: Buffer.alloc(0),
  });

  it('lists every missing part and echoes the header', () => {
    expectAwsError(verify(dated('Bearer abc.def')), INCOMPLETE,
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
      "Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc.def");
    expectAwsError(verify(dated('eyJhbGciOiJIUzI1NiJ9', false)), INCOMPLETE,
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
      "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
      "'X-Amz-Date' or a 'Date' header. Authorization=eyJhbGciOiJIUzI1NiJ9");
    expectAwsError(verify(dated('AWS4-HMAC-SHA256 Credential=ABCDEF')), INCOMPLETE,
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
      'Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF');
  });

  it('names a parameter without an equals sign', async () => {
    const req = withAuth(await sign(ecsJson()), (a) => a.replace('AKIDEXAMPLE/', 'AKIDEXAMPLE /'));
    expectAwsError(verify(req), INCOMPLETE,
      `'/20240501/us-east-1/ecs/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${authOf(req)}'.`);
  });

  it('refuses an unsupported algorithm', () => {
    expectAwsError(verify(dated('AWS4-ECDSA-P256-SHA256 Credential=A/20240501/ecs/aws4_request')), INCOMPLETE,
      "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'.");
  });

  it('refuses a credential without five parts', async () => {
    const req = withAuth(await sign(ecsJson()), (a) => a.replace('/us-east-1/ecs/', '/us-east-1/'));
    expectAwsError(verify(req), INCOMPLETE,
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20240501/us-east-1/aws4_request'");
  });

  it('refuses a credential scope with a wrong terminator or day', async () => {
    const req = await sign(ecsJson());
    expectAwsError(verify(withAuth(req, (a) => a.replace('aws4_request', 'aws5_request'))), INVALID,
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.");
    expectAwsError(verify(withAuth(req, (a) => a.replace('/20240501/', '/20240430/'))), INVALID,
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240430' != '20240501', from '20240501T120000Z'.");
  });

  it('refuses a date that is not ISO-8601 basic format', async () => {
    const req = withHeader(await sign(ecsJson()), 'x-amz-date', '2024-05-01T12:00:00Z');
    expectAwsError(verify(req), INCOMPLETE,
      "Date must be in ISO-8601 'basic format'. Got '2024-05-01T12:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601");
  });

  it('refuses a request whose only date header is gone', async () => {
    const req = withoutHeader(await sign(ecsJson()), 'x-amz-date');
    expectAwsError(verify(req), INCOMPLETE,
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authOf(req)}`);
  });
});
