import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { container, ec2Task, fargateTask, registered } from './fixtures.js';

const firstContainer = (input: RegisterTaskDefinitionRequest) => registered(input).containerDefinitions![0]!;

describe('container defaults', () => {
  it('fills cpu, essential and the empty lists ECS returns', () => {
    expect(firstContainer(ec2Task())).toEqual({
      name: 'web',
      image: 'nginx:latest',
      cpu: 0,
      memory: 128,
      portMappings: [],
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      systemControls: [],
    });
  });

  it('keeps an explicit essential false', () => {
    const input = ec2Task({ containerDefinitions: [container({ name: 'a', essential: false }), container({ name: 'b' })] });
    expect(registered(input).containerDefinitions!.map((c) => c.essential)).toEqual([false, true]);
  });

  it('fills tcp and the container port as host port in awsvpc mode', () => {
    const c = firstContainer(fargateTask({ containerDefinitions: [container({ portMappings: [{ containerPort: 80 }] })] }));
    expect(c.portMappings).toEqual([{ containerPort: 80, hostPort: 80, protocol: 'tcp' }]);
  });

  it('fills the container port as host port in host mode, also over a 0', () => {
    const c = firstContainer(
      ec2Task({ networkMode: 'host', containerDefinitions: [container({ portMappings: [{ containerPort: 80, hostPort: 0 }] })] }),
    );
    expect(c.portMappings).toEqual([{ containerPort: 80, hostPort: 80, protocol: 'tcp' }]);
  });

  it('fills host port 0 (dynamic) in bridge mode and keeps an explicit one', () => {
    const c = firstContainer(
      ec2Task({
        containerDefinitions: [
          container({ portMappings: [{ containerPort: 80 }, { containerPort: 53, hostPort: 5353, protocol: 'udp' }] }),
        ],
      }),
    );
    expect(c.portMappings).toEqual([
      { containerPort: 80, hostPort: 0, protocol: 'tcp' },
      { containerPort: 53, hostPort: 5353, protocol: 'udp' },
    ]);
  });

  it('leaves a port range without host port', () => {
    const c = firstContainer(ec2Task({ containerDefinitions: [container({ portMappings: [{ containerPortRange: '8000-8010' }] })] }));
    expect(c.portMappings).toEqual([{ protocol: 'tcp', containerPortRange: '8000-8010' }]);
  });

  it('fills the health check timings', () => {
    const c = firstContainer(ec2Task({ containerDefinitions: [container({ healthCheck: { command: ['CMD', 'true'], retries: 5 } })] }));
    expect(c.healthCheck).toEqual({ command: ['CMD', 'true'], interval: 30, timeout: 5, retries: 5 });
  });
});
