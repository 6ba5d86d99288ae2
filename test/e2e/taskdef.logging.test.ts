// Docker's log drivers from logConfiguration on a real agent: json-file with its options (Docker's own log file
// holds the task's output) and syslog to a UDP listener on loopback in this test; an option Docker's driver does
// not know stops the task with Docker's error. `wharf logs` keeps the output whatever the driver.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp({ WHARF_LB_WORKERS: '0' });
const docker = new Docker();

let syslog: Socket;
const received: string[] = [];
let syslogPort = 0;

beforeAll(async () => {
  syslog = createSocket('udp4');
  syslog.on('message', (m) => received.push(m.toString()));
  await new Promise<void>((done) => syslog.bind(0, '127.0.0.1', done));
  syslogPort = syslog.address().port;
});
afterAll(() => syslog?.close());

async function runTask(family: string, container: ContainerDefinition): Promise<string> {
  await up.ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ memory: 64, essential: true, ...container }] }));
  const run = await up.ecs.send(new RunTaskCommand({ taskDefinition: family }));
  expect(run.failures).toEqual([]);
  return run.tasks![0]!.taskArn!;
}

const describeTask = async (taskArn: string) => (await up.ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks![0]!;
const dockerId = async (taskArn: string) => {
  await expect.poll(async () => (await describeTask(taskArn)).containers?.[0]?.runtimeId, { timeout: 60_000, interval: 500 }).toBeTruthy();
  return (await describeTask(taskArn)).containers![0]!.runtimeId!;
};

describe('log drivers', () => {
  it('passes json-file and its options to Docker, whose log file gets the output', async () => {
    const taskArn = await runTask('log-json', {
      name: 'app', image: BUSYBOX, command: ['sh', '-c', 'echo json-file-line; sleep 300'],
      logConfiguration: { logDriver: 'json-file', options: { 'max-size': '1m', 'max-file': '2', labels: 'com.amazonaws.ecs.task-arn' } },
    });
    const info = await docker.getContainer(await dockerId(taskArn)).inspect();
    expect(info.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2', labels: 'com.amazonaws.ecs.task-arn' } });
    await expect.poll(() => readFileSync(info.LogPath, 'utf8'), { timeout: 30_000, interval: 500 }).toContain('json-file-line');
    // The label option makes Docker record the task's ARN beside each line.
    expect(readFileSync(info.LogPath, 'utf8')).toContain(taskArn);
    await up.ecs.send(new StopTaskCommand({ task: taskArn }));
  });

  it('sends a task\'s output to a syslog server with Docker\'s syslog driver', async () => {
    const taskArn = await runTask('log-syslog', {
      name: 'app', image: BUSYBOX, command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo syslog-line-$i; sleep 1; done; sleep 300'],
      logConfiguration: { logDriver: 'syslog', options: { 'syslog-address': `udp://127.0.0.1:${syslogPort}`, tag: 'wharf-syslog-test', 'syslog-format': 'rfc5424' } },
    });
    await expect.poll(() => received.join('\n'), { timeout: 60_000, interval: 500 }).toContain('syslog-line-5');
    const line = received.find((m) => m.includes('syslog-line-1'))!;
    expect(line).toContain('wharf-syslog-test');
    expect(line).toMatch(/^<\d+>1 /); // RFC 5424
    const info = await docker.getContainer(await dockerId(taskArn)).inspect();
    expect(info.HostConfig.LogConfig?.Type).toBe('syslog');
    // Docker's dual logging keeps the output readable to the agent: `wharf logs` has it too.
    const logs = await up.wharf.awsRaw(['logs', 'filter-log-events', '--log-group-name', '/wharf/tasks/default']);
    expect(logs.code).toBe(0);
    await expect.poll(async () => (await up.wharf.awsRaw(['logs', 'filter-log-events', '--log-group-name', '/wharf/tasks/default', '--filter-pattern', 'syslog-line-3'])).stdout, { timeout: 30_000, interval: 1000 }).toContain('syslog-line-3');
    await up.ecs.send(new StopTaskCommand({ task: taskArn }));
  });

  it('stops the task with Docker\'s error when the driver refuses an option', async () => {
    const taskArn = await runTask('log-bad-option', {
      name: 'app', image: BUSYBOX, command: ['sleep', '300'],
      logConfiguration: { logDriver: 'syslog', options: { 'no-such-option': 'x' } },
    });
    await expect.poll(async () => (await describeTask(taskArn)).lastStatus, { timeout: 60_000, interval: 500 }).toBe('STOPPED');
    const task = await describeTask(taskArn);
    expect(task.stopCode).toBe('TaskFailedToStart');
    expect(task.containers![0]!.reason).toMatch(/^CannotCreateContainerError: .*unknown log opt 'no-such-option' for syslog log driver/);
  });
});
