// Gateway benchmark: signed DescribeClusters and DescribeTaskDefinition through one Wharf server process from 64
// concurrent keep-alive clients (autocannon), on the embedded store. Prints requests/s and p50/p99 latency.
// Run: npm run bench:gateway [-- --duration 10 --connections 64]
import autocannon from 'autocannon';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { arg, presign, startServer } from './support.js';

const duration = arg('duration', 10);
const connections = arg('connections', 64);
const creds = { accessKeyId: 'AKIAWHARFBENCH000001', secretAccessKey: 'wharf-bench-secret' };
const ecsTarget = (operation: string) => ({ credentials: creds, target: `AmazonEC2ContainerServiceV20141113.${operation}` });

async function main() {
  const { url, proc } = await startServer({ credentials: creds });
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
    await presign(url, ecsTarget('DescribeClusters'), { clusters: ['bench', 'default'], include: ['TAGS', 'SETTINGS'] }),
    await presign(url, ecsTarget('DescribeTaskDefinition'), { taskDefinition: 'bench' }),
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
