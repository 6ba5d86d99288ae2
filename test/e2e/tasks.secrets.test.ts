// Tasks get their secrets the ECS way, on a real `wharf up` with Docker: container `secrets` from Secrets Manager
// (whole value, a JSON key, a version stage) and Parameter Store become environment variables, read back from the
// container's own output; a missing or refused secret stops the task with ECS's ResourceInitializationError and
// TaskFailedToStart; values appear in neither DescribeTasks nor Wharf's own output; a new value reaches new tasks.
import { randomBytes } from 'node:crypto';
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { BUSYBOX } from '../support/images.js';
import { TEST_CREDENTIALS } from './harness.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp();
const started: string[] = [];
afterAll(async () => {
  for (const arn of started) await up.ecs?.send(new StopTaskCommand({ task: arn })).catch(() => undefined);
});

const tag = randomBytes(4).toString('hex');
/** Values no other text contains, so finding one anywhere is a leak. */
const values = {
  plain: `plain-${tag}-one`,
  password: `pw-${tag}-json`,
  previous: `prev-${tag}-stage`,
  current: `cur-${tag}-stage`,
  parameter: `param-${tag}-ssm`,
};

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const EXEC_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
    { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: 'arn:aws:ssm:*:*:parameter/app/*' },
  ],
});

const describeTask = async (arn: string): Promise<Task> => (await up.ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;

async function output(arn: string): Promise<string> {
  const id = arn.split('/').pop()!;
  const r = await up.wharf.awsRaw(['logs', 'get-log-events', '--log-group-name', '/wharf/tasks/default', '--log-stream-name', `${id}/main`]);
  if (r.code !== 0) return '';
  return (JSON.parse(r.stdout) as { events: { message: string }[] }).events.map((e) => e.message).join('\n');
}

async function run(family: string, secrets: { name: string; valueFrom: string }[], executionRoleArn: string): Promise<string> {
  await up.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      executionRoleArn,
      containerDefinitions: [
        {
          name: 'main',
          image: BUSYBOX,
          memory: 32,
          stopTimeout: 1,
          secrets,
          command: ['sh', '-c', `echo "${secrets.map((s) => `${s.name}=$${s.name}`).join(' ')}"; sleep 600`],
        },
      ],
    }),
  );
  const arn = (await up.ecs.send(new RunTaskCommand({ taskDefinition: family }))).tasks![0]!.taskArn!;
  started.push(arn);
  return arn;
}

let roleArn = '';
let plainArn = '';
let jsonArn = '';
let stagedArn = '';

