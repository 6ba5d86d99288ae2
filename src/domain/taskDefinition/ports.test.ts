import type { PortMapping } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { clientError, container, ec2Task, rejection } from './fixtures.js';

const withPorts = (portMappings: PortMapping[], networkMode?: 'bridge' | 'host' | 'awsvpc' | 'none') =>
  ec2Task({ networkMode, containerDefinitions: [container({ portMappings })] });

describe('port mappings', () => {
  it('accepts a bridge mapping to another host port', () => {
    expect(rejection(withPorts([{ containerPort: 80, hostPort: 8080 }]))).toBeUndefined();
  });

  it('refuses a mapping without a container port', () => {
    expect(rejection(withPorts([{ hostPort: 8080 }]))).toEqual(
      clientError("Invalid 'containerPort' setting for container 'web'."),
    );
  });

  it('refuses a container port out of range', () => {
    expect(rejection(withPorts([{ containerPort: 70000 }]))).toEqual(
      clientError("Invalid 'containerPort' setting for container 'web'."),
    );
  });

  it('refuses a host port out of range', () => {
    expect(rejection(withPorts([{ containerPort: 80, hostPort: 70000 }]))).toEqual(
      clientError("Invalid 'hostPort' setting for container 'web'."),
    );
  });

  it('refuses a different host port in awsvpc mode', () => {
    expect(rejection(withPorts([{ containerPort: 80, hostPort: 8080 }], 'awsvpc'))).toEqual(
      clientError('When networkMode=awsvpc, the host ports and container ports in port mappings must match.'),
    );
  });

  it('refuses a different host port in host mode', () => {
    expect(rejection(withPorts([{ containerPort: 80, hostPort: 8080 }], 'host'))).toEqual(
      clientError('When networkMode=host, the host ports and container ports in port mappings must match.'),
    );
  });

  it('accepts an equal or omitted host port in awsvpc mode', () => {
    expect(rejection(withPorts([{ containerPort: 80, hostPort: 80 }, { containerPort: 81 }], 'awsvpc'))).toBeUndefined();
  });

  it('refuses port mappings in none mode', () => {
    expect(rejection(withPorts([{ containerPort: 80 }], 'none'))).toEqual(
      clientError('Port mappings are not supported when networkMode=none.'),
    );
  });

  it('refuses one container port twice for one protocol', () => {
    expect(rejection(withPorts([{ containerPort: 80 }, { containerPort: 80, hostPort: 8080 }]))).toEqual({
      code: 'InvalidParameterException',
      message: 'Container port 80 is used in more than one port mapping for container web',
    });
  });

  it('accepts one container port for tcp and udp', () => {
    expect(rejection(withPorts([{ containerPort: 53 }, { containerPort: 53, protocol: 'udp' }]))).toBeUndefined();
  });

  it('refuses one host port mapped by two containers', () => {
    const containers = [
      container({ name: 'a', portMappings: [{ containerPort: 80, hostPort: 3000 }] }),
      container({ name: 'b', portMappings: [{ containerPort: 81, hostPort: 3000 }] }),
    ];
    expect(rejection(ec2Task({ containerDefinitions: containers }))).toEqual(
      clientError("TCP host port '3000' is mapped multiple times in task."),
    );
  });

  it('refuses one container port in two containers of an awsvpc task', () => {
    const containers = [
      container({ name: 'a', portMappings: [{ containerPort: 80 }] }),
      container({ name: 'b', portMappings: [{ containerPort: 80 }] }),
    ];
    expect(rejection(ec2Task({ networkMode: 'awsvpc', containerDefinitions: containers }))).toEqual(
      clientError("TCP host port '80' is mapped multiple times in task."),
    );
  });

  it('accepts dynamic host ports (0 or omitted) in bridge mode for several containers', () => {
    const containers = [
      container({ name: 'a', portMappings: [{ containerPort: 80 }] }),
      container({ name: 'b', portMappings: [{ containerPort: 80, hostPort: 0 }] }),
    ];
    expect(rejection(ec2Task({ containerDefinitions: containers }))).toBeUndefined();
  });
});

describe('container port ranges', () => {
  it('accepts a range in bridge and awsvpc modes', () => {
    expect(rejection(withPorts([{ containerPortRange: '8000-8100' }]))).toBeUndefined();
    expect(rejection(withPorts([{ containerPortRange: '8000-8100' }], 'awsvpc'))).toBeUndefined();
  });

  it('refuses a range in host mode', () => {
    expect(rejection(withPorts([{ containerPortRange: '8000-8100' }], 'host'))).toEqual(
      clientError('Container port ranges are not supported when networkMode=host.'),
    );
  });

  it('refuses a range together with a single port', () => {
    expect(rejection(withPorts([{ containerPortRange: '8000-8100', containerPort: 8000 }]))).toEqual(
      clientError("Invalid port mapping for container 'web'. You cannot specify both single port and port range."),
    );
  });

  it.each(['8100-8000', '8000-8000', '0-10', '1-65536', '8000', 'a-b'])('refuses the range %j', (range) => {
    expect(rejection(withPorts([{ containerPortRange: range }]))).toEqual(
      clientError("Invalid 'containerPortRange' setting for container 'web'."),
    );
  });

  it('refuses overlapping ranges', () => {
    expect(rejection(withPorts([{ containerPortRange: '8000-8100' }, { containerPortRange: '8050-8200' }]))).toEqual({
      code: 'InvalidParameterException',
      message: 'Container port 8050 is used in more than one port mapping for container web',
    });
  });

  it('refuses a single port inside a range', () => {
    expect(rejection(withPorts([{ containerPortRange: '1-65535' }, { containerPort: 9000 }, { containerPort: 80, protocol: 'udp' }])))
      .toEqual({
        code: 'InvalidParameterException',
        message: 'Container port 9000 is used in more than one port mapping for container web',
      });
  });

  it('refuses more than 100 ranges per container', () => {
    const ranges = Array.from({ length: 101 }, (_, i) => ({ containerPortRange: `${10000 + i * 10}-${10005 + i * 10}` }));
    expect(rejection(withPorts(ranges))).toEqual(
      clientError("Invalid 'containerPortRange' setting for container 'web'. At most 100 port ranges are allowed."),
    );
  });
});
