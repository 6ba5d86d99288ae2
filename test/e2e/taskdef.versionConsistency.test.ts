// versionConsistency on a real agent: a service's tasks keep running the image its first task ran after the tag
// moves to another image, as ECS pins a deployment's image digest; with versionConsistency disabled, and for a
// task outside any deployment, the tag is read again. An image from a registry (Wharf's own) is pinned by its
// manifest digest, pulled by digest where the host no longer has it; an image only built here, by its image id.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateServiceCommand, DeleteServiceCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tar } from '../../src/agent/runtime/tar.js';
import { runId } from '../support/cleanup.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp({ WHARF_LB_WORKERS: '0' });
const docker = new Docker();
const TAG = `wharf-test/pinned-${runId()}:latest`;

/** Builds TAG as an image whose /version says `version`; returns its id. */
async function buildVersion(version: string, tag = TAG): Promise<string> {
  const dockerfile = `FROM ${BUSYBOX}\nCOPY version /version\n`;
  await up.runtime.buildImage(tag, tar([{ path: 'Dockerfile', content: Buffer.from(dockerfile) }, { path: 'version', content: Buffer.from(`${version} ${TAG}`) }]));
  return (await docker.getImage(tag).inspect()).Id;
}

let one = '';
beforeAll(async () => {
  await ensureBusybox(up.runtime);
  one = await buildVersion('one');
});
afterAll(async () => {
  for (const id of [TAG, one]) await docker.getImage(id).remove({ force: true }).catch(() => {});
});

