// Logs and metrics from real containers: output shipped by the agent to the task's own streams (`wharf logs`) and
// to awslogs groups (aws logs get-log-events / filter-log-events), a missing awslogs group failing the task as ECS
// does, and CPU use becoming AWS/ECS CPUUtilization that target tracking scales a service on.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  DeleteServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';
import { WHARF_BIN, WHARF_ENV } from './harness.js';

const up = useWharfUp({ WHARF_METRIC_PERIOD: '1' });
const run = promisify(execFile);

const task = async (arn: string): Promise<Task> => (await up.ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;



describe('logs', () => {
  it('ships container output to awslogs groups and to the task streams wharf logs reads', async () => {
    await up.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'talker',
        containerDefinitions: [
          {
            name: 'main',
            image: BUSYBOX,
            memory: 32,
            command: ['sh', '-c', 'echo hello from wharf; echo "{\\"level\\":\\"error\\",\\"ms\\":250}"; echo done >&2; sleep 600'],
            stopTimeout: 2,
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': '/ecs/talker',
                'awslogs-region': 'us-east-1',
                'awslogs-stream-prefix': 'ecs',
                'awslogs-create-group': 'true',
              },
            },
          },
        ],
      }),
    );
    const out = await up.ecs.send(new RunTaskCommand({ taskDefinition: 'talker' }));
    const arn = out.tasks![0]!.taskArn!;
    const taskId = arn.split('/').pop()!;
    const stream = `ecs/main/${taskId}`;
    await expect
      .poll(async () => {
        const r = await up.wharf.awsRaw(['logs', 'get-log-events', '--log-group-name', '/ecs/talker', '--log-stream-name', stream]);
        // stdout and stderr are two pipes: their relative order is not guaranteed.
        return r.code === 0 ? JSON.parse(r.stdout).events.map((e: { message: string }) => e.message).sort() : [];
      }, { timeout: 30_000 })
      .toEqual(['done', 'hello from wharf', '{"level":"error","ms":250}']);
    const filtered = await up.wharf.aws('logs', 'filter-log-events', '--log-group-name', '/ecs/talker', '--filter-pattern', '{ $.level = "error" && $.ms > 100 }');
    expect(filtered.events.map((e: { message: string }) => e.message)).toEqual(['{"level":"error","ms":250}']);

    const { stdout } = await run(process.execPath, [WHARF_BIN, 'logs', arn, '--endpoint-url', up.wharf.url], {
      env: WHARF_ENV,
    });
    expect(stdout.trim().split('\n').sort()).toEqual(['main | done', 'main | hello from wharf', 'main | {"level":"error","ms":250}']);
    // --follow prints the output and stays, waiting for more.
    const follow = spawn(process.execPath, [WHARF_BIN, 'logs', taskId, '--follow', '--endpoint-url', up.wharf.url], {
      env: WHARF_ENV,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let followed = '';
    follow.stdout!.on('data', (d) => (followed += d));
    try {
      await expect.poll(() => followed, { timeout: 20_000 }).toContain('main | hello from wharf');
      await new Promise((r) => setTimeout(r, 1500));
      expect(follow.exitCode).toBeNull();
    } finally {
      follow.kill('SIGTERM');
    }
    await up.ecs.send(new StopTaskCommand({ task: arn }));
  });

  it('fails a task whose awslogs group does not exist and may not be created, as ECS does', async () => {
    await up.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'no-group',
        containerDefinitions: [
          {
            name: 'main',
            image: BUSYBOX,
            memory: 32,
            stopTimeout: 2,
            command: ['sh', '-c', 'echo hi; sleep 600'],
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/missing', 'awslogs-region': 'us-east-1' } },
          },
        ],
      }),
    );
    const out = await up.ecs.send(new RunTaskCommand({ taskDefinition: 'no-group' }));
    const arn = out.tasks![0]!.taskArn!;
    await expect.poll(async () => (await task(arn)).desiredStatus, { timeout: 30_000 }).toBe('STOPPED');
    expect((await task(arn)).stoppedReason).toContain('The specified log group does not exist');
  });
});

