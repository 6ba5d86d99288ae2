// RunTask end to end through the gateway and the store (placement only, no containers): concurrent signed
// RunTask calls of count 10 against a cluster of simulated container instances whose agents hold a channel open.
// Prints tasks/s (durably stored) and the RunTask call latency. Goal: >= 3,750 tasks/s, the rate HashiCorp
// published for Nomad's Million Container Challenge.
// Run: npm run build && node dist/bench/runtask.js [--instances 100] [--tasks 20000] [--concurrency 32]
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ECSClient, RegisterContainerInstanceCommand, RegisterTaskDefinitionCommand, CreateClusterCommand } from '@aws-sdk/client-ecs';
import WebSocket from 'ws';
import http from 'node:http';
import { arg, startServer } from './support.js';

const instances = arg('instances', 100);
const totalTasks = arg('tasks', 20000);
const concurrency = arg('concurrency', 32);
const creds = { accessKeyId: 'AKIAWHARFBENCH000002', secretAccessKey: 'wharf-bench-secret' };
const signer = new SignatureV4({ service: 'ecs', region: 'us-east-1', credentials: creds, sha256: Sha256 });

async function main() {
  // WHARF_BENCH_PROF=1 writes a CPU profile of the server to /tmp/prof.
  const { url, proc } = await startServer({ credentials: creds, cpuProfileDir: process.env.WHARF_BENCH_PROF ? '/tmp/prof' : undefined });
  const u = new URL(url);
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'bench', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 32, cpu: 8 }] }),
  );
  // Simulated hosts: registered through the API, each with its agent channel open (placement needs it).
  const sockets: WebSocket[] = [];
  for (let i = 0; i < instances; i++) {
    const out = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'bench',
        instanceIdentityDocument: JSON.stringify({ availabilityZone: `us-east-1${'abc'[i % 3]}`, instanceType: 'm5.24xlarge' }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 98304 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 393216 },
        ],
      }),
    );
    const arn = out.containerInstance!.containerInstanceArn!;
    const req = new HttpRequest({
      method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/_wharf/acs',
      query: { clusterArn: 'bench', containerInstanceArn: arn }, headers: { host: u.host },
    });
    const signed = await signer.presign(req, { expiresIn: 900 });
    const ws = new WebSocket(`ws://${u.host}/_wharf/acs?${new URLSearchParams(signed.query as Record<string, string>)}`);
    await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
    sockets.push(ws);
  }
  ecs.destroy();

  const body = JSON.stringify({ cluster: 'bench', taskDefinition: 'bench', count: 10, placementStrategy: [{ type: 'binpack', field: 'memory' }] });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const runTask = async (): Promise<{ ms: number; placed: number }> => {
    const req = new HttpRequest({
      method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/',
      headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.RunTask' },
      body,
    });
    const signed = await signer.sign(req);
    const t0 = performance.now();
    return new Promise((ok, fail) => {
      const r = http.request({ host: u.hostname, port: u.port, method: 'POST', path: '/', headers: signed.headers, agent }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          if (res.statusCode !== 200) return fail(new Error(text));
          ok({ ms: performance.now() - t0, placed: (JSON.parse(text) as { tasks: unknown[] }).tasks.length });
        });
      });
      r.on('error', fail);
      r.end(body);
    });
  };

  const calls = Math.ceil(totalTasks / 10);
  const latencies: number[] = [];
  let placed = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next++;
        const r = await runTask();
        latencies.push(r.ms);
        placed += r.placed;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(`RunTask end to end (gateway + SigV4 + placement + SQLite commit), ${instances} instances, count 10 per call, ${concurrency} concurrent clients`);
  console.log(`  tasks placed   ${placed} in ${seconds.toFixed(2)} s`);
  console.log(`  tasks/s        ${(placed / seconds).toFixed(0)}   (goal >= 3,750: ${placed / seconds >= 3750 ? 'met' : 'NOT met'}; ratio to Nomad's 3,750/s: ${(placed / seconds / 3750).toFixed(2)}x)`);
  console.log(`  RunTask ms     p50 ${pct(50)}  p99 ${pct(99)}`);
  sockets.forEach((s) => s.terminate());
  agent.destroy();
  proc.kill('SIGTERM');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