const imageOf = async (taskArn: string) => {
  await expect.poll(async () => (await up.ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks![0]!.lastStatus, { timeout: 60_000, interval: 500 }).toBe('RUNNING');
  const task = (await up.ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks![0]!;
  return (await docker.getContainer(task.containers![0]!.runtimeId!).inspect()).Image;
};
const serviceTasks = async (service: string) => (await up.ecs.send(new ListTasksCommand({ serviceName: service }))).taskArns ?? [];

async function startService(name: string, versionConsistency: 'enabled' | 'disabled', image = TAG, expected = one): Promise<string> {
  await up.ecs.send(new RegisterTaskDefinitionCommand({
    family: name,
    containerDefinitions: [{ name: 'app', image, memory: 32, versionConsistency, command: ['sleep', '600'], stopTimeout: 2 }],
  }));
  await up.ecs.send(new CreateServiceCommand({ serviceName: name, taskDefinition: name, desiredCount: 1 }));
  await expect.poll(() => serviceTasks(name), { timeout: 60_000, interval: 500 }).toHaveLength(1);
  const [first] = await serviceTasks(name);
  expect(await imageOf(first!)).toBe(expected);
  return first!;
}

const digestOf = async (taskArn: string) => {
  let digest: string | undefined;
  await expect.poll(async () => (digest = (await up.ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks![0]!.containers![0]!.imageDigest), { timeout: 10_000 }).toBeTruthy();
  return digest!;
};

async function scaleToTwo(name: string, first: string): Promise<string> {
  await up.ecs.send(new UpdateServiceCommand({ service: name, desiredCount: 2 }));
  await expect.poll(() => serviceTasks(name), { timeout: 60_000, interval: 500 }).toHaveLength(2);
  return (await serviceTasks(name)).find((t) => t !== first)!;
}

async function remove(name: string): Promise<void> {
  await up.ecs.send(new UpdateServiceCommand({ service: name, desiredCount: 0 }));
  await up.ecs.send(new DeleteServiceCommand({ service: name }));
}

describe('versionConsistency', () => {
  it('runs every task of a deployment on the image its first task ran, even after the tag moves', async () => {
    const pinned = await startService('pinned', 'enabled');
    const unpinned = await startService('unpinned', 'disabled');

    const two = await buildVersion('two'); // the tag moves
    expect(two).not.toBe(one);

    expect(await imageOf(await scaleToTwo('pinned', pinned))).toBe(one);
    expect(await imageOf(await scaleToTwo('unpinned', unpinned))).toBe(two);

    // A task outside any deployment reads the tag.
    await up.ecs.send(new RegisterTaskDefinitionCommand({ family: 'standalone', containerDefinitions: [{ name: 'app', image: TAG, memory: 32, command: ['sleep', '600'] }] }));
    const run = await up.ecs.send(new RunTaskCommand({ taskDefinition: 'standalone' }));
    const standalone = run.tasks![0]!.taskArn!;
    expect(await imageOf(standalone)).toBe(two);
    await up.ecs.send(new StopTaskCommand({ task: standalone }));

    // DescribeTasks shows the image each container runs.
    const described = (await up.ecs.send(new DescribeTasksCommand({ tasks: [pinned] }))).tasks![0]!;
    await expect.poll(async () => (await up.ecs.send(new DescribeTasksCommand({ tasks: [pinned] }))).tasks![0]!.containers![0]!.imageDigest, { timeout: 10_000 }).toBe(one);
    expect(described.taskArn).toBe(pinned);
    await remove('pinned');
    await remove('unpinned');
  }, 180_000);

  it('pins an image from a registry by its manifest digest, pulled by digest after the tag moved', async () => {
    const host = new URL(up.wharf.url).host;
    const repo = `${host}/pinned-${runId()}`;
    const image = `${repo}:latest`;
    const cfg = mkdtempSync(join(tmpdir(), 'wharf-docker-'));
    const cli = (args: string[], input?: string) =>
      new Promise<{ code: number; out: string }>((done) => {
        const p = execFile('docker', ['--config', cfg, ...args], (err, stdout, stderr) => done({ code: err ? 1 : 0, out: stdout + stderr }));
        if (input !== undefined) p.stdin!.end(input);
      });
    const ids: string[] = [];
    const repoDigest = async (id: string) => (await docker.getImage(id).inspect()).RepoDigests.find((d) => d.startsWith(`${repo}@`))!.slice(repo.length + 1);
    try {
      await up.wharf.aws('ecr', 'create-repository', '--repository-name', repo.slice(host.length + 1));
      const pw = await up.wharf.awsRaw(['ecr', 'get-login-password']);
      expect((await cli(['login', '--username', 'AWS', '--password-stdin', host], pw.stdout.trim())).code).toBe(0);
      const v1 = await buildVersion('one', image);
      ids.push(v1);
      const push1 = await cli(['push', image]);
      expect(push1.code, push1.out).toBe(0);
      const d1 = await repoDigest(v1);
      expect(d1).toMatch(/^sha256:[0-9a-f]{64}$/);

      const first = await startService('registry-pinned', 'enabled', image, v1);
      expect(await digestOf(first)).toBe(d1); // the task reports the registry's digest, as ECS does

      // The tag moves in the registry, and this host forgets the first image's name: only its digest brings it back.
      const v2 = await buildVersion('two', image);
      ids.push(v2);
      const push2 = await cli(['push', image]);
      expect(push2.code, push2.out).toBe(0);
      expect(await repoDigest(v2)).not.toBe(d1);
      expect((await cli(['rmi', '-f', `${repo}@${d1}`])).code).toBe(0);
      expect(await up.runtime.imageInfo(`${repo}@${d1}`)).toBeUndefined();

      const second = await scaleToTwo('registry-pinned', first);
      expect(await imageOf(second)).toBe(v1);
      expect(await digestOf(second)).toBe(d1);
      const task = (await up.ecs.send(new DescribeTasksCommand({ tasks: [second] }))).tasks![0]!;
      expect((await docker.getContainer(task.containers![0]!.runtimeId!).inspect()).Config.Image).toBe(`${repo}@${d1}`);
      await remove('registry-pinned');
    } finally {
      await cli(['logout', host]);
      rmSync(cfg, { recursive: true, force: true });
      for (const id of ids) await docker.getImage(id).remove({ force: true }).catch(() => {});
    }
  }, 180_000);
});
