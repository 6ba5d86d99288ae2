// The gateway's promises: every request authenticated with SigV4, bad input answered with AWS-shaped errors and no
// state change, operations routed by signing service and X-Amz-Target or Action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type Wharf } from './harness.js';
import { ecsCall, signedFetch } from './signing.js';

let wharf: Wharf;
beforeAll(async () => {
  wharf = await startWharf();
});
afterAll(async () => {
  await wharf?.stop();
});

const listClusters = async () => (await ecsCall(wharf.url, 'ListClusters', {})).json().clusterArns as string[];

describe('authentication', () => {
  it('accepts a correctly signed request', async () => {
    const r = await ecsCall(wharf.url, 'ListClusters', {});
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.json().clusterArns).toContain('arn:aws:ecs:us-east-1:000000000000:cluster/default');
  });

  it('refuses a request with no signature', async () => {
    const r = await ecsCall(wharf.url, 'ListClusters', {}, { unsigned: true });
    expect(r.status).toBe(403);
    expect(r.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  it('refuses an unknown access key', async () => {
    const r = await ecsCall(wharf.url, 'ListClusters', {}, { accessKeyId: 'AKIAUNKNOWNKEY000000' });
    expect(r.status).toBe(403);
    expect(r.json()).toEqual({
      __type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('refuses a wrong secret', async () => {
    const r = await ecsCall(wharf.url, 'ListClusters', {}, { secretAccessKey: 'not-the-secret' });
    expect(r.status).toBe(403);
    expect(r.json().__type).toBe('InvalidSignatureException');
    expect(r.json().message).toContain('The request signature we calculated does not match the signature you provided');
  });

  it('refuses a clock skew over 15 minutes, both ways', async () => {
    for (const minutes of [-16, 16]) {
      const r = await ecsCall(wharf.url, 'ListClusters', {}, { signingDate: new Date(Date.now() + minutes * 60_000) });
      expect(r.status).toBe(403);
      expect(r.json().__type).toBe('InvalidSignatureException');
      expect(r.json().message).toMatch(/Signature (expired|not yet current)/);
    }
    const ok = await ecsCall(wharf.url, 'ListClusters', {}, { signingDate: new Date(Date.now() - 10 * 60_000) });
    expect(ok.status).toBe(200);
  });

  it('refuses the aws CLI with wrong credentials', async () => {
    const r = await wharf.awsRaw(['ecs', 'list-clusters'], { AWS_SECRET_ACCESS_KEY: 'wrong' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('InvalidSignatureException');
  });
});

describe('bad input', () => {
  it('answers malformed JSON with SerializationException', async () => {
    const r = await ecsCall(wharf.url, 'CreateCluster', '{"clusterName": ');
    expect(r.status).toBe(400);
    expect(r.json().__type).toBe('SerializationException');
  });

  it('answers wrong member types with SerializationException and creates nothing', async () => {
    const r = await ecsCall(wharf.url, 'CreateCluster', { clusterName: 42 });
    expect(r.status).toBe(400);
    expect(r.json().__type).toBe('SerializationException');
    const l = await ecsCall(wharf.url, 'ListClusters', { maxResults: 'ten' });
    expect(l.json().__type).toBe('SerializationException');
  });

  it('answers unknown enum values and missing required members with InvalidParameterException', async () => {
    const e = await ecsCall(wharf.url, 'DescribeClusters', { include: ['EVERYTHING'] });
    expect(e.status).toBe(400);
    expect(e.json().__type).toBe('InvalidParameterException');
    expect(e.json().message).toContain('include');
    const m = await ecsCall(wharf.url, 'UpdateClusterSettings', { cluster: 'default' });
    expect(m.json().__type).toBe('InvalidParameterException');
    expect(m.json().message).toContain('settings');
  });

  it('answers unknown operations with UnknownOperationException', async () => {
    const r = await ecsCall(wharf.url, 'LaunchRockets', {});
    expect(r.status).toBe(400);
    expect(r.json().__type).toBe('UnknownOperationException');
  });

  it('refuses oversized bodies with 413 and survives', async () => {
    const before = await listClusters();
    const huge = JSON.stringify({ clusterName: 'huge', tags: [{ key: 'k', value: 'x'.repeat(2 * 1024 * 1024) }] });
    const r = await ecsCall(wharf.url, 'CreateCluster', huge);
    expect(r.status).toBe(413);
    expect(r.json().__type).toBe('RequestEntityTooLargeException');
    expect(await listClusters()).toEqual(before);
  });

  it('answers a deeply nested body without crashing', async () => {
    const deep = '{"settings":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}';
    const r = await ecsCall(wharf.url, 'UpdateClusterSettings', deep);
    expect(r.status).toBe(400);
    const ok = await ecsCall(wharf.url, 'ListClusters', {});
    expect(ok.status).toBe(200);
  });

  it('answers a query-protocol request for an API Wharf does not serve in XML', async () => {
    const r = await signedFetch(wharf.url, 'Action=ListQueues&Version=2012-11-05', {
      service: 'sqs',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    expect(r.status).toBe(400);
    expect(r.text).toContain('<ErrorResponse');
    expect(r.text).toContain('<Code>UnknownOperationException</Code>');
  });

  it('keeps serving health checks without auth', async () => {
    const r = await fetch(`${wharf.url}/_wharf/health`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok' });
  });
});
