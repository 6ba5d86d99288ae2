// FARGATE_SPOT interruptions under `wharf up`: `wharf spot reclaim` takes the capacity back, the task stops as ECS
// stops an interrupted one (stop code SpotInterruption, "Your Spot Task was interrupted."), and its service replaces
// it on FARGATE_SPOT.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateServiceCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { WHARF_BIN, WHARF_ENV } from './harness.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp();
const run = promisify(execFile);

const running = async () => {
  const arns = (await up.ecs.send(new ListTasksCommand({ serviceName: 'spotty' }))).taskArns ?? [];
  if (!arns.length) return [];
  return (await up.ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks!.filter((t) => t.lastStatus === 'RUNNING');
};

describe('FARGATE_SPOT', () => {
  it('interrupts a spot task on request, and its service replaces it', async () => {
    const td = await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'spotty',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: BUSYBOX, stopTimeout: 2, command: ['sleep', '3600'] }],
    }));
    await up.ecs.send(new CreateServiceCommand({
      serviceName: 'spotty',
      taskDefinition: td.taskDefinition!.taskDefinitionArn,
      desiredCount: 1,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-spot'] } },
    }));
    await expect.poll(async () => (await running()).length, { timeout: 60_000, interval: 300 }).toBe(1);
    const first = (await running())[0]!;
    expect(first.capacityProviderName).toBe('FARGATE_SPOT');

    const out = await run(process.execPath, [WHARF_BIN, 'spot', 'reclaim', '--count', '1', '--endpoint-url', up.wharf.url], { env: WHARF_ENV });
    expect(out.stdout.trim()).toBe(first.taskArn);

    await expect
      .poll(async () => (await up.ecs.send(new DescribeTasksCommand({ tasks: [first.taskArn!] }))).tasks![0]!.lastStatus, { timeout: 60_000, interval: 300 })
      .toBe('STOPPED');
    const stopped = (await up.ecs.send(new DescribeTasksCommand({ tasks: [first.taskArn!] }))).tasks![0]!;
    expect(stopped).toMatchObject({ stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' });

    await expect.poll(async () => (await running()).filter((t) => t.taskArn !== first.taskArn).length, { timeout: 60_000, interval: 300 }).toBe(1);
    expect((await running())[0]!.capacityProviderName).toBe('FARGATE_SPOT');

    // Nothing left to take back on another cluster.
    const none = await run(process.execPath, [WHARF_BIN, 'spot', 'reclaim', '--cluster', 'elsewhere', '--endpoint-url', up.wharf.url], { env: WHARF_ENV });
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('no running FARGATE_SPOT task to interrupt');
  }, 240_000);
});