describe('task secrets', () => {
  it('sets up an execution role, three secrets and a parameter', async () => {
    // The SDK rather than the CLI here: one process, so set-up stays quick on a loaded machine.
    const client = { endpoint: up.wharf.url, region: 'us-east-1', credentials: TEST_CREDENTIALS };
    const iam = new IAMClient(client);
    const sm = new SecretsManagerClient(client);
    const ssm = new SSMClient(client);
    try {
      roleArn = (await iam.send(new CreateRoleCommand({ RoleName: `exec-${tag}`, AssumeRolePolicyDocument: TRUST }))).Role!.Arn!;
      await iam.send(new PutRolePolicyCommand({ RoleName: `exec-${tag}`, PolicyName: 'read', PolicyDocument: EXEC_POLICY }));
      plainArn = (await sm.send(new CreateSecretCommand({ Name: `plain-${tag}`, SecretString: values.plain }))).ARN!;
      jsonArn = (await sm.send(new CreateSecretCommand({ Name: `db-${tag}`, SecretString: JSON.stringify({ username: 'app', password: values.password }) }))).ARN!;
      stagedArn = (await sm.send(new CreateSecretCommand({ Name: `staged-${tag}`, SecretString: values.previous }))).ARN!;
      await sm.send(new PutSecretValueCommand({ SecretId: stagedArn, SecretString: values.current }));
      await ssm.send(new PutParameterCommand({ Name: `/app/greeting-${tag}`, Type: 'SecureString', Value: values.parameter }));
    } finally {
      iam.destroy();
      sm.destroy();
      ssm.destroy();
    }
  }, 120_000);

  it('gives the container a secret, a JSON key, a version stage and an SSM parameter as variables', async () => {
    const arn = await run(
      `secrets-${tag}`,
      [
        { name: 'PLAIN', valueFrom: plainArn },
        { name: 'DB_PASSWORD', valueFrom: `${jsonArn}:password::` },
        { name: 'OLD_TOKEN', valueFrom: `${stagedArn}::AWSPREVIOUS:` },
        { name: 'TOKEN', valueFrom: stagedArn },
        { name: 'GREETING', valueFrom: `/app/greeting-${tag}` },
      ],
      roleArn,
    );
    await expect.poll(() => output(arn), { timeout: 60_000, interval: 500 }).toContain('PLAIN=');
    expect(await output(arn)).toContain(
      `PLAIN=${values.plain} DB_PASSWORD=${values.password} OLD_TOKEN=${values.previous} TOKEN=${values.current} GREETING=${values.parameter}`,
    );
    const t = await describeTask(arn);
    expect(t.lastStatus).toBe('RUNNING');
    const shown = JSON.stringify(t);
    for (const v of Object.values(values)) expect(shown).not.toContain(v);
  }, 90_000);

  it('stops a task whose secret is missing with ECS text and TaskFailedToStart', async () => {
    const missing = plainArn.replace(`plain-${tag}`, `nothere-${tag}`);
    const arn = await run(`missing-${tag}`, [{ name: 'X', valueFrom: missing }], roleArn);
    await expect.poll(async () => (await describeTask(arn)).lastStatus, { timeout: 60_000, interval: 500 }).toBe('STOPPED');
    const t = await describeTask(arn);
    expect(t.stopCode).toBe('TaskFailedToStart');
    expect(t.stoppedReason).toMatch(/^ResourceInitializationError: unable to pull secrets or registry auth: /);
    expect(t.stoppedReason).toContain(`failed to fetch secret ${missing} from secrets manager: ResourceNotFoundException`);
  }, 90_000);

  it('stops a task whose JSON key is missing', async () => {
    const arn = await run(`nokey-${tag}`, [{ name: 'X', valueFrom: `${jsonArn}:nokey::` }], roleArn);
    await expect.poll(async () => (await describeTask(arn)).lastStatus, { timeout: 60_000, interval: 500 }).toBe('STOPPED');
    expect((await describeTask(arn)).stoppedReason).toContain('did not contain json key nokey');
  }, 90_000);

  it('stops a task whose execution role may not read the parameter', async () => {
    await up.wharf.aws('ssm', 'put-parameter', '--name', `/other/p-${tag}`, '--type', 'String', '--value', 'x');
    const arn = await run(`denied-${tag}`, [{ name: 'X', valueFrom: `/other/p-${tag}` }], roleArn);
    await expect.poll(async () => (await describeTask(arn)).lastStatus, { timeout: 60_000, interval: 500 }).toBe('STOPPED');
    const t = await describeTask(arn);
    expect(t.stopCode).toBe('TaskFailedToStart');
    expect(t.stoppedReason).toMatch(/^ResourceInitializationError: unable to pull secrets or registry auth: .*unable to retrieve secrets from ssm/);
    expect(t.stoppedReason).toContain(`AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/exec-${tag}/`);
    expect(t.stoppedReason).toContain(`ssm:GetParameters on resource: arn:aws:ssm:us-east-1:000000000000:parameter/other/p-${tag}`);
  }, 90_000);

  it('reads logConfiguration.secretOptions too: a missing one stops the task', async () => {
    await up.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `logopts-${tag}`,
        executionRoleArn: roleArn,
        containerDefinitions: [
          {
            name: 'main',
            image: BUSYBOX,
            memory: 32,
            command: ['sleep', '600'],
            logConfiguration: { logDriver: 'json-file', secretOptions: [{ name: 'token', valueFrom: `/app/nothere-${tag}` }] },
          },
        ],
      }),
    );
    const arn = (await up.ecs.send(new RunTaskCommand({ taskDefinition: `logopts-${tag}` }))).tasks![0]!.taskArn!;
    started.push(arn);
    await expect.poll(async () => (await describeTask(arn)).lastStatus, { timeout: 60_000, interval: 500 }).toBe('STOPPED');
    const t = await describeTask(arn);
    expect(t.stopCode).toBe('TaskFailedToStart');
    expect(t.stoppedReason).toContain(`unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: /app/nothere-${tag}`);
  }, 90_000);

  it('needs kms:Decrypt on a customer managed key, as ECS does, and not on the AWS managed one', async () => {
    const client = { endpoint: up.wharf.url, region: 'us-east-1', credentials: TEST_CREDENTIALS };
    const sm = new SecretsManagerClient(client);
    const iam = new IAMClient(client);
    let keyed = '';
    try {
      keyed = (await sm.send(new CreateSecretCommand({ Name: `keyed-${tag}`, SecretString: 'under-a-team-key', KmsKeyId: 'alias/team-key' }))).ARN!;
    } finally {
      sm.destroy();
    }
    const denied = await run(`keyed-${tag}`, [{ name: 'KEYED', valueFrom: keyed }], roleArn);
    await expect.poll(async () => (await describeTask(denied)).lastStatus, { timeout: 60_000, interval: 500 }).toBe('STOPPED');
    const t = await describeTask(denied);
    expect(t.stopCode).toBe('TaskFailedToStart');
    expect(t.stoppedReason).toContain(`failed to fetch secret ${keyed} from secrets manager: AccessDeniedException: Access to KMS is not allowed`);
    try {
      await iam.send(new PutRolePolicyCommand({
        RoleName: `exec-${tag}`,
        PolicyName: 'team-key',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:000000000000:alias/team-key' }] }),
      }));
    } finally {
      iam.destroy();
    }
    const allowed = await run(`keyed2-${tag}`, [{ name: 'KEYED', valueFrom: keyed }], roleArn);
    await expect.poll(() => output(allowed), { timeout: 60_000, interval: 500 }).toContain('KEYED=under-a-team-key');
  }, 150_000);

  it('gives tasks started after a new value is written the new value', async () => {
    const fresh = `plain-${tag}-two`;
    await up.wharf.aws('secretsmanager', 'put-secret-value', '--secret-id', plainArn, '--secret-string', fresh);
    const arn = await run(`fresh-${tag}`, [{ name: 'PLAIN', valueFrom: plainArn }], roleArn);
    await expect.poll(() => output(arn), { timeout: 60_000, interval: 500 }).toContain(`PLAIN=${fresh}`);
  }, 90_000);

  it('never writes a value into its own output', () => {
    const own = up.wharf.output.join('\n') + up.wharf.stderr();
    for (const v of Object.values(values)) expect(own).not.toContain(v);
  });
});
