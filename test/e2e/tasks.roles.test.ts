// taskRoleArn on a real `wharf up` with Docker: a container fetches its role's temporary credentials from inside its
// own network namespace (ECS's 169.254.170.2 with AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, and the loopback listener
// with AWS_CONTAINER_CREDENTIALS_FULL_URI) and reaches Wharf at AWS_ENDPOINT_URL; those keys are then allowed exactly
// what the role's policy allows. A role that does not trust ecs-tasks.amazonaws.com gives the container nothing.
import { randomBytes } from 'node:crypto';
import {
  DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, describe, expect, it } from 'vitest';
import { BUSYBOX, ensureNodeSdk, NODE_SDK } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp();
const tag = randomBytes(4).toString('hex');
const started: string[] = [];
afterAll(async () => {
  for (const arn of started) await up.ecs?.send(new StopTaskCommand({ task: arn })).catch(() => undefined);
});

const trust = (principal: object, Condition?: object) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(Condition ? { Condition } : {}) }] });
// The confused-deputy guard ECS's guide recommends: only for this account's ECS resources.
const GUARD = { StringEquals: { 'aws:SourceAccount': '000000000000' }, ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:000000000000:*' } };
const READ_TASKS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['ecs:ListTasks', 'ecs:DescribeTasks'], Resource: '*' }],
});

/** Fetches the credentials both ways from inside the container, then asks Wharf through AWS_ENDPOINT_URL. */
const SCRIPT = [
  // The image is FROM scratch: no /tmp, so answers stay in variables.
  'for i in $(seq 1 100); do c=$(wget -qO- "http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") && break; sleep 0.2; done',
  'echo "CREDS $c"',
  'f=$(wget -qO- "$AWS_CONTAINER_CREDENTIALS_FULL_URI") && echo "FULL $f" || echo NO_FULL',
  'echo "ENDPOINT $AWS_ENDPOINT_URL REGION $AWS_REGION"',
  'echo "HEALTH $(wget -qO- "$AWS_ENDPOINT_URL/_wharf/health")"',
  'echo DONE',
  'sleep 600',
].join('; ');

async function output(arn: string): Promise<string> {
  const id = arn.split('/').pop()!;
  const r = await up.wharf.awsRaw(['logs', 'get-log-events', '--log-group-name', '/wharf/tasks/default', '--log-stream-name', `${id}/main`]);
  if (r.code !== 0) return '';
  return (JSON.parse(r.stdout) as { events: { message: string }[] }).events.map((e) => e.message).join('\n');
}

