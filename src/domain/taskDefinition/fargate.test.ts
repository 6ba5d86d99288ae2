import { describe, expect, it } from 'vitest';
import { isFargateSize } from './fargate.js';
import { clientError, container, fargateTask, rejection } from './fixtures.js';

describe('Fargate task sizes', () => {
  it.each([
    [256, 512], [256, 1024], [256, 2048],
    [512, 1024], [512, 4096],
    [1024, 2048], [1024, 5120], [1024, 8192],
    [2048, 4096], [2048, 16384],
    [4096, 8192], [4096, 30720],
    [8192, 16384], [8192, 20480], [8192, 61440],
    [16384, 32768], [16384, 40960], [16384, 122880],
  ])('%d CPU with %d MiB is a Fargate size', (cpu, memory) => expect(isFargateSize(cpu, memory)).toBe(true));

  it.each([
    [256, 3072], [256, 4096], [512, 512], [512, 5120], [1024, 1024], [1024, 2560], [2048, 17408],
    [4096, 31744], [8192, 18432], [16384, 33792], [16384, 131072], [128, 512], [32768, 65536],
  ])('%d CPU with %d MiB is not', (cpu, memory) => expect(isFargateSize(cpu, memory)).toBe(false));

  it('Windows on Fargate needs at least 1 vCPU', () => {
    expect(isFargateSize(512, 1024, { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' })).toBe(false);
    expect(isFargateSize(1024, 2048, { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' })).toBe(true);
  });
});

describe('Fargate rules', () => {
  it('accepts a minimal Fargate definition', () => {
    expect(rejection(fargateTask())).toBeUndefined();
  });

  it('requires awsvpc', () => {
    expect(rejection(fargateTask({ networkMode: 'bridge' }))).toEqual(
      clientError('Fargate only supports network mode ‘awsvpc’.'),
    );
  });

  it('requires awsvpc when networkMode is omitted too', () => {
    expect(rejection(fargateTask({ networkMode: undefined }))).toEqual(
      clientError('Fargate only supports network mode ‘awsvpc’.'),
    );
  });

  it('requires task-level cpu', () => {
    expect(rejection(fargateTask({ cpu: undefined }))).toEqual(
      clientError("Fargate requires that 'cpu' be defined at the task level."),
    );
  });

  it('requires task-level memory', () => {
    expect(rejection(fargateTask({ memory: undefined }))).toEqual(
      clientError("Fargate requires that 'memory' be defined at the task level."),
    );
  });

  it('requires a size from the Fargate table', () => {
    expect(rejection(fargateTask({ cpu: '512', memory: '512' }))).toEqual(
      clientError(
        'No Fargate configuration exists for given values: 512 CPU, 512 memory. See the Amazon ECS documentation for the valid values.',
      ),
    );
  });

  it('reads the size after normalizing its spelling', () => {
    expect(rejection(fargateTask({ cpu: '0.25 vCPU', memory: '3 GB' }))).toEqual(
      clientError(
        'No Fargate configuration exists for given values: 256 CPU, 3072 memory. See the Amazon ECS documentation for the valid values.',
      ),
    );
  });

  it('refuses privileged containers', () => {
    expect(rejection(fargateTask({ containerDefinitions: [container({ memory: undefined, privileged: true })] }))).toEqual(
      clientError("Fargate requires that the 'privileged' setting be 'false'."),
    );
  });

  it('refuses host-path volumes', () => {
    expect(rejection(fargateTask({ volumes: [{ name: 'data', host: { sourcePath: '/data' } }] }))).toEqual(
      clientError('Fargate compatible task definitions do not support sourcePath.'),
    );
  });

  it('accepts a task-scoped bind volume (no sourcePath)', () => {
    expect(rejection(fargateTask({ volumes: [{ name: 'scratch' }] }))).toBeUndefined();
  });

  it('refuses Docker volumes', () => {
    expect(
      rejection(fargateTask({ volumes: [{ name: 'data', dockerVolumeConfiguration: { driver: 'local' } }] })),
    ).toEqual(clientError('Fargate compatible task definitions do not support dockerVolumeConfiguration.'));
  });

  it('refuses ipcMode', () => {
    expect(rejection(fargateTask({ ipcMode: 'task' }))).toEqual(
      clientError('Tasks using the Fargate launch type do not support ipcMode.'),
    );
  });

  it("refuses pidMode 'host' but accepts 'task'", () => {
    expect(rejection(fargateTask({ pidMode: 'host' }))).toEqual(
      clientError("Tasks using the Fargate launch type do not support pidMode 'host'."),
    );
    expect(rejection(fargateTask({ pidMode: 'task' }))).toBeUndefined();
  });

  it('refuses dockerSecurityOptions', () => {
    const c = container({ memory: undefined, dockerSecurityOptions: ['no-new-privileges'] });
    expect(rejection(fargateTask({ containerDefinitions: [c] }))).toEqual(
      clientError('Fargate compatible task definitions do not support dockerSecurityOptions.'),
    );
  });

  it('refuses sharedMemorySize', () => {
    const c = container({ memory: undefined, linuxParameters: { sharedMemorySize: 64 } });
    expect(rejection(fargateTask({ containerDefinitions: [c] }))).toEqual(
      clientError('Fargate compatible task definitions do not support sharedMemorySize.'),
    );
  });

  it('refuses tmpfs mounts', () => {
    const c = container({ memory: undefined, linuxParameters: { tmpfs: [{ containerPath: '/tmp', size: 64 }] } });
    expect(rejection(fargateTask({ containerDefinitions: [c] }))).toEqual(
      clientError('Fargate compatible task definitions do not support tmpfs.'),
    );
  });

  it('refuses host devices', () => {
    const c = container({ memory: undefined, linuxParameters: { devices: [{ hostPath: '/dev/fuse' }] } });
    expect(rejection(fargateTask({ containerDefinitions: [c] }))).toEqual(
      clientError('Fargate compatible task definitions do not support devices.'),
    );
  });

  it('allows adding only SYS_PTRACE', () => {
    const ok = container({ memory: undefined, linuxParameters: { capabilities: { add: ['SYS_PTRACE'] } } });
    expect(rejection(fargateTask({ containerDefinitions: [ok] }))).toBeUndefined();
    const bad = container({ memory: undefined, linuxParameters: { capabilities: { add: ['NET_ADMIN'] } } });
    expect(rejection(fargateTask({ containerDefinitions: [bad] }))).toEqual(
      clientError('NET_ADMIN is not allowed on Fargate.'),
    );
  });

  it('caps stopTimeout at 120 seconds', () => {
    const c = container({ memory: undefined, stopTimeout: 121 });
    expect(rejection(fargateTask({ containerDefinitions: [c] }))).toEqual(
      clientError(
        "Invalid 'stopTimeout' setting for container 'web'. Tasks using the Fargate launch type support values between 2 and 120 seconds.",
      ),
    );
    expect(rejection(fargateTask({ containerDefinitions: [container({ memory: undefined, stopTimeout: 120 })] })))
      .toBeUndefined();
  });

  it('caps startTimeout at 120 seconds', () => {
    const c = container({ memory: undefined, startTimeout: 300 });
    expect(rejection(fargateTask({ containerDefinitions: [c] }))).toEqual(
      clientError(
        "Invalid 'startTimeout' setting for container 'web'. Tasks using the Fargate launch type support values between 2 and 120 seconds.",
      ),
    );
  });

  it('needs an execution role for awslogs', () => {
    const c = container({
      memory: undefined,
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g', 'awslogs-region': 'us-east-1' } },
    });
    expect(rejection(fargateTask({ containerDefinitions: [c] }))).toEqual(
      clientError('Fargate requires task definition to have execution role ARN to support log driver awslogs.'),
    );
    expect(rejection(fargateTask({ containerDefinitions: [c], executionRoleArn: 'arn:aws:iam::1:role/x' })))
      .toBeUndefined();
  });

  it('does not apply Fargate rules to EC2-only definitions', () => {
    expect(rejection(fargateTask({ requiresCompatibilities: ['EC2'], cpu: '512', memory: '512' }))).toBeUndefined();
  });
});
