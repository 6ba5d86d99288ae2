// Model-driven fuzzing of every operation Wharf serves: inputs invalid by the service's own model (wrong types,
// required members missing, strings past their maximum, absurd nesting) and random bytes, all properly signed. Every
// answer must be a 4xx, the server must keep answering, and nothing may change: the store's revision and what the
// list operations show are the same before and after. Fixed seed and bounded runs, so it is the same test each time.
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type ServiceModel } from '../../src/gateway/model/index.js';
import { startWharf, TEST_CREDENTIALS, type Wharf } from './harness.js';
import { invalidJsonBody, invalidQueryBody, type Mutation } from './invalidInputs.js';

const SEED = 20261130;
const RUNS_PER_OPERATION = 2;

interface Served {
  model: ServiceModel;
  signingName: string;
  protocol: 'json' | 'query';
  /** CloudWatch also takes JSON 1.0 and RPC v2 CBOR on the same signing name. */
  cbor?: boolean;
}

const SERVED: Record<string, Served> = {
  ecs: { model: loadModel('ecs'), signingName: 'ecs', protocol: 'json' },
  ecr: { model: loadModel('ecr'), signingName: 'ecr', protocol: 'json' },
  logs: { model: loadModel('logs'), signingName: 'logs', protocol: 'json' },
  autoscaling: { model: loadModel('autoscaling'), signingName: 'application-autoscaling', protocol: 'json' },
  elbv2: { model: loadModel('elbv2'), signingName: 'elasticloadbalancing', protocol: 'query' },
  cloudwatch: { model: loadModel('cloudwatch'), signingName: 'monitoring', protocol: 'query', cbor: true },
  servicediscovery: { model: loadModel('servicediscovery'), signingName: 'servicediscovery', protocol: 'json' },
  iam: { model: loadModel('iam'), signingName: 'iam', protocol: 'query' },
  sts: { model: loadModel('sts'), signingName: 'sts', protocol: 'query' },
};

const MUTATIONS: Mutation[] = ['wrongType', 'missingRequired', 'oversized', 'deepNesting'];

let wharf: Wharf;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const signers = new Map<string, SignatureV4>();

beforeAll(async () => {
  wharf = await startWharf();
});
afterAll(async () => {
  agent.destroy();
  await wharf?.stop();
});

