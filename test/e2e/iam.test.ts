// IAM and STS end to end, through the Debian `aws` CLI and the SDK: users limited by their policies, explicit Deny,
// roles assumed by a user whose temporary keys get what the role allows, GetCallerIdentity for each kind of caller,
// deleted and inactive keys refused, malformed policies refused with nothing written, and no secret key on disk.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateClusterCommand, DescribeClustersCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import {
  CreateAccessKeyCommand, CreateUserCommand, GetUserPolicyCommand, IAMClient, ListUserPoliciesCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, TEST_CREDENTIALS, type Wharf } from './harness.js';

const ACCOUNT = '000000000000';
let w: Wharf;

beforeAll(async () => {
  w = await startWharf();
});
afterAll(async () => {
  await w?.stop();
});

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
type Keys = { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string };
const env = (k: Keys): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: k.AccessKeyId,
  AWS_SECRET_ACCESS_KEY: k.SecretAccessKey,
  ...(k.SessionToken ? { AWS_SESSION_TOKEN: k.SessionToken } : {}),
});
const as = (k: Keys, ...args: string[]) => w.awsRaw(args, env(k));
const sdk = (k: Keys) => ({
  endpoint: w.url,
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, sessionToken: k.SessionToken },
});

const ROOT: Keys = { AccessKeyId: TEST_CREDENTIALS.accessKeyId, SecretAccessKey: TEST_CREDENTIALS.secretAccessKey };

/** A user with one key (set up through the SDK: the CLI is slow on a shared machine; the checks use the CLI). */
async function userWithKey(name: string, policy?: string): Promise<Keys> {
  const iam = new IAMClient(sdk(ROOT));
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'base', PolicyDocument: policy }));
  const { AccessKey } = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))) as { AccessKey: Keys };
  expect(AccessKey.AccessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
  expect(AccessKey.SecretAccessKey).toHaveLength(40);
  return AccessKey;
}

const READ_ONLY = doc({ Effect: 'Allow', Action: ['ecs:Describe*', 'ecs:List*'], Resource: '*' });

