// Platform fields on a real agent: runtimePlatform places only on instances of that architecture and OS family
// (ATTRIBUTE otherwise) and tasks report the architecture; platformVersion LATEST resolves to the version Wharf
// reports; pidMode and ipcMode task share one namespace through a pause container, host joins the host's;
// ephemeralStorage is applied, or refused with the reason where Docker's storage driver cannot limit a size.
import {
  DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type RegisterTaskDefinitionCommandInput, type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp({ WHARF_LB_WORKERS: '0' });
const docker = new Docker();
const HOST_ARCH = process.arch === 'arm64' ? 'ARM64' : 'X86_64';
const OTHER_ARCH = HOST_ARCH === 'ARM64' ? 'X86_64' : 'ARM64';
const AWSVPC = { awsvpcConfiguration: { subnets: ['subnet-a'] } };

async function register(input: Omit<RegisterTaskDefinitionCommandInput, 'containerDefinitions'> & Partial<RegisterTaskDefinitionCommandInput>) {
  return up.ecs.send(new RegisterTaskDefinitionCommand({
    containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 64, command: ['sleep', '300'] }],
    ...input,
  }));
}
const run = (input: Omit<RunTaskCommandInput, 'taskDefinition'> & { taskDefinition: string }) => up.ecs.send(new RunTaskCommand(input));
const describeTask = async (taskArn: string) => (await up.ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks![0]!;
const waitFor = async (taskArn: string, status: string) => {
  await expect.poll(async () => (await describeTask(taskArn)).lastStatus, { timeout: 60_000, interval: 500 }).toBe(status);
  return describeTask(taskArn);
};

describe('platform fields', () => {
  it('places runtimePlatform only on instances of that architecture and OS family, and tasks report it', async () => {
    await register({ family: 'plat-other', runtimePlatform: { cpuArchitecture: OTHER_ARCH, operatingSystemFamily: 'LINUX' } });
    const other = await run({ taskDefinition: 'plat-other' });
    expect(other.tasks).toEqual([]);
    expect(other.failures).toEqual([expect.objectContaining({ reason: 'ATTRIBUTE' })]);

    await register({ family: 'plat-windows', runtimePlatform: { cpuArchitecture: HOST_ARCH, operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' } });
    expect((await run({ taskDefinition: 'plat-windows' })).failures).toEqual([expect.objectContaining({ reason: 'ATTRIBUTE' })]);

    await register({ family: 'plat-host', runtimePlatform: { cpuArchitecture: HOST_ARCH, operatingSystemFamily: 'LINUX' } });
    const ok = await run({ taskDefinition: 'plat-host' });
    expect(ok.failures).toEqual([]);
    const task = await waitFor(ok.tasks![0]!.taskArn!, 'RUNNING');
    expect(task.attributes).toContainEqual({ name: 'ecs.cpu-architecture', value: HOST_ARCH.toLowerCase() });
    await up.ecs.send(new StopTaskCommand({ task: task.taskArn! }));
  });

  it('resolves platformVersion LATEST to the version Fargate tasks report, and refuses what is not there', async () => {
    await register({ family: 'plat-fargate', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512' });
    const latest = await run({ taskDefinition: 'plat-fargate', launchType: 'FARGATE', platformVersion: 'LATEST', networkConfiguration: AWSVPC });
    expect(latest.failures).toEqual([]);
    expect(latest.tasks![0]!.platformVersion).toBe('1.4.0');
    await up.ecs.send(new StopTaskCommand({ task: latest.tasks![0]!.taskArn! }));
    await expect(run({ taskDefinition: 'plat-fargate', launchType: 'FARGATE', platformVersion: '9.9.9', networkConfiguration: AWSVPC }))
      .rejects.toMatchObject({ name: 'ClientException', message: expect.stringContaining('The specified platform version (9.9.9) does not exist') });
    await expect(run({ taskDefinition: 'plat-fargate', launchType: 'EC2', platformVersion: 'LATEST', networkConfiguration: AWSVPC }))
      .rejects.toMatchObject({ name: 'ClientException', message: 'The platform version must be null when specifying an EC2 launch type.' });
  });

  it('shares one PID and IPC namespace among a task\'s containers with pidMode and ipcMode task', async () => {
    await register({
      family: 'plat-ns-task', pidMode: 'task', ipcMode: 'task',
      containerDefinitions: [
        { name: 'peer', image: BUSYBOX, memory: 64, command: ['sleep', '1234'] },
        { name: 'look', image: BUSYBOX, memory: 64, command: ['sh', '-c', 'until ps | grep -q "[s]leep 1234"; do sleep 0.2; done; echo SAW-PEER; sleep 300'] },
      ],
    });
    const r = await run({ taskDefinition: 'plat-ns-task' });
    const task = await waitFor(r.tasks![0]!.taskArn!, 'RUNNING');
    const look = task.containers!.find((c) => c.name === 'look')!.runtimeId!;
    const output = async () => (await docker.getContainer(look).logs({ stdout: true, stderr: true })).toString();
    await expect.poll(output, { timeout: 30_000, interval: 500 }).toContain('SAW-PEER');
    const info = await docker.getContainer(look).inspect();
    expect(info.HostConfig.PidMode).toMatch(/^container:[0-9a-f]{64}$/);
    expect(info.HostConfig.IpcMode).toBe(info.HostConfig.PidMode);
    const pause = await docker.getContainer(info.HostConfig.PidMode!.slice('container:'.length)).inspect();
    expect(pause.HostConfig.IpcMode).toBe('shareable');
    expect(pause.Config.Labels['com.amazonaws.ecs.task-arn']).toBe(task.taskArn);
    await up.ecs.send(new StopTaskCommand({ task: task.taskArn! }));
  });

  it('joins the host\'s PID namespace with pidMode host', async () => {
    await register({
      family: 'plat-ns-host', pidMode: 'host',
      containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 64, command: ['sh', '-c', 'echo "pid1=$(cat /proc/1/comm)"; sleep 300'] }],
    });
    const r = await run({ taskDefinition: 'plat-ns-host' });
    const task = await waitFor(r.tasks![0]!.taskArn!, 'RUNNING');
    const id = task.containers![0]!.runtimeId!;
    const output = async () => (await docker.getContainer(id).logs({ stdout: true })).toString();
    await expect.poll(output, { timeout: 30_000, interval: 500 }).toContain('pid1=');
    expect(await output()).not.toContain('pid1=sh'); // its own namespace would make the shell PID 1
    expect((await docker.getContainer(id).inspect()).HostConfig.PidMode).toBe('host');
    await up.ecs.send(new StopTaskCommand({ task: task.taskArn! }));
  });

  it('applies ephemeralStorage where the storage driver can, and refuses it with the reason where it cannot', async () => {
    const info = (await docker.info()) as { Driver: string; DriverStatus: [string, string][] };
    const fs = info.DriverStatus.find(([k]) => k === 'Backing Filesystem')?.[1];
    await register({ family: 'plat-storage', ephemeralStorage: { sizeInGiB: 30 } });
    const r = await run({ taskDefinition: 'plat-storage' });
    if (info.Driver === 'overlay2' && fs !== 'xfs') {
      const task = await waitFor(r.tasks![0]!.taskArn!, 'STOPPED');
      expect(task.stopCode).toBe('TaskFailedToStart');
      expect(task.containers![0]!.reason).toBe(
        `CannotCreateContainerError: ephemeralStorage of 30 GiB cannot be applied: Docker's storage driver overlay2 on ${fs} cannot limit a container's size (overlay2 needs xfs mounted with pquota; btrfs, zfs and devicemapper can)`,
      );
    } else {
      const task = await waitFor(r.tasks![0]!.taskArn!, 'RUNNING');
      const c = await docker.getContainer(task.containers![0]!.runtimeId!).inspect();
      expect(c.HostConfig.StorageOpt).toEqual({ size: '30G' });
      await up.ecs.send(new StopTaskCommand({ task: task.taskArn! }));
    }
    await expect(register({ family: 'plat-storage', ephemeralStorage: { sizeInGiB: 20 } })).rejects.toMatchObject({
      name: 'ClientException', message: "Invalid 'ephemeralStorage' setting for task. 'sizeInGiB' must be between 21 and 200.",
    });
  });
});
