import { describe, expect, it } from 'vitest';
import { parseCpu, parseMemory, taskDemand } from './demand.js';

describe('taskDemand', () => {
  it('sums container cpu and memory when the task sets none', () => {
    const d = taskDemand({
      containerDefinitions: [
        { name: 'web', cpu: 256, memory: 512 },
        { name: 'sidecar', cpu: 128, memory: 1024, memoryReservation: 128 },
        { name: 'soft', memoryReservation: 64 },
      ],
    });
    // memoryReservation, when given, is what ECS subtracts from the instance; else the hard limit.
    expect(d).toMatchObject({ cpu: 384, memory: 512 + 128 + 64 });
  });

  it('uses task-level cpu and memory, in units or vCPU/GB', () => {
    const td = { cpu: '1 vCPU', memory: '2 GB', containerDefinitions: [{ name: 'a', cpu: 10, memory: 10 }] };
    expect(taskDemand(td)).toMatchObject({ cpu: 1024, memory: 2048 });
    expect(taskDemand({ ...td, cpu: '512', memory: '1024' })).toMatchObject({ cpu: 512, memory: 1024 });
  });

  it('applies RunTask overrides, task-level and per container', () => {
    const td = { containerDefinitions: [{ name: 'a', cpu: 100, memory: 200 }, { name: 'b', cpu: 1, memory: 1 }] };
    expect(taskDemand(td, { containerOverrides: [{ name: 'a', cpu: 300, memoryReservation: 50 }] })).toMatchObject({
      cpu: 301,
      memory: 51,
    });
    expect(taskDemand(td, { cpu: '0.5 vcpu', memory: '4096' })).toMatchObject({ cpu: 512, memory: 4096 });
  });

  it('reserves bridge host ports, 0 or absent meaning dynamic', () => {
    const d = taskDemand({
      containerDefinitions: [
        {
          name: 'a',
          memory: 1,
          portMappings: [
            { containerPort: 80, hostPort: 8080 },
            { containerPort: 81 },
            { containerPort: 53, hostPort: 0, protocol: 'udp' },
          ],
        },
      ],
    });
    expect(d.ports).toEqual([
      { protocol: 'tcp', hostPort: 8080 },
      { protocol: 'tcp', hostPort: 0 },
      { protocol: 'udp', hostPort: 0 },
    ]);
  });

  it('reserves the container port in host mode, nothing in awsvpc (which needs task-eni)', () => {
    const containers = [{ name: 'a', memory: 1, portMappings: [{ containerPort: 80 }] }];
    expect(taskDemand({ networkMode: 'host', containerDefinitions: containers }).ports).toEqual([
      { protocol: 'tcp', hostPort: 80 },
    ]);
    const vpc = taskDemand({ networkMode: 'awsvpc', containerDefinitions: containers });
    expect(vpc.ports).toEqual([]);
    expect(vpc.requiredAttributes).toEqual([{ name: 'ecs.capability.task-eni' }]);
  });

  it('carries requiresAttributes', () => {
    const d = taskDemand({
      requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.19' }, { name: 'x', value: 'y' }],
      containerDefinitions: [],
    });
    expect(d.requiredAttributes).toEqual([
      { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.19' },
      { name: 'x', value: 'y' },
    ]);
  });
});

describe('parseCpu / parseMemory', () => {
  it('reads units and unit-less numbers', () => {
    expect(parseCpu('256')).toBe(256);
    expect(parseCpu('0.25 vCPU')).toBe(256);
    expect(parseCpu('2 vcpu')).toBe(2048);
    expect(parseMemory('3GB')).toBe(3072);
    expect(parseMemory('512')).toBe(512);
    expect(parseCpu(undefined)).toBeUndefined();
    expect(parseMemory('lots')).toBeUndefined();
    expect(parseMemory('1 TB')).toBeUndefined();
  });
});
