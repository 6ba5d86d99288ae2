// The task definitions the ECS console writes, taken as they are (an execution role, the awslogs driver with
// non-blocking mode, empty lists everywhere, a runtime platform), registered with the aws CLI and run to RUNNING on
// FARGATE and on EC2: before, they could not be placed (ATTRIBUTE: ecs.capability.execution-role-awslogs).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp({ WHARF_LB_WORKERS: '0' });

/** What the console's "Create new task definition" JSON tab shows, with a local image. */
function consoleTaskDefinition(family: string, compatibility: 'FARGATE' | 'EC2') {
  return {
    family,
    containerDefinitions: [
      {
        name: 'web',
        image: BUSYBOX,
        cpu: 0,
        portMappings: [{ name: 'web-80-tcp', containerPort: 80, hostPort: 80, protocol: 'tcp', appProtocol: 'http' }],
        essential: true,
        command: ['sh', '-c', 'mkdir -p /w && echo hello > /w/index.html && exec httpd -f -p 80 -h /w'],
        environment: [],
        environmentFiles: [],
        mountPoints: [],
        volumesFrom: [],
        ulimits: [],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/ecs/${family}`,
            mode: 'non-blocking',
            'awslogs-create-group': 'true',
            'max-buffer-size': '25m',
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'ecs',
          },
          secretOptions: [],
        },
        systemControls: [],
      },
    ],
    executionRoleArn: 'arn:aws:iam::000000000000:role/ecsTaskExecutionRole',
    networkMode: 'awsvpc',
    volumes: [],
    placementConstraints: [],
    requiresCompatibilities: [compatibility],
    cpu: '1024',
    memory: '3072',
    runtimePlatform: { cpuArchitecture: process.arch === 'arm64' ? 'ARM64' : 'X86_64', operatingSystemFamily: 'LINUX' },
  };
}

describe('task definitions written by the ECS console', () => {
  for (const launchType of ['FARGATE', 'EC2'] as const) {
    it(`registers and runs the console's ${launchType} task definition to RUNNING`, async () => {
      const family = `console-${launchType.toLowerCase()}`;
      const file = join(up.wharf.dataDir, `${family}.json`);
      writeFileSync(file, JSON.stringify(consoleTaskDefinition(family, launchType)));
      const td = (await up.wharf.aws('ecs', 'register-task-definition', '--cli-input-json', `file://${file}`)).taskDefinition;
      const required = td.requiresAttributes.map((a: { name: string }) => a.name);
      expect(required).toContain('ecs.capability.execution-role-awslogs');

      const run = await up.wharf.aws(
        'ecs', 'run-task', '--task-definition', `${family}:1`, '--launch-type', launchType,
        '--network-configuration', 'awsvpcConfiguration={subnets=[subnet-a]}',
      );
      expect(run.failures).toEqual([]);
      const taskArn = run.tasks[0].taskArn as string;
      const describe = async () => (await up.wharf.aws('ecs', 'describe-tasks', '--tasks', taskArn)).tasks[0];
      await expect.poll(async () => (await describe()).lastStatus, { timeout: 60_000, interval: 500 }).toBe('RUNNING');
      const task = await describe();
      const address = task.attachments[0].details.find((d: { name: string }) => d.name === 'privateIPv4Address').value;
      const res = await fetch(`http://${address}/`);
      expect((await res.text()).trim()).toBe('hello');
      await up.wharf.aws('ecs', 'stop-task', '--task', taskArn);
    }, 120_000);
  }
});
