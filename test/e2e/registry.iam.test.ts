// The registry under IAM: a `docker login` password belongs to the key that called GetAuthorizationToken, and each
// /v2/ request is allowed what that key's holder may do with ECR's actions on the repository's ARN. A pull-only user
// pulls and is refused a push (403 DENIED, AWS's text), a user who may push to one repository is refused another,
// deleting a key makes its earlier password useless, and the root key still pushes.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, TEST_CREDENTIALS, type Wharf } from './harness.js';
import { run } from './registryHarness.js';

const ACCOUNT = '000000000000';
const arn = (repo: string) => `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${repo}`;
type Keys = { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string };
const ROOT: Keys = { AccessKeyId: TEST_CREDENTIALS.accessKeyId, SecretAccessKey: TEST_CREDENTIALS.secretAccessKey };
const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
const PUSH = ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'];
const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const TOKEN = { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' };

let w: Wharf;
let host: string;
let ctx: string;
const dirs: string[] = [];
/** Tags and image ids this file made. */
const made: string[] = [];

async function userWithKey(name: string, policy: string): Promise<Keys> {
  const iam = new IAMClient({ endpoint: w.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: ROOT.AccessKeyId, secretAccessKey: ROOT.SecretAccessKey } });
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'registry', PolicyDocument: policy }));
  return (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey as Keys;
}

/** A docker client of its own (config directory) logged in with the password `keys` get from GetAuthorizationToken. */
async function dockerAs(keys: Keys) {
  const got = await w.awsRaw(['ecr', 'get-login-password'], {
    AWS_ACCESS_KEY_ID: keys.AccessKeyId, AWS_SECRET_ACCESS_KEY: keys.SecretAccessKey, ...(keys.SessionToken ? { AWS_SESSION_TOKEN: keys.SessionToken } : {}),
  });
  expect(got.code, got.stderr).toBe(0);
  const password = got.stdout.trim();
  const cfg = mkdtempSync(join(tmpdir(), 'wharf-docker-iam-'));
  dirs.push(cfg);
  const docker = (...args: string[]) => run('docker', ['--config', cfg, ...args], { input: args[0] === 'login' ? password : undefined });
  const login = await docker('login', '--username', 'AWS', '--password-stdin', host);
  expect(login.code, login.stderr).toBe(0);
  return { password, docker };
}

async function build(tag: string, marker: string) {
  writeFileSync(join(ctx, 'marker'), marker);
  made.push(tag);
  const r = await run('docker', ['build', '-q', '-t', tag, ctx]);
  if (r.code !== 0) throw new Error(r.stderr);
  made.push(r.stdout.trim());
}

/** Raw /v2/ with a password. */
const v2 = (password: string, method: string, path: string) =>
  fetch(`${w.url}${path}`, { method, headers: { authorization: 'Basic ' + Buffer.from(`AWS:${password}`).toString('base64') }, redirect: 'manual' });

async function expectDenied(res: Response, action: string, principal: string, repo: string) {
  expect(res.status).toBe(403);
  expect(await res.json()).toEqual({
    errors: [{
      code: 'DENIED',
      message: `User: ${principal} is not authorized to perform: ${action} on resource: ${arn(repo)} because no identity-based policy allows the ${action} action`,
      detail: null,
    }],
  });
}

beforeAll(async () => {
  w = await startWharf();
  host = new URL(w.url).host;
  ctx = mkdtempSync(join(tmpdir(), 'wharf-ctx-iam-'));
  dirs.push(ctx);
  copyFileSync('/bin/busybox', join(ctx, 'busybox'));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY marker /marker\nCMD ["/bin/busybox", "cat", "/marker"]\n');
  await w.aws('ecr', 'create-repository', '--repository-name', 'team/app');
  await w.aws('ecr', 'create-repository', '--repository-name', 'team/other');
}, 120_000);

