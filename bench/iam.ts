// Authorization cost: signed DescribeClusters with the root key (no policy evaluation) beside the same request signed
// by an IAM user's key whose policies hold 20 statements (the Allow that matches is the last one, so every statement
// is looked at), one server process, 64 keep-alive clients (autocannon), interleaved rounds, medians. Prints
// requests/s, p50/p99 latency, the server's CPU time per request, and the user's throughput as a share of root's.
// Run: npm run bench:iam [-- --duration 5 --rounds 3 --connections 64]
import autocannon from 'autocannon';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateAccessKeyCommand, CreatePolicyCommand, AttachUserPolicyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { arg, measure, presign, startServer, summarise, type Sample } from './support.js';

const duration = arg('duration', 5);
const connections = arg('connections', 64);
const root = { accessKeyId: 'AKIAWHARFBENCH000001', secretAccessKey: 'wharf-bench-secret' };

/** 20 statements: 19 that do not match DescribeClusters (wildcards, resources, conditions), then the Allow. */
function policies(): string[] {
  const st = (i: number) => {
    const kinds = [
      { Effect: 'Allow', Action: [`ecr:Get${i}*`, `logs:Put${i}?`], Resource: '*' },
      { Effect: 'Deny', Action: 'ecs:Delete*', Resource: `arn:aws:ecs:*:*:cluster/prod-${i}` },
      { Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': `eu-west-${i}` } } },
      { Effect: 'Allow', NotAction: ['ecs:*', 'iam:*', 'sts:*', 'secretsmanager:*'], Resource: '*' },
    ];
    return kinds[i % kinds.length];
  };
  const statements = Array.from({ length: 19 }, (_, i) => st(i));
  statements.push({ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' } as never);
  // Split over an inline policy and a managed one, as a real user's would be.
  return [statements.slice(0, 10), statements.slice(10)].map((s) => JSON.stringify({ Version: '2012-10-17', Statement: s }));
}

async function main() {
  // BENCH_CPU_PROF=DIR writes a CPU profile of the server to DIR.
  const { url, proc } = await startServer({ credentials: root, dataDirPrefix: 'wharf-bench-iam-', cpuProfileDir: process.env.BENCH_CPU_PROF });
  const client = { endpoint: url, region: 'us-east-1', credentials: root };
  const ecs = new ECSClient(client);
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench', tags: [{ key: 'k', value: 'v' }] }));
  ecs.destroy();
  const iam = new IAMClient(client);
  const [inline, managed] = policies();
  await iam.send(new CreateUserCommand({ UserName: 'bench' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'bench', PolicyName: 'inline', PolicyDocument: inline }));
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'bench', PolicyDocument: managed }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'bench', PolicyArn: Policy!.Arn }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'bench' }));
  iam.destroy();
  const user = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };

  const target = 'AmazonEC2ContainerServiceV20141113.DescribeClusters';
  const body = { clusters: ['bench', 'default'], include: ['TAGS', 'SETTINGS'] };
  const all = [
    { name: 'DescribeClusters (root key)', request: await presign(url, { credentials: root, target }, body) },
    { name: 'DescribeClusters (user, 20 statements)', request: await presign(url, { credentials: user, target }, body) },
  ];
  // BENCH_ONLY=root|user measures one case (e.g. for a profile).
  const only = process.env.BENCH_ONLY;
  const cases = only ? all.filter((c) => c.name.includes(only === 'user' ? 'user' : 'root')) : all;
  const rounds = arg('rounds', 3);
  console.log(`iam: signed DescribeClusters, ${connections} keep-alive clients, ${rounds} interleaved rounds of ${duration}s per case, medians`);
  for (const c of cases) await autocannon({ url, connections, duration: 2, requests: [c.request] }); // warm up
  const samples = new Map(cases.map((c) => [c.name, [] as Sample[]]));
  for (let round = 0; round < rounds; round++) {
    for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
      samples.get(c.name)!.push(await measure(url, proc.pid!, connections, duration, c.request));
    }
  }
  proc.kill('SIGTERM');
  const results = summarise(samples);
  const base = results[0]!.rps;
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(40)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  server CPU ${r.cpuUs.toFixed(0)} µs/req  non-2xx/errors ${r.bad}  ${((r.rps / base) * 100).toFixed(1)}% of root`,
    );
  }
  if (results.length < 2) return;
  const ratio = results[1]!.rps / base;
  console.log(`  goal         user key at least 0.9x the root key: ${ratio >= 0.9 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
