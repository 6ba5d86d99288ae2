// CloudWatch over Smithy RPC v2 CBOR (what current botocore sends): a signed request by hand, CBOR in and out,
// timestamps as tag 1, and query-compatible errors.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { decode, encode, Token, Type } from 'cborg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startObsWharf, type ObsWharf } from './cloudwatchHarness.js';
import { TEST_CREDENTIALS } from './harness.js';

let w: ObsWharf;
beforeAll(async () => {
  w = await startObsWharf();
});
afterAll(() => w?.stop());

async function cbor(op: string, input: unknown) {
  const u = new URL(w.url);
  const body = Buffer.from(encode(input, { typeEncoders: { Date: (d: Date) => [new Token(Type.tag, 1), new Token(Type.float, d.getTime() / 1000)] } }));
  const signer = new SignatureV4({ service: 'monitoring', region: 'us-east-1', credentials: TEST_CREDENTIALS, sha256: Sha256 });
  const req = await signer.sign(new HttpRequest({
    method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: `/service/GraniteServiceVersion20100801/operation/${op}`,
    headers: { host: u.host, 'content-type': 'application/cbor', accept: 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' }, body,
  }));
  const res = await fetch(`${w.url}${req.path}`, { method: 'POST', headers: req.headers as Record<string, string>, body });
  return { status: res.status, headers: res.headers, body: decode(Buffer.from(await res.arrayBuffer()), { tags: Object.assign([], { 1: (f: () => unknown) => new Date(Number(f()) * 1000) }) }) as any };
}

it('serves PutMetricData and GetMetricStatistics in CBOR, and errors with x-amzn-query-error', async () => {
  const now = new Date();
  expect((await cbor('PutMetricData', { Namespace: 'Cbor', MetricData: [{ MetricName: 'X', Value: 3, Timestamp: now }] })).status).toBe(200);
  const out = await cbor('GetMetricStatistics', { Namespace: 'Cbor', MetricName: 'X', StartTime: new Date(now.getTime() - 120_000), EndTime: new Date(now.getTime() + 60_000), Period: 60, Statistics: ['Sum'] });
  expect(out.headers.get('smithy-protocol')).toBe('rpc-v2-cbor');
  expect(out.body.Datapoints[0].Sum).toBe(3);
  expect(out.body.Datapoints[0].Timestamp).toBeInstanceOf(Date);
  const err = await cbor('DeleteAlarms', { AlarmNames: ['none'] });
  expect(err.status).toBe(404);
  expect(err.headers.get('x-amzn-query-error')).toBe('ResourceNotFound;Sender');
  expect(err.body.__type).toBe('com.amazonaws.cloudwatch#ResourceNotFound');
});
