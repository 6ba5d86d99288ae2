// A rolling deployment, timed: a service of 20 tasks (minimumHealthyPercent 100, maximumPercent 200) rolled to a new
// revision, with scripted agents answering as hosts would (no containers). Prints the time from UpdateService to
// COMPLETED and the control plane's CPU time (user + system, from /proc) per task replaced.
// Run: npm run build && node dist/bench/deployment.js [--tasks 20] [--hosts 4]
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { TEST_CREDENTIALS } from '../test/e2e/harness.js';
import { scriptedAgent, type ScriptedAgent } from '../test/e2e/scriptedAgent.js';
import { arg, serverCpuMs, startServer } from './support.js';

const tasks = arg('tasks', 20);
const hosts = arg('hosts', 4);

async function main() {
  const { url, proc } = await startServer({ credentials: TEST_CREDENTIALS });
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
  const agents: ScriptedAgent[] = [];
  for (let i = 0; i < hosts; i++) agents.push(await scriptedAgent(url, ecs, 'bench', { az: `us-east-1${'abc'[i % 3]}` }));
  const td = { family: 'bench', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 32, cpu: 8 }] };
  await ecs.send(new RegisterTaskDefinitionCommand(td));
  await ecs.send(new CreateServiceCommand({ cluster: 'bench', serviceName: 'web', taskDefinition: 'bench', desiredCount: tasks,
    deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 } }));
  const completed = async () => {
    for (;;) {
      const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'bench', services: ['web'] }))).services![0]!;
      if (s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && s.runningCount === tasks) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await completed();
  await ecs.send(new RegisterTaskDefinitionCommand(td));
  const cpu0 = serverCpuMs(proc.pid!);
  const t0 = performance.now();
  await ecs.send(new UpdateServiceCommand({ cluster: 'bench', service: 'web', taskDefinition: 'bench:2' }));
  await completed();
  const ms = performance.now() - t0;
  const cpuMs = serverCpuMs(proc.pid!) - cpu0;
  console.log(`rolling deployment of ${tasks} tasks on ${hosts} hosts (min 100%, max 200%)`);
  console.log(`  time to COMPLETED:              ${ms.toFixed(0)} ms`);
  console.log(`  control plane CPU (incl. polls): ${cpuMs.toFixed(0)} ms, ${(cpuMs / tasks).toFixed(1)} ms per task replaced`);
  await Promise.all(agents.map((a) => a.close()));
  ecs.destroy();
  proc.kill('SIGTERM');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
