// What secrets cost a task's start: RunTask -> RUNNING through `wharf up` and its embedded agent (image cached) for
// one container with three secrets (a Secrets Manager value, a JSON key of another, an SSM SecureString) read as its
// execution role allows, against the same task without them, in the same run, rounds interleaved. Medians.
// Goal: at most 1.1x.
// Run: npm run build && node dist/bench/taskSecrets.js [--rounds 10]
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { DockerRuntime } from '../src/agent/runtime/docker.js';
import { LABELS } from '../src/agent/protocol.js';
import { ensureBusybox, BUSYBOX } from '../test/support/images.js';
import { arg, connectedInstance, median, startServer } from './support.js';

const rounds = arg('rounds', 10);
const creds = { accessKeyId: 'AKIAWHARFBENCH000007', secretAccessKey: 'wharf-bench-secret' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const runtime = new DockerRuntime();
  await ensureBusybox(runtime);
  const { url, proc } = await startServer({ credentials: creds, command: 'up', dataDirPrefix: 'wharf-bench-task-secrets-' });
  process.on('exit', () => proc.kill('SIGKILL')); // never leave `wharf up` behind, even when the bench fails
  const client = { endpoint: url, region: 'us-east-1', credentials: creds };
  const ecs = new ECSClient(client);
  const instanceArn = await connectedInstance(ecs);

  const iam = new IAMClient(client);
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: 'bench-exec',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'bench-exec',
      PolicyName: 'read',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'ssm:GetParameters'], Resource: '*' }],
      }),
    }),
  );
  iam.destroy();
  const sm = new SecretsManagerClient(client);
  const token = await sm.send(new CreateSecretCommand({ Name: 'bench/token', SecretString: 't'.repeat(40) }));
  const db = await sm.send(new CreateSecretCommand({ Name: 'bench/db', SecretString: JSON.stringify({ username: 'app', password: 'p'.repeat(32) }) }));
  sm.destroy();
  const ssm = new SSMClient(client);
  await ssm.send(new PutParameterCommand({ Name: '/bench/api-key', Value: 'k'.repeat(32), Type: 'SecureString' }));
  ssm.destroy();

  const container = { name: 'main', image: BUSYBOX, memory: 16, stopTimeout: 1, command: ['sleep', '3600'] };
  const executionRoleArn = role.Role!.Arn!;
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'plain', executionRoleArn, containerDefinitions: [container] }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'secrets',
      executionRoleArn,
      containerDefinitions: [
        {
          ...container,
          secrets: [
            { name: 'TOKEN', valueFrom: token.ARN! },
            { name: 'DB_PASSWORD', valueFrom: `${db.ARN!}:password::` },
            { name: 'API_KEY', valueFrom: '/bench/api-key' },
          ],
        },
      ],
    }),
  );

  // The secrets are read before the pull starts, so createdAt -> pullStartedAt holds their whole cost (plus the
  // push to the agent), apart from Docker's create and start, which dominate the noise on a shared machine.
  const toPull: Record<string, number[]> = { plain: [], secrets: [] };
  const startMs = async (family: string): Promise<number> => {
    const t0 = performance.now();
    const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: family }))).tasks![0]!.taskArn!;
    for (;;) {
      const t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;
      if (t.lastStatus === 'STOPPED') throw new Error(`task ${arn} stopped: ${t.stoppedReason}`);
      if (t.lastStatus === 'RUNNING') {
        if (t.pullStartedAt && t.createdAt) toPull[family]!.push(t.pullStartedAt.getTime() - t.createdAt.getTime());
        break;
      }
      await sleep(5);
    }
    const ms = performance.now() - t0;
    await ecs.send(new StopTaskCommand({ task: arn }));
    return ms;
  };

  await startMs('plain'); // warm up both paths once
  await startMs('secrets');
  toPull.plain = [];
  toPull.secrets = [];
  const plain: number[] = [];
  const withSecrets: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first, so neither always follows the other's stop.
    if (i % 2 === 0) {
      plain.push(await startMs('plain'));
      withSecrets.push(await startMs('secrets'));
    } else {
      withSecrets.push(await startMs('secrets'));
      plain.push(await startMs('plain'));
    }
  }
  const p = median(plain);
  const s = median(withSecrets);
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} ms`;
  console.log(`task secrets: one-container task, image cached, ${rounds} interleaved rounds (medians)`);
  console.log(`  without secrets           ${p.toFixed(0)} ms   (rounds ${spread(plain)})`);
  console.log(`  with three secrets        ${s.toFixed(0)} ms   (rounds ${spread(withSecrets)})`);
  console.log(`  ratio with/without        ${(s / p).toFixed(2)}   (goal <= 1.1: ${s / p <= 1.1 ? 'met' : 'NOT met'})`);
  if (toPull.plain!.length && toPull.secrets!.length) {
    const a = median(toPull.plain!);
    const b = median(toPull.secrets!);
    console.log(`  created -> pull started   ${a.toFixed(0)} ms without, ${b.toFixed(0)} ms with secrets (their cost: ${(b - a).toFixed(0)} ms)`);
  }

  ecs.destroy();
  proc.kill('SIGTERM');
  await sleep(1500);
  for (const c of await runtime.list({ [LABELS.instanceArn]: instanceArn })) await runtime.remove(c.id).catch(() => undefined);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