describe('IAM users and their policies', () => {
  let alice: Keys;
  beforeAll(async () => {
    alice = await userWithKey('alice', READ_ONLY);
  });

  it('a user limited to ecs:Describe* and ecs:List* describes clusters and is refused RunTask and CreateCluster', async () => {
    const ok = await as(alice, 'ecs', 'describe-clusters', '--clusters', 'default');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).clusters[0].clusterName).toBe('default');

    const create = await as(alice, 'ecs', 'create-cluster', '--cluster-name', 'nope');
    expect(create.code).not.toBe(0);
    expect(create.stderr).toContain('(AccessDeniedException)');
    expect(create.stderr).toContain(
      `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: ecs:CreateCluster on resource: ` +
        `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/nope because no identity-based policy allows the ecs:CreateCluster action`,
    );
    const run = await as(alice, 'ecs', 'run-task', '--task-definition', 'web:1');
    expect(run.stderr).toContain('(AccessDeniedException)');
    expect(run.stderr).toContain('is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:000000000000:cluster/default');
    // Nothing was created.
    expect((await w.aws('ecs', 'list-clusters')).clusterArns).not.toContain(`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/nope`);

    // The SDK sees the same error type.
    const ecs = new ECSClient(sdk(alice));
    await expect(ecs.send(new CreateClusterCommand({ clusterName: 'nope' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect((await ecs.send(new DescribeClustersCommand({ clusters: ['default'] }))).clusters).toHaveLength(1);
    // Query APIs answer AccessDenied (403) in XML.
    const iamCall = await as(alice, 'iam', 'list-users');
    expect(iamCall.stderr).toContain('(AccessDenied)');
    expect(iamCall.stderr).toContain('is not authorized to perform: iam:ListUsers on resource: *');
  });

  it('GetCallerIdentity names the root and the user', async () => {
    expect(await w.aws('sts', 'get-caller-identity')).toEqual({ UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
    const me = await as(alice, 'sts', 'get-caller-identity');
    expect(me.code, me.stderr).toBe(0);
    const user = (await w.aws('iam', 'get-user', '--user-name', 'alice')).User;
    expect(JSON.parse(me.stdout)).toEqual({ UserId: user.UserId, Account: ACCOUNT, Arn: user.Arn });
    expect(user.UserId).toMatch(/^AIDA/);
  });

  it('an explicit Deny beats an Allow', async () => {
    await w.aws('iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'no-list',
      '--policy-document', doc({ Effect: 'Deny', Action: 'ecs:ListClusters', Resource: '*' }));
    const r = await as(alice, 'ecs', 'list-clusters');
    expect(r.stderr).toContain('(AccessDeniedException)');
    expect(r.stderr).toContain('ecs:ListClusters on resource: * with an explicit deny in an identity-based policy');
    // Still allowed where nothing denies.
    expect((await as(alice, 'ecs', 'describe-clusters')).code).toBe(0);
    await w.aws('iam', 'delete-user-policy', '--user-name', 'alice', '--policy-name', 'no-list');
    await expect.poll(async () => (await as(alice, 'ecs', 'list-clusters')).code).toBe(0);
  });

  it('managed policies attach and detach, with resource-scoped statements', async () => {
    const { Policy } = await w.aws('iam', 'create-policy', '--policy-name', 'team-clusters', '--policy-document',
      doc({ Effect: 'Allow', Action: 'ecs:CreateCluster', Resource: `arn:aws:ecs:*:${ACCOUNT}:cluster/team-*` }));
    expect(Policy.Arn).toBe(`arn:aws:iam::${ACCOUNT}:policy/team-clusters`);
    await w.aws('iam', 'attach-user-policy', '--user-name', 'alice', '--policy-arn', Policy.Arn);
    expect((await w.aws('iam', 'list-attached-user-policies', '--user-name', 'alice')).AttachedPolicies).toEqual([
      { PolicyName: 'team-clusters', PolicyArn: Policy.Arn },
    ]);
    expect((await as(alice, 'ecs', 'create-cluster', '--cluster-name', 'team-a')).code).toBe(0);
    expect((await as(alice, 'ecs', 'create-cluster', '--cluster-name', 'other')).stderr).toContain('ecs:CreateCluster');
    expect((await w.aws('iam', 'get-policy', '--policy-arn', Policy.Arn)).Policy.AttachmentCount).toBe(1);
    const del = await w.awsRaw(['iam', 'delete-policy', '--policy-arn', Policy.Arn]);
    expect(del.stderr).toContain('(DeleteConflict)');
    await w.aws('iam', 'detach-user-policy', '--user-name', 'alice', '--policy-arn', Policy.Arn);
    expect((await as(alice, 'ecs', 'create-cluster', '--cluster-name', 'team-b')).stderr).toContain('AccessDeniedException');
    const version = await w.aws('iam', 'get-policy-version', '--policy-arn', Policy.Arn, '--version-id', 'v1');
    expect(version.PolicyVersion.Document.Statement[0].Action).toBe('ecs:CreateCluster');
    await w.aws('iam', 'delete-policy', '--policy-arn', Policy.Arn);
    expect((await w.awsRaw(['iam', 'get-policy', '--policy-arn', Policy.Arn])).stderr).toContain('(NoSuchEntity)');
  });

  it('malformed policies are refused and nothing is written', async () => {
    const bad = [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*"}]}',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Action":"ecs:*","Resource":"*"}]}',
      '{"Statement": [',
      doc({ Effect: 'Allow', Action: 'RunTask', Resource: '*' }),
      doc({ Effect: 'Allow', Action: 'ecs:*', Resource: '*', Principal: '*' }),
    ];
    for (const d of bad) {
      const put = await w.awsRaw(['iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'bad', '--policy-document', d]);
      expect(put.stderr, d).toContain('(MalformedPolicyDocument)');
      const create = await w.awsRaw(['iam', 'create-policy', '--policy-name', 'bad', '--policy-document', d]);
      expect(create.stderr, d).toContain('(MalformedPolicyDocument)');
    }
    expect((await w.aws('iam', 'list-user-policies', '--user-name', 'alice')).PolicyNames).toEqual(['base']);
    expect((await w.aws('iam', 'list-policies', '--scope', 'Local')).Policies.map((p: { PolicyName: string }) => p.PolicyName)).not.toContain('bad');
    const trust = await w.awsRaw(['iam', 'create-role', '--role-name', 'bad', '--assume-role-policy-document', READ_ONLY]);
    expect(trust.stderr).toContain('(MalformedPolicyDocument)');
    expect((await w.awsRaw(['iam', 'get-role', '--role-name', 'bad'])).stderr).toContain('(NoSuchEntity)');
  });

  it('documents come back as stored (URL-encoded on the wire, as IAM sends them)', async () => {
    const iam = new IAMClient(sdk(ROOT));
    const got = await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'base' }));
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument!))).toEqual(JSON.parse(READ_ONLY));
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'alice' }))).PolicyNames).toEqual(['base']);
  });
});