async function runWithRole(family: string, taskRoleArn: string): Promise<string> {
  await up.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      taskRoleArn,
      // awsvpc: both listeners (and 169.254.170.2 on the task's loopback) exist before the container starts, so its
      // first request already stays inside its namespace.
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'main', image: BUSYBOX, stopTimeout: 2, command: ['sh', '-c', SCRIPT] }],
    }),
  );
  const arn = (
    await up.ecs.send(
      new RunTaskCommand({ taskDefinition: family, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-roles'] } } }),
    )
  ).tasks![0]!.taskArn!;
  started.push(arn);
  return arn;
}

const line = (text: string, prefix: string) => text.split('\n').find((l) => l.startsWith(prefix + ' '))?.slice(prefix.length + 1);

describe('task role credentials', () => {
  it('serves the role credentials inside the task; they are allowed what the role allows', async () => {
    const role = await up.wharf.aws('iam', 'create-role', '--role-name', `task-${tag}`, '--assume-role-policy-document', trust({ Service: 'ecs-tasks.amazonaws.com' }, GUARD));
    await up.wharf.aws('iam', 'put-role-policy', '--role-name', `task-${tag}`, '--policy-name', 'read-tasks', '--policy-document', READ_TASKS);
    const arn = await runWithRole(`role-${tag}`, role.Role.Arn);
    await expect.poll(() => output(arn), { timeout: 60_000, interval: 500 }).toContain('DONE');
    const text = await output(arn);
    const creds = JSON.parse(line(text, 'CREDS')!) as { AccessKeyId: string; SecretAccessKey: string; Token: string; Expiration: string; RoleArn: string };
    expect(creds.AccessKeyId).toMatch(/^ASIA/);
    expect(creds.RoleArn).toBe(role.Role.Arn);
    expect(Date.parse(creds.Expiration)).toBeGreaterThan(Date.now() + 10 * 60_000);
    expect(JSON.parse(line(text, 'FULL')!).AccessKeyId).toBe(creds.AccessKeyId);
    expect(line(text, 'ENDPOINT')).toBe('http://127.0.0.1:51679 REGION us-east-1');
    expect(JSON.parse(line(text, 'HEALTH')!).status).toBe('ok');

    const asTask = new ECSClient({
      endpoint: up.wharf.url,
      region: 'us-east-1',
      credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.Token },
      maxAttempts: 1,
    });
    try {
      expect((await asTask.send(new ListTasksCommand({}))).taskArns).toContain(arn);
      const refused = await asTask.send(new RunTaskCommand({ taskDefinition: `role-${tag}` })).catch((e: Error) => e);
      expect((refused as Error).name).toBe('AccessDeniedException');
      expect((refused as Error).message).toContain(`assumed-role/task-${tag}/`);
      expect((refused as Error).message).toContain('ecs:RunTask');
    } finally {
      asTask.destroy();
    }
    // The session token is checked: the same keys with another token are refused.
    const forged = new ECSClient({
      endpoint: up.wharf.url,
      region: 'us-east-1',
      credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.Token.slice(0, -4) + 'AAAA' },
      maxAttempts: 1,
    });
    const bad = await forged.send(new ListTasksCommand({})).catch((e: Error) => e);
    forged.destroy();
    expect((bad as Error).name).toBe('UnrecognizedClientException');

    const shown = JSON.stringify((await up.ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks);
    expect(shown).not.toContain(creds.SecretAccessKey);
    expect(up.wharf.output.join('\n') + up.wharf.stderr()).not.toContain(creds.SecretAccessKey);
  }, 120_000);

  it('an AWS SDK in the container, configured by the environment alone, is allowed what the role allows', async () => {
    await ensureNodeSdk(up.runtime);
    const role = await up.wharf.aws('iam', 'create-role', '--role-name', `sdk-${tag}`, '--assume-role-policy-document', trust({ Service: 'ecs-tasks.amazonaws.com' }));
    await up.wharf.aws('iam', 'put-role-policy', '--role-name', `sdk-${tag}`, '--policy-name', 'read-tasks', '--policy-document', READ_TASKS);
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: `sdk-${tag}`,
      taskRoleArn: role.Role.Arn,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{
        name: 'main',
        image: NODE_SDK,
        stopTimeout: 2,
        environment: [{ name: 'FAMILY', value: `sdk-${tag}` }],
        // The image has busybox but no links to its applets.
        command: ['/bin/busybox', 'sh', '-c', '/usr/bin/node /app/ecs.cjs 2>&1; exec /bin/busybox sleep 600'],
      }],
    }));
    const arn = (await up.ecs.send(new RunTaskCommand({
      taskDefinition: `sdk-${tag}`, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-roles'] } },
    }))).tasks![0]!.taskArn!;
    started.push(arn);
    await expect.poll(() => output(arn), { timeout: 90_000, interval: 1000 }).toContain('SDK-DONE');
    const text = await output(arn);
    expect(JSON.parse(line(text, 'LIST') ?? 'null')).toContain(arn);
    const refused = line(text, 'RUN')!;
    expect(refused).toMatch(/^AccessDeniedException: /);
    expect(refused).toContain(`assumed-role/sdk-${tag}/`);
    expect(refused).toContain('ecs:RunTask');
  }, 180_000);

  it('serves a host-mode task through the full URI on the host, and forgets the credentials once the task stops', async () => {
    const role = await up.wharf.aws('iam', 'create-role', '--role-name', `host-${tag}`, '--assume-role-policy-document', trust({ Service: 'ecs-tasks.amazonaws.com' }));
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: `host-${tag}`,
      taskRoleArn: role.Role.Arn,
      networkMode: 'host',
      containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 64, stopTimeout: 2, command: ['sh', '-c', 'echo "URI $AWS_CONTAINER_CREDENTIALS_FULL_URI REL ${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-none}"; echo DONE; sleep 600'] }],
    }));
    const arn = (await up.ecs.send(new RunTaskCommand({ taskDefinition: `host-${tag}` }))).tasks![0]!.taskArn!;
    started.push(arn);
    await expect.poll(() => output(arn), { timeout: 60_000, interval: 500 }).toContain('DONE');
    const [uri, , relative] = line(await output(arn), 'URI')!.split(' ');
    // Host mode shares the host's network, where 169.254.170.2 is not Wharf's: only the full URI is given.
    expect(relative).toBe('none');
    expect(uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/credentials\/[0-9a-f]{32}$/);
    const live = await fetch(uri!);
    expect(live.status).toBe(200);
    expect(((await live.json()) as { RoleArn: string }).RoleArn).toBe(role.Role.Arn);

    await up.ecs.send(new StopTaskCommand({ task: arn }));
    await expect.poll(async () => (await up.ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!.lastStatus, { timeout: 60_000, interval: 500 }).toBe('STOPPED');
    const gone = await fetch(uri!);
    expect(gone.status).toBe(400);
    expect(((await gone.json()) as { code: string }).code).toBe('NoCredentialsFound');
  }, 120_000);

  it('gives nothing for a role that does not trust ecs-tasks.amazonaws.com', async () => {
    const role = await up.wharf.aws('iam', 'create-role', '--role-name', `untrusted-${tag}`, '--assume-role-policy-document', trust({ AWS: 'arn:aws:iam::000000000000:root' }));
    const arn = await runWithRole(`untrusted-${tag}`, role.Role.Arn);
    await expect.poll(() => output(arn), { timeout: 90_000, interval: 500 }).toContain('DONE');
    const text = await output(arn);
    expect(text).not.toContain('AccessKeyId');
    expect(text).toContain('NO_FULL');
  }, 120_000);
});
