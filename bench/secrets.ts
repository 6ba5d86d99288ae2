// Secrets benchmark: signed GetSecretValue and GetParameter (WithDecryption, a SecureString) beside signed
// DescribeClusters, one server process, 64 concurrent keep-alive clients (autocannon), each measured alone in the
// same run. Prints requests/s, p50/p99 latency and the server's CPU time per request, and each read's throughput as
// a share of DescribeClusters'.
// Run: npm run bench:secrets [-- --duration 5 --rounds 3 --connections 64]
import autocannon from 'autocannon';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { arg, measure, presign, startServer, summarise, type Sample } from './support.js';

const duration = arg('duration', 5);
const connections = arg('connections', 64);
const creds = { accessKeyId: 'AKIAWHARFBENCH000001', secretAccessKey: 'wharf-bench-secret' };

async function main() {
  // BENCH_CPU_PROF=DIR writes a CPU profile of the server to DIR.
  const { url, proc } = await startServer({ credentials: creds, dataDirPrefix: 'wharf-bench-secrets-', cpuProfileDir: process.env.BENCH_CPU_PROF });
  const client = { endpoint: url, region: 'us-east-1', credentials: creds };
  const ecs = new ECSClient(client);
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench', tags: [{ key: 'k', value: 'v' }] }));
  ecs.destroy();
  const sm = new SecretsManagerClient(client);
  await sm.send(new CreateSecretCommand({ Name: 'bench/db', SecretString: JSON.stringify({ username: 'app', password: 'x'.repeat(32) }) }));
  sm.destroy();
  const ssm = new SSMClient(client);
  await ssm.send(new PutParameterCommand({ Name: '/bench/db/password', Value: 'y'.repeat(32), Type: 'SecureString' }));
  ssm.destroy();

  const sign = (service: string, target: string, body: object) => presign(url, { credentials: creds, service, target }, body);
  const cases = [
    { name: 'DescribeClusters', request: await sign('ecs', 'AmazonEC2ContainerServiceV20141113.DescribeClusters', { clusters: ['bench', 'default'], include: ['TAGS', 'SETTINGS'] }) },
    { name: 'GetSecretValue', request: await sign('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: 'bench/db' }) },
    { name: 'GetParameter (WithDecryption)', request: await sign('ssm', 'AmazonSSM.GetParameter', { Name: '/bench/db/password', WithDecryption: true }) },
  ];
  // Rounds interleave the cases (A B C, B C A, C A B, ...) so a neighbour's load on a shared machine falls on all of them
  // alike; each case reports its median round.
  const rounds = arg('rounds', 3);
  console.log(`secrets: signed reads, ${connections} keep-alive clients, ${rounds} interleaved rounds of ${duration}s per case, medians`);
  const only = process.env.BENCH_ONLY;
  const picked = cases.filter((c) => !only || c.name.startsWith(only));
  for (const c of picked) await autocannon({ url, connections, duration: 2, requests: [c.request] }); // warm up
  const samples = new Map(picked.map((c) => [c.name, [] as Sample[]]));
  for (let round = 0; round < rounds; round++) {
    // Each round starts with another case, so no case always follows the same one.
    for (const c of [...picked.slice(round % picked.length), ...picked.slice(0, round % picked.length)]) {
      samples.get(c.name)!.push(await measure(url, proc.pid!, connections, duration, c.request));
    }
  }
  const results = summarise(samples);
  proc.kill('SIGTERM');
  const base = results[0]!.rps;
  for (const r of results) {
    const share = ((r.rps / base) * 100).toFixed(1);
    console.log(
      `  ${r.name.padEnd(30)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  server CPU ${r.cpuUs.toFixed(0)} µs/req  non-2xx/errors ${r.bad}  ${share}% of DescribeClusters`,
    );
  }
  if (results.length < 3) return;
  const worst = Math.min(...results.slice(1).map((r) => r.rps / base));
  console.log(`  goal         secrets reads within 10% of DescribeClusters: ${worst >= 0.9 ? 'met' : 'NOT met'} (worst ${(worst * 100).toFixed(1)}%)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
