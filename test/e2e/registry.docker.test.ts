// The registry with real clients: `aws ecr get-login-password | docker login`, docker build/push/pull of a FROM-scratch
// busybox image, tag immutability through docker push, anonymous pulls refused, and skopeo copying in and out.
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startRegistryWharf, type RegistryWharf } from './registryHarness.js';

const DOCKER = 'docker';
let w: RegistryWharf;
let cfg: string;
let ctx: string;
let pw: string;
/** Tags and image ids this file made; a rebuilt tag leaves the old image untagged, so ids are removed too. */
const tagged: string[] = [];
const docker = (...args: string[]) => run(DOCKER, ['--config', cfg, ...args], { input: args[0] === 'login' ? pw : undefined });

async function build(tag: string, marker: string) {
  writeFileSync(join(ctx, 'marker'), marker);
  tagged.push(tag);
  const r = await docker('build', '-q', '-t', tag, ctx);
  if (r.code !== 0) throw new Error(r.stderr);
  tagged.push(r.stdout.trim());
}

beforeAll(async () => {
  w = await startRegistryWharf();
  cfg = mkdtempSync(join(tmpdir(), 'wharf-docker-'));
  ctx = mkdtempSync(join(tmpdir(), 'wharf-ctx-'));
  copyFileSync('/bin/busybox', join(ctx, 'busybox'));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY marker /marker\nCMD ["/bin/busybox", "cat", "/marker"]\n');
  await w.aws('ecr', 'create-repository', '--repository-name', 'demo/web');
  pw = (await w.awsRaw(['ecr', 'get-login-password'])).stdout.trim();
}, 120_000);

afterAll(async () => {
  if (tagged.length) await run(DOCKER, ['rmi', '-f', ...new Set(tagged)]);
  rmSync(cfg, { recursive: true, force: true });
  rmSync(ctx, { recursive: true, force: true });
  await w?.stop();
});

describe('docker', () => {
  it('refuses an anonymous push', async () => {
    const tag = `${w.host}/demo/web:anon`;
    await build(tag, 'anon');
    const r = await docker('push', tag);
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/no basic auth credentials|unauthorized|authentication required/i);
  });

  it('logs in with the ECR password, pushes, and pulls back what it pushed', async () => {
    const login = await docker('login', '--username', 'AWS', '--password-stdin', w.host);
    expect(login.stdout).toContain('Login Succeeded');
    const tag = `${w.host}/demo/web:1`;
    await build(tag, 'version one');
    const push = await docker('push', tag);
    expect(push.code, push.stderr).toBe(0);
    const images = await w.aws('ecr', 'describe-images', '--repository-name', 'demo/web');
    expect(images.imageDetails[0]).toMatchObject({
      imageTags: ['1'], imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    });
    expect(images.imageDetails[0].imageSizeInBytes).toBeGreaterThan(500_000);
    expect((await run(DOCKER, ['rmi', tag])).code).toBe(0);
    const pull = await docker('pull', tag);
    expect(pull.code, pull.stderr).toBe(0);
    const out = await run(DOCKER, ['run', '--rm', tag]);
    expect(out.stdout).toBe('version one');
  });

  it('refuses to overwrite a tag once the repository is IMMUTABLE, through docker push', async () => {
    await w.aws('ecr', 'put-image-tag-mutability', '--repository-name', 'demo/web', '--image-tag-mutability', 'IMMUTABLE');
    const tag = `${w.host}/demo/web:1`;
    await build(tag, 'version two');
    const push = await docker('push', tag);
    expect(push.code).not.toBe(0);
    expect(push.stderr + push.stdout).toMatch(/tag invalid|cannot be overwritten/);
    const ecr = await w.awsRaw(['ecr', 'batch-get-image', '--repository-name', 'demo/web', '--image-ids', 'imageTag=1']);
    const manifest = JSON.parse(ecr.stdout).images[0].imageManifest as string;
    const put = await w.awsRaw(['ecr', 'put-image', '--repository-name', 'demo/web', '--image-tag', 'other', '--image-manifest', manifest]);
    expect(put.code).toBe(0);
    const body = JSON.stringify({ ...JSON.parse(manifest), annotations: { x: 'y' } });
    const clash = await w.awsRaw(['ecr', 'put-image', '--repository-name', 'demo/web', '--image-tag', '1', '--image-manifest', body]);
    expect(clash.stderr).toContain('ImageTagAlreadyExistsException');
  });
});

describe('skopeo', () => {
  it('copies an image in from docker and out to an OCI layout', async () => {
    const creds = `AWS:${pw}`;
    const src = `docker-daemon:${w.host}/demo/web:1`;
    const into = await run('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', creds, src, `docker://${w.host}/demo/web:skopeo`]);
    expect(into.code, into.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'wharf-oci-'));
    try {
      const out = await run('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', creds, `docker://${w.host}/demo/web:skopeo`, `oci:${dir}:copy`]);
      expect(out.code, out.stderr).toBe(0);
      const inspect = await run('skopeo', ['inspect', '--tls-verify=false', '--creds', creds, `docker://${w.host}/demo/web:skopeo`]);
      expect(JSON.parse(inspect.stdout).Layers.length).toBeGreaterThan(0);
      const anon = await run('skopeo', ['inspect', '--tls-verify=false', '--no-creds', `docker://${w.host}/demo/web:skopeo`]);
      expect(anon.code).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