interface Call {
  path?: string;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

async function call(service: Served, c: Call): Promise<{ status: number; text: string }> {
  const u = new URL(wharf.url);
  let signer = signers.get(service.signingName);
  if (!signer) {
    signer = new SignatureV4({ service: service.signingName, region: 'us-east-1', credentials: TEST_CREDENTIALS, sha256: Hash.bind(null, 'sha256') });
    signers.set(service.signingName, signer);
  }
  const body = typeof c.body === 'string' ? Buffer.from(c.body) : Buffer.from(c.body);
  const req = new HttpRequest({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: c.path ?? '/', headers: { host: u.host, ...c.headers }, body });
  const signed = await signer.sign(req);
  const { host: _host, ...headers } = signed.headers;
  return new Promise((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, method: 'POST', path: c.path ?? '/', headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

const json = (s: Served, op: string, body: Uint8Array | string): Call => ({
  headers: { 'content-type': `application/x-amz-json-${s.model.metadata.jsonVersion ?? '1.1'}`, 'x-amz-target': `${s.model.metadata.targetPrefix}.${op}` },
  body,
});
const query = (body: Uint8Array | string): Call => ({ headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
const cbor = (s: Served, op: string, body: Uint8Array): Call => ({
  path: `/service/${s.model.metadata.targetPrefix}/operation/${op}`,
  headers: { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', accept: 'application/cbor' },
  body,
});

/** What the list operations show, and the store's revision: equal before and after, or something changed. */
async function snapshot() {
  const health = (await (await fetch(`${wharf.url}/_wharf/health`)).json()) as { revision: number };
  const read = async (s: Served, op: string, body: string) => (await call(s, s.protocol === 'json' ? json(s, op, body) : query(body))).text;
  const form = (s: Served, action: string) => `Action=${action}&Version=${s.model.metadata.apiVersion}`;
  return {
    revision: health.revision,
    clusters: await read(SERVED.ecs!, 'ListClusters', '{}'),
    taskDefinitions: await read(SERVED.ecs!, 'ListTaskDefinitions', '{}'),
    services: await read(SERVED.ecs!, 'ListServices', '{"cluster":"default"}'),
    repositories: await read(SERVED.ecr!, 'DescribeRepositories', '{}'),
    logGroups: await read(SERVED.logs!, 'DescribeLogGroups', '{}'),
    scalableTargets: await read(SERVED.autoscaling!, 'DescribeScalableTargets', '{"ServiceNamespace":"ecs"}'),
    loadBalancers: (await read(SERVED.elbv2!, '', form(SERVED.elbv2!, 'DescribeLoadBalancers'))).replace(/<RequestId>[^<]*<\/RequestId>/, ''),
    targetGroups: (await read(SERVED.elbv2!, '', form(SERVED.elbv2!, 'DescribeTargetGroups'))).replace(/<RequestId>[^<]*<\/RequestId>/, ''),
    namespaces: await read(SERVED.servicediscovery!, 'ListNamespaces', '{}'),
    operations: await read(SERVED.servicediscovery!, 'ListOperations', '{}'),
    alarms: (await read(SERVED.cloudwatch!, '', form(SERVED.cloudwatch!, 'DescribeAlarms'))).replace(/<RequestId>[^<]*<\/RequestId>/, ''),
  };
}

const isJsonObject = (bytes: Uint8Array) => {
  try {
    const v: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
};

function expect4xx(r: { status: number; text: string }, what: string): void {
  expect(r.status >= 400 && r.status < 500, `${what} answered ${r.status}: ${r.text.slice(0, 300)}`).toBe(true);
}

describe('every served operation, fed what its model forbids', () => {
  it('answers 4xx to every invalid input and random body, keeps answering, and changes nothing', async () => {
    const before = await snapshot();
    let requests = 0;
    for (const [name, s] of Object.entries(SERVED)) {
      for (const op of Object.keys(s.model.operations)) {
        for (const mutation of MUTATIONS) {
          const gen = s.protocol === 'json' ? invalidJsonBody(s.model, op, mutation) : invalidQueryBody(s.model, op, mutation);
          if (!gen) continue;
          await fc.assert(
            fc.asyncProperty(gen, async (body) => {
              requests++;
              expect4xx(await call(s, s.protocol === 'json' ? json(s, op, body) : query(body)), `${name} ${op} ${mutation} ${body.slice(0, 120)}`);
            }),
            { seed: SEED, numRuns: RUNS_PER_OPERATION },
          );
        }
        const bytes = fc.uint8Array({ minLength: 1, maxLength: 2048 });
        await fc.assert(
          fc.asyncProperty(bytes.filter((b) => !isJsonObject(b) && !Buffer.from(b).toString('latin1').includes('Action=')), async (b) => {
            requests++;
            const c = s.protocol === 'json' ? json(s, op, b) : query(b);
            expect4xx(await call(s, c), `${name} ${op} random bytes`);
          }),
          { seed: SEED, numRuns: RUNS_PER_OPERATION },
        );
        if (s.cbor) {
          // Major types 0-4 (numbers, strings, arrays): never the map an input must be.
          await fc.assert(
            fc.asyncProperty(bytes.filter((b) => b[0]! < 0xa0 && !isJsonObject(b)), async (b) => {
              requests++;
              expect4xx(await call(s, cbor(s, op, b)), `${name} ${op} random CBOR`);
              expect4xx(await call(s, json(s, op, b)), `${name} ${op} random JSON 1.0`);
            }),
            { seed: SEED, numRuns: 1 },
          );
        }
      }
    }
    expect(requests).toBeGreaterThan(1000);
    expect(await snapshot()).toEqual(before);
  }, 240_000);
});
