// A rolling deployment, timed: a service of 20 tasks (minimumHealthyPercent 100, maximumPercent 200) rolled to a new
// revision, with scripted agents answering as hosts would (no containers). Prints the time from UpdateService to
// COMPLETED and the control plane's CPU time (user + system, from /proc) per task replaced.
// Run: npm run build && node dist/bench/deployment.js [--tasks 20] [--hosts 4]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
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

const args = process.argv.slice(2);
const arg = (name: string, def: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : def);
const tasks = arg('tasks', 20);
const hosts = arg('hosts', 4);

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s on Linux)
}

async function main() {
  const bin = resolve(import.meta.dirname, '../src/cli/main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
  const proc = spawn(process.execPath, [bin, 'server', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, WHARF_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, WHARF_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, WHARF_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok) =>
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const m = /"url":"([^"]+)"/.exec(l);
      if (m) ok(m[1]!);
    }),
  );
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
  const cpu0 = cpuSeconds(proc.pid!);
  const t0 = performance.now();
  await ecs.send(new UpdateServiceCommand({ cluster: 'bench', service: 'web', taskDefinition: 'bench:2' }));
  await completed();
  const ms = performance.now() - t0;
  const cpu = cpuSeconds(proc.pid!) - cpu0;
  console.log(`rolling deployment of ${tasks} tasks on ${hosts} hosts (min 100%, max 200%)`);
  console.log(`  time to COMPLETED:              ${ms.toFixed(0)} ms`);
  console.log(`  control plane CPU (incl. polls): ${(cpu * 1000).toFixed(0)} ms, ${((cpu * 1000) / tasks).toFixed(1)} ms per task replaced`);
  await Promise.all(agents.map((a) => a.close()));
  ecs.destroy();
  proc.kill('SIGTERM');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