describe('access keys', () => {
  it('inactive and deleted keys are refused; a user with keys or policies cannot be deleted', async () => {
    const carol = await userWithKey('carol', READ_ONLY);
    expect((await as(carol, 'ecs', 'list-clusters')).code).toBe(0);
    const second = (await w.aws('iam', 'create-access-key', '--user-name', 'carol')).AccessKey;
    const third = await w.awsRaw(['iam', 'create-access-key', '--user-name', 'carol']);
    expect(third.stderr).toContain('(LimitExceeded)');
    const listed = (await w.aws('iam', 'list-access-keys', '--user-name', 'carol')).AccessKeyMetadata;
    expect(listed.map((k: { AccessKeyId: string }) => k.AccessKeyId).sort()).toEqual([carol.AccessKeyId, second.AccessKeyId].sort());
    expect(JSON.stringify(listed)).not.toContain(carol.SecretAccessKey);

    await w.aws('iam', 'update-access-key', '--user-name', 'carol', '--access-key-id', carol.AccessKeyId, '--status', 'Inactive');
    expect((await as(carol, 'ecs', 'list-clusters')).stderr).toContain('(UnrecognizedClientException)');
    await w.aws('iam', 'update-access-key', '--user-name', 'carol', '--access-key-id', carol.AccessKeyId, '--status', 'Active');
    expect((await as(carol, 'ecs', 'list-clusters')).code).toBe(0);

    const conflict = await w.awsRaw(['iam', 'delete-user', '--user-name', 'carol']);
    expect(conflict.stderr).toContain('(DeleteConflict)');
    expect(conflict.stderr).toContain('must delete access keys first');

    await w.aws('iam', 'delete-access-key', '--user-name', 'carol', '--access-key-id', carol.AccessKeyId);
    expect((await as(carol, 'ecs', 'list-clusters')).stderr).toContain('(UnrecognizedClientException)');
    expect((await as(carol, 'sts', 'get-caller-identity')).stderr).toContain('(InvalidClientTokenId)');
    await w.aws('iam', 'delete-access-key', '--user-name', 'carol', '--access-key-id', second.AccessKeyId);
    expect((await w.awsRaw(['iam', 'delete-user', '--user-name', 'carol'])).stderr).toContain('must delete policies first');
    await w.aws('iam', 'delete-user-policy', '--user-name', 'carol', '--policy-name', 'base');
    await w.aws('iam', 'delete-user', '--user-name', 'carol');
    expect((await w.awsRaw(['iam', 'get-user', '--user-name', 'carol'])).stderr).toContain('(NoSuchEntity)');
    expect((await w.awsRaw(['iam', 'create-user', '--user-name', 'alice'])).stderr).toContain('(EntityAlreadyExists)');
  });
});

