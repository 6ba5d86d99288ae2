// EFS volume write throughput against a bind mount of the same directory, in the same run: one task mounts its EFS
// file system's directory twice, as an EFS volume (efsVolumeConfiguration) and as a plain host bind
// (host.sourcePath = EFS_ROOT/FSID), and busybox dd writes (and fsyncs) a file through each in turn. Rounds
// alternate which goes first so load on the machine hits both alike; the time is taken inside the container.
// Run: npm run build && node dist/bench/efs.js [--rounds 11] [--mb 256]
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { LABELS } from '../src/agent/protocol.js';
import { DockerRuntime } from '../src/agent/runtime/docker.js';
import { BUSYBOX, ensureBusybox } from '../test/support/images.js';
import { arg, connectedInstance, median, runningTask, startServer } from './support.js';

const run = promisify(execFile);
const rounds = arg('rounds', 11);
const mb = arg('mb', 256);
const creds = { accessKeyId: 'AKIAWHARFBENCHEFS001', secretAccessKey: 'wharf-bench-secret' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** MB/s from the container's uptime before and after dd (busybox's dd prints no timing; uptime ticks in 10 ms). */
function ddRate(stdout: string): number {
  const [a, b] = stdout.trim().split(/\s+/).map(Number) as [number, number];
  if (!(b > a)) throw new Error(`timing said: ${stdout}`);
  return (mb * 1.048576) / (b - a);
}

async function main() {
  const runtime = new DockerRuntime();
  await ensureBusybox(runtime);
  const efsRoot = mkdtempSync(join(tmpdir(), 'wharf-bench-efs-'));
  const { url, proc } = await startServer({ credentials: creds, command: 'up', env: { WHARF_EFS_ROOT: efsRoot } });
  process.on('exit', () => {
    proc.kill('SIGKILL'); // never leave `wharf up` behind, even when the bench fails
    rmSync(efsRoot, { recursive: true, force: true });
  });
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
  const instanceArn = await connectedInstance(ecs);
  try {
    await measure(ecs, url, efsRoot);
  } finally {
    ecs.destroy();
    proc.kill('SIGTERM');
    await sleep(1500);
    // The task's container too when the bench failed half way: `wharf up` leaves its containers when it stops.
    for (const c of await runtime.list({ [LABELS.instanceArn]: instanceArn })) await runtime.remove(c.id).catch(() => undefined);
  }
}

async function measure(ecs: ECSClient, url: string, efsRoot: string) {
  const awsEnv = { ...process.env, AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
  const created = await run('aws', ['efs', 'create-file-system', '--creation-token', 'bench-efs', '--endpoint-url', url, '--output', 'json'], { env: awsEnv });
  const fsId = (JSON.parse(created.stdout) as { FileSystemId: string }).FileSystemId;
  const fsDir = join(efsRoot, fsId);
  mkdirSync(fsDir, { recursive: true });

  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'bench-efs',
    volumes: [{ name: 'efs', efsVolumeConfiguration: { fileSystemId: fsId } }, { name: 'bind', host: { sourcePath: fsDir } }],
    containerDefinitions: [{
      name: 'main', image: BUSYBOX, memory: 64, stopTimeout: 1, command: ['sleep', '3600'],
      mountPoints: [{ sourceVolume: 'efs', containerPath: '/efs' }, { sourceVolume: 'bind', containerPath: '/bind' }],
    }],
  }));
  const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: 'bench-efs' }))).tasks![0]!.taskArn!;
  const container = (await runningTask(ecs, arn)).containers![0]!.runtimeId!;
  const write = async (dir: string) => {
    const file = `${dir}/bench-${dir.slice(1)}`;
    const script = `a=$(cut -d' ' -f1 /proc/uptime); dd if=/dev/zero of=${file} bs=1M count=${mb} conv=fsync 2>/dev/null; b=$(cut -d' ' -f1 /proc/uptime); echo $a $b`;
    const r = await run('docker', ['exec', container, 'sh', '-c', script]);
    await run('docker', ['exec', container, 'rm', '-f', file]);
    return ddRate(r.stdout);
  };
  await write('/efs');
  await write('/bind');

  const efs: number[] = [];
  const bind: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      efs.push(await write('/efs'));
      bind.push(await write('/bind'));
    } else {
      bind.push(await write('/bind'));
      efs.push(await write('/efs'));
    }
  }
  const e = median(efs);
  const b = median(bind);
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} MB/s`;
  console.log(`efs: writing ${mb} MB with fsync through each mount of one directory, ${rounds} rounds (medians; min-max)`);
  console.log(`  EFS volume (efsVolumeConfiguration)  ${e.toFixed(0)} MB/s   (${spread(efs)})`);
  console.log(`  bind mount (host.sourcePath)         ${b.toFixed(0)} MB/s   (${spread(bind)})`);
  // The disk is shared with whatever else runs: each round's pair saw the same load, so its ratio is the steadier figure.
  const paired = median(efs.map((x, i) => x / bind[i]!));
  console.log(`  ratio of medians efs/bind            ${(e / b).toFixed(2)}`);
  console.log(`  median of per-round ratios           ${paired.toFixed(2)}   (goal >= 0.95: ${paired >= 0.95 ? 'met' : 'NOT met'})`);

  await ecs.send(new StopTaskCommand({ task: arn }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
