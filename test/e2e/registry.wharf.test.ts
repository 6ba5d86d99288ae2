// The registry as `wharf server` serves it on the gateway port: ECR repositories whose URI is the address docker
// reaches, and /v2/ behind ECR's login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type Wharf } from './harness.js';

let wharf: Wharf;
beforeAll(async () => {
  wharf = await startWharf();
});
afterAll(async () => {
  await wharf?.stop();
});

describe('registry in the wharf process', () => {
  it('creates repositories at the gateway address and requires the ECR login on /v2/', async () => {
    const host = new URL(wharf.url).host;
    const repo = await wharf.aws('ecr', 'create-repository', '--repository-name', 'fast-api');
    expect(repo.repository.repositoryUri).toBe(`${host}/fast-api`);
    expect(repo.repository.repositoryArn).toBe('arn:aws:ecr:us-east-1:000000000000:repository/fast-api');
    const anonymous = await fetch(`${wharf.url}/v2/`);
    expect(anonymous.status).toBe(401);
    const pw = await wharf.awsRaw(['ecr', 'get-login-password']);
    expect(pw.code).toBe(0);
    const auth = Buffer.from(`AWS:${pw.stdout.trim()}`).toString('base64');
    const ok = await fetch(`${wharf.url}/v2/`, { headers: { authorization: `Basic ${auth}` } });
    expect(ok.status).toBe(200);
    const tags = await fetch(`${wharf.url}/v2/fast-api/tags/list`, { headers: { authorization: `Basic ${auth}` } });
    expect(await tags.json()).toEqual({ name: 'fast-api', tags: [] });
  });
});
