// versionConsistency on a real agent: a service's tasks keep running the image its first task ran after the tag
// moves to another image, as ECS pins a deployment's image digest; with versionConsistency disabled, and for a
// task outside any deployment, the tag is read again.
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
async function buildVersion(version: string): Promise<string> {
  const dockerfile = `FROM ${BUSYBOX}\nCOPY version /version\n`;
  await up.runtime.buildImage(TAG, tar([{ path: 'Dockerfile', content: Buffer.from(dockerfile) }, { path: 'version', content: Buffer.from(version) }]));
  return (await docker.getImage(TAG).inspect()).Id;
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

async function startService(name: string, versionConsistency: 'enabled' | 'disabled'): Promise<string> {
  await up.ecs.send(new RegisterTaskDefinitionCommand({
    family: name,
    containerDefinitions: [{ name: 'app', image: TAG, memory: 32, versionConsistency, command: ['sleep', '600'], stopTimeout: 2 }],
  }));
  await up.ecs.send(new CreateServiceCommand({ serviceName: name, taskDefinition: name, desiredCount: 1 }));
  await expect.poll(() => serviceTasks(name), { timeout: 60_000, interval: 500 }).toHaveLength(1);
  const [first] = await serviceTasks(name);
  expect(await imageOf(first!)).toBe(one);
  return first!;
}

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
});
