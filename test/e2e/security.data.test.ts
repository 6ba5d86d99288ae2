// Wharf's data and keys against someone who is not the root user: `wharf up --no-agent` in a data directory that
// already exists 0755, as found in the security issue. Anonymous requests get 4xx and never a stack trace; the secret
// key stays out of stdout and the logs; the data directory and every file in it are private; the registry's signing
// key and the agents' secrets are not readable in state.db; the limits AWS enforces hold and write nothing; /metrics
// answers only signed requests, or on its own address.
import { createHash, createHmac } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApplicationAutoScalingClient, DescribeScalableTargetsCommand, DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  ListContainerInstancesCommand, RegisterContainerInstanceCommand, type ECSClient,
} from '@aws-sdk/client-ecs';
import { CreateLoadBalancerCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSealingKey, Sealer } from '../../src/sealing/index.js';
import { connectAgent } from './agentClient.js';
import { startWharf, tempDir, TEST_CREDENTIALS, type Wharf } from './harness.js';
import { signedGet } from './signing.js';

const resources = [
  { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
  { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
];

/** Every path under `dir` with its permission bits. */
function modes(dir: string): Map<string, { dir: boolean; mode: number }> {
  const out = new Map<string, { dir: boolean; mode: number }>();
  const walk = (p: string, rel: string) => {
    const st = lstatSync(p);
    out.set(rel || '.', { dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n), rel ? `${rel}/${n}` : n);
  };
  walk(dir, '');
  return out;
}

/** What an attacker holding state.db and the data directory could do: read the registry's signing key. */
function registrySigningKey(dataDir: string): Buffer {
  const db = new Database(join(dataDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?').get('ecr/meta/token-key')!;
    const stored = (JSON.parse(row.value) as { key: string }).key;
    return new Sealer(loadSealingKey(dataDir).key).open(stored, 'ecr/meta/token-key');
  } finally {
    db.close();
  }
}

/** A registry password as Wharf signs them, with any claimed expiry, for the root key (or, with null, no key). */
function forgePassword(key: Buffer, expiresAt: number, accessKeyId: string | null = TEST_CREDENTIALS.accessKeyId): string {
  const claims = Buffer.from(JSON.stringify({ a: '000000000000', e: expiresAt, ...(accessKeyId === null ? {} : { k: accessKeyId }) })).toString('base64url');
  return `wharf1.${claims}.${createHmac('sha256', key).update(claims).digest('base64url')}`;
}

const basic = (password: string) => ({ authorization: 'Basic ' + Buffer.from(`AWS:${password}`).toString('base64') });

describe('wharf up --no-agent in a data directory that exists 0755', () => {
  let w: Wharf;
  let ecs: ECSClient;
  let password: string;
  const region = 'us-east-1';
  const creds = TEST_CREDENTIALS;
  let instanceSecret = '';

  beforeAll(async () => {
    const dataDir = tempDir();
    chmodSync(dataDir, 0o755);
    // As an older Wharf left it: an empty state.db, readable by all.
    writeFileSync(join(dataDir, 'state.db'), '');
    chmodSync(join(dataDir, 'state.db'), 0o644);
    w = await startWharf({ dataDir, mode: 'up', args: ['--no-agent'] });
    ecs = w.ecs();
    const ecr = new ECRClient({ endpoint: w.url, region, credentials: creds, maxAttempts: 1 });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'sec/web' }));
    const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!;
    password = Buffer.from(token.authorizationToken!, 'base64').toString('utf8').split(':')[1]!;
    ecr.destroy();
  }, 60_000);

  afterAll(async () => {
    ecs?.destroy();
    await w?.stop();
  });

  it('keeps the secret key, given in the environment, out of stdout and the log', async () => {
    await expect.poll(() => w.output.join('\n')).toContain('To use the aws CLI against Wharf');
    const out = w.output.join('\n');
    expect(out).not.toContain(creds.secretAccessKey);
    expect(out).toContain('export AWS_SECRET_ACCESS_KEY="$WHARF_SECRET_ACCESS_KEY"');
  });

  it('answers a malformed registry path with 401 to anyone anonymous and 4xx to a client, never a 500', async () => {
    const anonymous = await fetch(`${w.url}/v2/x/manifests/%zz`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    for (const path of ['/v2/sec/web/manifests/%zz', '/v2/sec/web/blobs/%zz', '/v2/sec/web/blobs/uploads/%zz', '/v2/x/manifests/%zz']) {
      const r = await fetch(w.url + path, { headers: basic(password) });
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      expect((await r.json()).errors[0].code).toMatch(/_INVALID|_UNKNOWN/);
    }
    const errors = w.output.filter((l) => l.startsWith('{') && JSON.parse(l).level >= 50);
    expect(errors).toEqual([]);
  });

  it('refuses a validly signed registry password that claims 115 days', async () => {
    const key = registrySigningKey(w.dataDir);
    const ok = await fetch(`${w.url}/v2/`, { headers: basic(forgePassword(key, Date.now() + 11 * 3600_000)) });
    expect(ok.status).toBe(200);
    const long = await fetch(`${w.url}/v2/`, { headers: basic(forgePassword(key, Date.now() + 115 * 86_400_000)) });
    expect(long.status).toBe(401);
    // A password that names no key (the earlier format) says nothing of who asked: refused.
    const keyless = await fetch(`${w.url}/v2/`, { headers: basic(forgePassword(key, Date.now() + 11 * 3600_000, null)) });
    expect(keyless.status).toBe(401);
    // Nor does one for a key Wharf does not know get anywhere.
    const stranger = await fetch(`${w.url}/v2/`, { headers: basic(forgePassword(key, Date.now() + 11 * 3600_000, 'AKIAUNKNOWNKEY000000')) });
    expect(stranger.status).toBe(401);
  });

  it('leaves no upload file behind when an upload ends with a bad digest', async () => {
    const uploads = join(w.dataDir, 'registry', 'uploads');
    const bad = 'sha256:..%2F..%2Fx';
    const mono = await fetch(`${w.url}/v2/sec/web/blobs/uploads/?digest=${bad}`, { method: 'POST', headers: basic(password), body: 'layer bytes' });
    expect(mono.status).toBe(400);
    expect((await mono.json()).errors[0].code).toBe('DIGEST_INVALID');
    expect(readdirSync(uploads)).toEqual([]);

    const start = await fetch(`${w.url}/v2/sec/web/blobs/uploads/`, { method: 'POST', headers: basic(password) });
    const location = start.headers.get('location')!;
    await fetch(w.url + location, { method: 'PATCH', headers: basic(password), body: 'chunk' });
    expect(readdirSync(uploads).length).toBeGreaterThan(0);
    const put = await fetch(`${w.url}${location}?digest=${bad}`, { method: 'PUT', headers: basic(password) });
    expect(put.status).toBe(400);
    expect(readdirSync(uploads)).toEqual([]);
    const blobs = join(w.dataDir, 'registry', 'blobs');
    expect(readdirSync(blobs)).toEqual([]);
  });

  it('refuses an 11th custom attribute at registration, and 10,000, registering nothing', async () => {
    for (const n of [11, 10_000]) {
      const attributes = Array.from({ length: n }, (_, i) => ({ name: `custom-${i}`, value: 'v' }));
      const err = await ecs.send(new RegisterContainerInstanceCommand({ cluster: 'default', totalResources: resources, attributes })).catch((e: Error) => e);
      expect(err).toMatchObject({ name: 'AttributeLimitExceededException' });
      expect((err as Error).message).toContain('up to 10 custom attributes');
    }
    expect((await ecs.send(new ListContainerInstancesCommand({}))).containerInstanceArns).toEqual([]);
  });

  it('refuses a load balancer with more subnets than zones, creating nothing', async () => {
    const elb = new ElasticLoadBalancingV2Client({ endpoint: w.url, region, credentials: creds, maxAttempts: 1 });
    for (const n of [7, 10_000]) {
      const Subnets = Array.from({ length: n }, (_, i) => `subnet-${i}`);
      const err = await elb.send(new CreateLoadBalancerCommand({ Name: `many-${n}`, Subnets })).catch((e: Error) => e);
      expect(err).toMatchObject({ name: 'InvalidConfigurationRequestException' });
      expect((err as Error).message).toBe('A load balancer cannot be attached to multiple subnets in the same Availability Zone');
    }
    expect((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers).toEqual([]);
    elb.destroy();
  });

  it('refuses Application Auto Scaling page sizes outside AWS\'s range', async () => {
    const aas = new ApplicationAutoScalingClient({ endpoint: w.url, region, credentials: creds, maxAttempts: 1 });
    const targets = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: -1 })).catch((e: Error) => e);
    expect(targets).toMatchObject({ name: 'ValidationException' });
    expect((targets as Error).message).toContain("Value '-1' at 'maxResults' failed to satisfy constraint");
    const policies = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', MaxResults: 11 })).catch((e: Error) => e);
    expect(policies).toMatchObject({ name: 'ValidationException' });
    aas.destroy();
  });

  it('answers /metrics only to a request signed with the root key', async () => {
    expect((await fetch(`${w.url}/metrics`)).status).toBe(403);
    expect((await signedGet(`${w.url}/metrics`, { secretAccessKey: 'not-the-key' })).status).toBe(403);
    const signed = await signedGet(`${w.url}/metrics`);
    expect(signed.status).toBe(200);
    expect(signed.text).toContain('wharf_metric_series');
  });

  it('hands an agent its own keys, keeps them sealed in state.db, and keeps the directory and its files private', async () => {
    const reg = await ecs.send(new RegisterContainerInstanceCommand({ cluster: 'default', totalResources: resources }));
    const arn = reg.containerInstance!.containerInstanceArn!;
    const agent = await connectAgent(w.url, 'arn:aws:ecs:us-east-1:000000000000:cluster/default', arn);
    await expect.poll(() => agent.credentials()).toBeDefined();
    instanceSecret = agent.credentials()!.secretAccessKey;
    await agent.close();

    const warning = w.output.map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).find((r) => /tightened/.test(r.msg ?? ''));
    expect(warning).toMatchObject({ level: 40, paths: ['.', 'state.db'] });
    const seen = modes(w.dataDir);
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm', 'logs.db', 'logs.db-wal', 'logs.db-shm', 'sealing.key']) {
      expect(seen.get(f), f).toEqual({ dir: false, mode: 0o600 });
    }
    for (const [path, m] of seen) expect({ path, mode: m.mode.toString(8) }).toEqual({ path, mode: m.dir ? '700' : '600' });

    const key = registrySigningKey(w.dataDir);
    expect(await w.stop()).toBe(0);
    const raw = Buffer.concat(['state.db', 'state.db-wal'].flatMap((f) => {
      try {
        return [readFileSync(join(w.dataDir, f))];
      } catch {
        return [];
      }
    }));
    expect(raw.length).toBeGreaterThan(0);
    for (const secret of [key, Buffer.from(key.toString('base64')), Buffer.from(key.toString('base64url')), Buffer.from(instanceSecret)]) {
      expect(raw.includes(secret)).toBe(false);
    }
    expect(raw.includes(Buffer.from(createHash('sha256').update(instanceSecret).digest('hex')))).toBe(false);
  });
});

describe('credentials and metrics on request', () => {
  it('prints the export lines with --print-credentials, and serves /metrics unauthenticated on --metrics-address', async () => {
    const dataDir = tempDir();
    mkdirSync(dataDir, { recursive: true });
    const w = await startWharf({ dataDir, args: ['--print-credentials', '--metrics-address', '127.0.0.1:0'] });
    try {
      await expect.poll(() => w.output.join('\n')).toContain(`export AWS_SECRET_ACCESS_KEY=${TEST_CREDENTIALS.secretAccessKey}`);
      const listening = w.output.map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).find((r) => r.msg === 'wharf is listening');
      expect(listening.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const open = await fetch(listening.metrics);
      expect(open.status).toBe(200);
      expect(await open.text()).toContain('wharf_metric_series');
      // The gateway's /metrics still asks for a signature.
      expect((await fetch(`${w.url}/metrics`)).status).toBe(403);
    } finally {
      await w.stop();
    }
  });
});