afterAll(async () => {
  if (made.length) await run('docker', ['rmi', '-f', ...new Set(made)]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await w?.stop();
});

describe('registry passwords under IAM', () => {
  it('the root key pushes; a pull-only user pulls and is refused a push with 403 DENIED', async () => {
    const root = await dockerAs(ROOT);
    const tag = `${host}/team/app:1`;
    await build(tag, 'from root');
    const push = await root.docker('push', tag);
    expect(push.code, push.stderr).toBe(0);
    expect((await run('docker', ['rmi', tag])).code).toBe(0);

    const reader = await dockerAs(await userWithKey('reader', doc(TOKEN, { Effect: 'Allow', Action: PULL, Resource: arn('team/*') })));
    const pull = await reader.docker('pull', tag);
    expect(pull.code, pull.stderr).toBe(0);
    expect((await run('docker', ['run', '--rm', tag])).stdout).toBe('from root');

    const mine = `${host}/team/app:reader`;
    await build(mine, 'from reader');
    const refused = await reader.docker('push', mine);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(
      /denied: User: arn:aws:iam::000000000000:user\/reader is not authorized to perform: ecr:(InitiateLayerUpload|PutImage) on resource: arn:aws:ecr:us-east-1:000000000000:repository\/team\/app/,
    );
    await expectDenied(await v2(reader.password, 'POST', '/v2/team/app/blobs/uploads/'), 'ecr:InitiateLayerUpload', `arn:aws:iam::${ACCOUNT}:user/reader`, 'team/app');
    // Nothing was written: the repository still holds root's image alone.
    const images = await w.aws('ecr', 'describe-images', '--repository-name', 'team/app');
    expect(images.imageDetails.map((i: { imageTags: string[] }) => i.imageTags)).toEqual([['1']]);
    // Listing needs ecr:ListImages, and the catalog lists only what the user may describe (nothing).
    await expectDenied(await v2(reader.password, 'GET', '/v2/team/app/tags/list'), 'ecr:ListImages', `arn:aws:iam::${ACCOUNT}:user/reader`, 'team/app');
    expect(await (await v2(reader.password, 'GET', '/v2/_catalog')).json()).toEqual({ repositories: [] });
    expect(await (await v2(root.password, 'GET', '/v2/_catalog')).json()).toEqual({ repositories: ['team/app', 'team/other'] });
  }, 240_000);

  it('a user who may push to one repository is refused another, and its password dies with its key', async () => {
    const keys = await userWithKey('pusher', doc(TOKEN, { Effect: 'Allow', Action: PUSH, Resource: arn('team/app') }));
    const pusher = await dockerAs(keys);
    const ok = `${host}/team/app:pusher`;
    await build(ok, 'from pusher');
    const push = await pusher.docker('push', ok);
    expect(push.code, push.stderr).toBe(0);

    const other = `${host}/team/other:pusher`;
    await build(other, 'from pusher, elsewhere');
    const refused = await pusher.docker('push', other);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/denied: User: arn:aws:iam::000000000000:user\/pusher is not authorized to perform: ecr:\w+ on resource: arn:aws:ecr:us-east-1:000000000000:repository\/team\/other/);
    await expectDenied(await v2(pusher.password, 'POST', '/v2/team/other/blobs/uploads/'), 'ecr:InitiateLayerUpload', `arn:aws:iam::${ACCOUNT}:user/pusher`, 'team/other');
    // Pushing gives no pull.
    await expectDenied(await v2(pusher.password, 'GET', '/v2/team/app/manifests/pusher'), 'ecr:BatchGetImage', `arn:aws:iam::${ACCOUNT}:user/pusher`, 'team/app');
    expect((await w.aws('ecr', 'describe-images', '--repository-name', 'team/other')).imageDetails).toEqual([]);

    // The password works until the key behind it is deleted, then not at all.
    const start = await v2(pusher.password, 'POST', '/v2/team/app/blobs/uploads/');
    expect(start.status).toBe(202);
    await w.aws('iam', 'delete-access-key', '--user-name', 'pusher', '--access-key-id', keys.AccessKeyId);
    const after = await v2(pusher.password, 'POST', '/v2/team/app/blobs/uploads/');
    expect(after.status).toBe(401);
    expect((await after.json()).errors[0].code).toBe('UNAUTHORIZED');
    const again = await pusher.docker('push', ok);
    expect(again.code).not.toBe(0);
  }, 240_000);

  it('an assumed role\'s password gets what the role allows, and loses it when the role\'s policy goes', async () => {
    const caller = await userWithKey('deployer', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }));
    await w.aws('iam', 'create-role', '--role-name', 'puller', '--assume-role-policy-document',
      doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/deployer` }, Action: 'sts:AssumeRole' }));
    await w.aws('iam', 'put-role-policy', '--role-name', 'puller', '--policy-name', 'pull', '--policy-document',
      doc(TOKEN, { Effect: 'Allow', Action: PULL, Resource: arn('team/app') }));
    const assumed = await w.awsRaw(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/puller`, '--role-session-name', 'ci'], {
      AWS_ACCESS_KEY_ID: caller.AccessKeyId, AWS_SECRET_ACCESS_KEY: caller.SecretAccessKey,
    });
    expect(assumed.code, assumed.stderr).toBe(0);
    const { password } = await dockerAs(JSON.parse(assumed.stdout).Credentials as Keys);
    const accept = { accept: 'application/vnd.docker.distribution.manifest.v2+json' };
    const get = () => fetch(`${w.url}/v2/team/app/manifests/1`, { headers: { ...accept, authorization: 'Basic ' + Buffer.from(`AWS:${password}`).toString('base64') } });
    expect((await get()).status).toBe(200);
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/puller/ci`;
    await expectDenied(await v2(password, 'POST', '/v2/team/app/blobs/uploads/'), 'ecr:InitiateLayerUpload', session, 'team/app');
    await expectDenied(await v2(password, 'GET', '/v2/team/other/manifests/1'), 'ecr:BatchGetImage', session, 'team/other');
    await w.aws('iam', 'delete-role-policy', '--role-name', 'puller', '--policy-name', 'pull');
    await expectDenied(await get(), 'ecr:BatchGetImage', session, 'team/app');
  }, 120_000);
});