describe('metrics and auto scaling', () => {
  it('scales a CPU-burning service out on CPUUtilization and back in when the load stops', async () => {
    const busy = await up.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'burner',
        containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 32, cpu: 256, stopTimeout: 1, command: ['sh', '-c', 'while :; do :; done'] }],
      }),
    );
    await up.ecs.send(new CreateServiceCommand({ serviceName: 'burner', taskDefinition: busy.taskDefinition!.taskDefinitionArn, desiredCount: 1 }));
    await up.wharf.aws(
      'application-autoscaling', 'register-scalable-target', '--service-namespace', 'ecs',
      '--scalable-dimension', 'ecs:service:DesiredCount', '--resource-id', 'service/default/burner', '--min-capacity', '1', '--max-capacity', '3',
    );
    await up.wharf.aws(
      'application-autoscaling', 'put-scaling-policy', '--service-namespace', 'ecs', '--scalable-dimension', 'ecs:service:DesiredCount',
      '--resource-id', 'service/default/burner', '--policy-name', 'cpu50', '--policy-type', 'TargetTrackingScaling',
      '--target-tracking-scaling-policy-configuration',
      JSON.stringify({ TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, ScaleOutCooldown: 1, ScaleInCooldown: 1 }),
    );
    const desired = async () => (await up.ecs.send(new DescribeServicesCommand({ services: ['burner'] }))).services![0]!.desiredCount;
    await expect.poll(desired, { timeout: 60_000, interval: 500 }).toBe(3);
    const stats = await up.wharf.aws(
      'cloudwatch', 'get-metric-statistics', '--namespace', 'AWS/ECS', '--metric-name', 'CPUUtilization',
      '--dimensions', 'Name=ClusterName,Value=default', 'Name=ServiceName,Value=burner',
      '--start-time', new Date(Date.now() - 600_000).toISOString(), '--end-time', new Date(Date.now() + 60_000).toISOString(),
      '--period', '1', '--statistics', 'Average',
    );
    expect(Math.max(...stats.Datapoints.map((d: { Average: number }) => d.Average))).toBeGreaterThan(100);

    // The load stops: the same service, now idle.
    const idle = await up.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'burner',
        containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 32, cpu: 256, stopTimeout: 1, command: ['sleep', '3600'] }],
      }),
    );
    await up.ecs.send(new UpdateServiceCommand({ service: 'burner', taskDefinition: idle.taskDefinition!.taskDefinitionArn }));
    await expect.poll(desired, { timeout: 90_000, interval: 1000 }).toBe(1);
    // Scaling in went along with the deployment instead of fighting it: it completed on the idle revision.
    await expect
      .poll(async () => {
        const s = (await up.ecs.send(new DescribeServicesCommand({ services: ['burner'] }))).services![0]!;
        return s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && s.taskDefinition === idle.taskDefinition!.taskDefinitionArn;
      }, { timeout: 60_000, interval: 500 })
      .toBe(true);

    // A scheduled action raises the floor a few seconds from now (after the CLI has stored it, even on a busy machine).
    const at = new Date(Date.now() + 12_000).toISOString().slice(0, 19);
    await up.wharf.aws(
      'application-autoscaling', 'put-scheduled-action', '--service-namespace', 'ecs', '--scalable-dimension', 'ecs:service:DesiredCount',
      '--resource-id', 'service/default/burner', '--scheduled-action-name', 'morning', '--schedule', `at(${at})`,
      '--scalable-target-action', 'MinCapacity=2,MaxCapacity=3',
    );
    await expect.poll(desired, { timeout: 45_000, interval: 500 }).toBe(2);
    const activities = await up.wharf.aws('application-autoscaling', 'describe-scaling-activities', '--service-namespace', 'ecs');
    expect(activities.ScalingActivities.length).toBeGreaterThanOrEqual(3);
    await up.ecs.send(new DeleteServiceCommand({ service: 'burner', force: true }));
  }, 200_000);
});