describe('roles and STS', () => {
  let dave: Keys;
  let erin: Keys;
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/deployer`;
  beforeAll(async () => {
    dave = await userWithKey('dave', doc({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }));
    erin = await userWithKey('erin', READ_ONLY);
    await w.aws('iam', 'create-role', '--role-name', 'deployer', '--max-session-duration', '7200', '--assume-role-policy-document',
      doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/dave` }, Action: 'sts:AssumeRole' }));
    await w.aws('iam', 'put-role-policy', '--role-name', 'deployer', '--policy-name', 'deploy', '--policy-document',
      doc(
        { Effect: 'Allow', Action: ['ecs:List*', 'ecs:Describe*'], Resource: '*' },
        { Effect: 'Allow', Action: 'ecs:CreateCluster', Resource: `arn:aws:ecs:*:${ACCOUNT}:cluster/deploy-*` },
      ));
  });

  it('the user named by the trust policy assumes the role; its temporary keys get what the role allows', async () => {
    // dave alone can do nothing with ECS.
    expect((await as(dave, 'ecs', 'list-clusters')).stderr).toContain('AccessDeniedException');
    const r = await as(dave, 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'ship-it', '--duration-seconds', '900');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const creds: Keys = out.Credentials;
    expect(creds.AccessKeyId).toMatch(/^ASIA/);
    expect(creds.SessionToken).toBeTruthy();
    const expires = new Date(out.Credentials.Expiration).getTime();
    expect(expires - Date.now()).toBeGreaterThan(800_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(900_000);
    const role = (await w.aws('iam', 'get-role', '--role-name', 'deployer')).Role;
    expect(out.AssumedRoleUser).toEqual({ AssumedRoleId: `${role.RoleId}:ship-it`, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ship-it` });

    const me = JSON.parse((await as(creds, 'sts', 'get-caller-identity')).stdout);
    expect(me).toEqual({ UserId: `${role.RoleId}:ship-it`, Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ship-it` });
    expect((await as(creds, 'ecs', 'list-clusters')).code).toBe(0);
    expect((await as(creds, 'ecs', 'create-cluster', '--cluster-name', 'deploy-1')).code).toBe(0);
    const refused = await as(creds, 'ecs', 'create-cluster', '--cluster-name', 'prod');
    expect(refused.stderr).toContain(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ship-it is not authorized to perform: ecs:CreateCluster on resource: arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`,
    );
    expect((await as(creds, 'ecs', 'run-task', '--task-definition', 'x:1')).stderr).toContain('ecs:RunTask');

    // Temporary keys without their session token, or with another, are not accepted.
    const noToken = await as({ AccessKeyId: creds.AccessKeyId, SecretAccessKey: creds.SecretAccessKey }, 'ecs', 'list-clusters');
    expect(noToken.stderr).toContain('(UnrecognizedClientException)');
    const wrong = await as({ ...creds, SessionToken: creds.SessionToken + 'x' }, 'ecs', 'list-clusters');
    expect(wrong.stderr).toContain('(UnrecognizedClientException)');
  });

  it('through the SDK: AssumeRole, then ECS with the session', async () => {
    const sts = new STSClient(sdk(dave));
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'sdk' }));
    const c = out.Credentials!;
    expect(c.Expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);
    const session = { AccessKeyId: c.AccessKeyId!, SecretAccessKey: c.SecretAccessKey!, SessionToken: c.SessionToken! };
    const who = await new STSClient(sdk(session)).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/deployer/sdk`);
    const ecs = new ECSClient(sdk(session));
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toContain(`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/default`);
    await expect(ecs.send(new CreateClusterCommand({ clusterName: 'prod' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // Longer than the role allows.
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'long', DurationSeconds: 10_800 }))).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('a user the trust policy does not name is refused; account-wide trust needs the caller own Allow', async () => {
    const r = await as(erin, 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'xx');
    expect(r.stderr).toContain('(AccessDenied)');
    expect(r.stderr).toContain(`User: arn:aws:iam::${ACCOUNT}:user/erin is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    expect((await as(erin, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/missing`, '--role-session-name', 'xx')).stderr).toContain('(AccessDenied)');

    await w.aws('iam', 'create-role', '--role-name', 'account-wide', '--assume-role-policy-document',
      doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }));
    const wide = `arn:aws:iam::${ACCOUNT}:role/account-wide`;
    expect((await as(erin, 'sts', 'assume-role', '--role-arn', wide, '--role-session-name', 'xx')).stderr).toContain('(AccessDenied)');
    await w.aws('iam', 'put-user-policy', '--user-name', 'erin', '--policy-name', 'assume', '--policy-document',
      doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: wide }));
    const ok = await as(erin, 'sts', 'assume-role', '--role-arn', wide, '--role-session-name', 'xx');
    expect(ok.code, ok.stderr).toBe(0);
    // The root may assume a role its account is trusted by.
    expect((await w.aws('sts', 'assume-role', '--role-arn', wide, '--role-session-name', 'root')).Credentials.AccessKeyId).toMatch(/^ASIA/);
  });

  it('a role with policies cannot be deleted', async () => {
    const r = await w.awsRaw(['iam', 'delete-role', '--role-name', 'deployer']);
    expect(r.stderr).toContain('(DeleteConflict)');
    const roles = (await w.aws('iam', 'list-roles')).Roles.map((x: { RoleName: string }) => x.RoleName);
    expect(roles).toEqual(['account-wide', 'deployer']);
  });
});

describe('at rest', () => {
  it('state.db and its WAL hold no user secret key', async () => {
    const k = await userWithKey('frank');
    const raw = Buffer.concat(['state.db', 'state.db-wal'].map((f) => join(w.dataDir, f)).filter(existsSync).map((p) => readFileSync(p)));
    expect(raw.includes(Buffer.from(k.AccessKeyId))).toBe(true); // the scan sees the row
    expect(raw.includes(Buffer.from(k.SecretAccessKey))).toBe(false);
  });
});
