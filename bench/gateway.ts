// Gateway benchmark: signed DescribeClusters and DescribeTaskDefinition through one Wharf server process from 64
// concurrent keep-alive clients (autocannon), on the embedded store. Prints requests/s and p50/p99 latency.
// Run: npm run bench:gateway [-- --duration 10 --connections 64]
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import autocannon from 'autocannon';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';

const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const duration = arg('duration', 10);
const connections = arg('connections', 64);
const creds = { accessKeyId: 'AKIAWHARFBENCH000001', secretAccessKey: 'wharf-bench-secret' };

async function startServer() {
  const bin = resolve(import.meta.dirname, '../src/cli/main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
  const proc = spawn(process.execPath, [bin, 'server', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, WHARF_ACCESS_KEY_ID: creds.accessKeyId, WHARF_SECRET_ACCESS_KEY: creds.secretAccessKey, WHARF_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok, fail) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const m = /"url":"([^"]+)"/.exec(l);
      if (m) ok(m[1]!);
    });
    proc.once('exit', (c) => fail(new Error(`server exited ${c}`)));
  });
  return { url, proc };
}

/** A signed request that can be replayed: SigV4 has no nonce, only a 15-minute window. */
async function presign(url: string, operation: string, body: object) {
  const u = new URL(url);
  const payload = JSON.stringify(body);
  const req = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    headers: {
      host: u.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
    },
    body: payload,
  });
  const signer = new SignatureV4({ service: 'ecs', region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await signer.sign(req);
  const { host: _h, ...headers } = signed.headers;
  return { method: 'POST' as const, path: '/', headers, body: payload };
}

async function main() {
  const { url, proc } = await startServer();
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench', tags: [{ key: 'k', value: 'v' }] }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench',
      containerDefinitions: [{ name: 'web', image: 'busybox', memory: 128, portMappings: [{ containerPort: 80 }] }],
    }),
  );
  ecs.destroy();
  const requests = [
    await presign(url, 'DescribeClusters', { clusters: ['bench', 'default'], include: ['TAGS', 'SETTINGS'] }),
    await presign(url, 'DescribeTaskDefinition', { taskDefinition: 'bench' }),
  ];
  // Warm up, then measure.
  await autocannon({ url, connections, duration: 2, requests });
  const result = await autocannon({ url, connections, duration, requests });
  proc.kill('SIGTERM');
  const ok = result.requests.total - result.non2xx - result.errors;
  console.log(`gateway: signed DescribeClusters + DescribeTaskDefinition, ${connections} keep-alive clients, ${duration}s`);
  console.log(`  requests/s   ${result.requests.average.toFixed(0)} (total ${result.requests.total}, non-2xx ${result.non2xx}, errors ${result.errors}, ok ${ok})`);
  console.log(`  latency ms   p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}`);
  console.log(`  goal         >= 5000 req/s with p99 < 20 ms: ${result.requests.average >= 5000 && result.latency.p99 < 20 ? 'met' : 'NOT met'}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
