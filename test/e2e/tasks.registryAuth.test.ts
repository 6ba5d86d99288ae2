// repositoryCredentials: a task whose image lives in a private registry (Debian's docker-registry with an htpasswd
// file, on loopback) is pulled with the username and password kept in a Secrets Manager secret; without them the
// pull is refused. Real `wharf up`, real Docker, real registry.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { run } from './registryHarness.js';
import { waitUntil } from './harness.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp();
const tag = randomBytes(4).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'wharf-private-registry-'));
const dockerConfig = join(dir, 'docker');
const user = 'puller';
const password = `pw-${tag}`;
let registry: ChildProcess | undefined;
let image = '';
const started: string[] = [];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** docker-registry reads bcrypt entries only; Python's crypt makes one without extra packages. */
async function bcrypt(secret: string): Promise<string> {
  const r = await run('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH)))'], { input: secret });
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

beforeAll(async () => {
  const port = await freePort();
  writeFileSync(join(dir, 'htpasswd'), `${user}:${await bcrypt(password)}\n`);
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      'auth:',
      '  htpasswd:',
      '    realm: wharf-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const host = `127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`http://${host}/v2/`).catch(() => undefined))?.status, (s) => s === 401, 20_000);
  // Push the test image there under a name Docker has nowhere else, then forget the name: only a pull brings it back.
  image = `${host}/private/busybox:${tag}`;
  const env = { DOCKER_CONFIG: dockerConfig };
  const login = await run('docker', ['login', host, '-u', user, '--password-stdin'], { env, input: password });
  expect(login.code, login.stderr).toBe(0);
  expect((await run('docker', ['tag', BUSYBOX, image], { env })).code).toBe(0);
  const push = await run('docker', ['push', image], { env });
  expect(push.code, push.stderr).toBe(0);
  expect((await run('docker', ['rmi', image], { env })).code).toBe(0);
}, 120_000);

afterAll(async () => {
  for (const arn of started) await up.ecs?.send(new StopTaskCommand({ task: arn })).catch(() => undefined);
  registry?.kill();
  await run('docker', ['rmi', '-f', image]);
  rmSync(dir, { recursive: true, force: true });
});

const describeTask = async (arn: string): Promise<Task> => (await up.ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;

async function runWith(family: string, credentialsParameter?: string): Promise<string> {
  await up.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'main',
          image,
          memory: 32,
          stopTimeout: 1,
          command: ['sleep', '600'],
          ...(credentialsParameter ? { repositoryCredentials: { credentialsParameter } } : {}),
        },
      ],
    }),
  );
  const arn = (await up.ecs.send(new RunTaskCommand({ taskDefinition: family }))).tasks![0]!.taskArn!;
  started.push(arn);
  return arn;
}

describe('private registry credentials', () => {
  it('refuses the pull without credentials', async () => {
    const arn = await runWith(`anon-${tag}`);
    await expect.poll(async () => (await describeTask(arn)).lastStatus, { timeout: 60_000, interval: 500 }).toBe('STOPPED');
    const t = await describeTask(arn);
    expect(t.stopCode).toBe('TaskFailedToStart');
    expect(t.stoppedReason).toMatch(/^CannotPullContainerError: /);
  }, 90_000);

  it('pulls with the username and password of a Secrets Manager secret', async () => {
    const secret = await up.wharf.aws('secretsmanager', 'create-secret', '--name', `registry-${tag}`, '--secret-string', JSON.stringify({ username: user, password }));
    const arn = await runWith(`private-${tag}`, secret.ARN);
    await expect.poll(async () => (await describeTask(arn)).lastStatus, { timeout: 60_000, interval: 500 }).toBe('RUNNING');
    expect(JSON.stringify(await describeTask(arn))).not.toContain(password);
    expect(up.wharf.output.join('\n') + up.wharf.stderr()).not.toContain(password);
  }, 90_000);

  it('stops the task with ECS text when the secret is missing', async () => {
    const arn = await runWith(`nosecret-${tag}`, `missing-registry-${tag}`);
    await expect.poll(async () => (await describeTask(arn)).lastStatus, { timeout: 60_000, interval: 500 }).toBe('STOPPED');
    const t = await describeTask(arn);
    expect(t.stopCode).toBe('TaskFailedToStart');
    expect(t.stoppedReason).toMatch(
      new RegExp(`^ResourceInitializationError: unable to pull secrets or registry auth: .*unable to get registry auth from asm: .*missing-registry-${tag}: ResourceNotFoundException`),
    );
  }, 90_000);
});
