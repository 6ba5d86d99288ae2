import { describe, expect, it } from 'vitest';
import { clientError, container, ec2Task, rejection } from './fixtures.js';

describe('container cpu and memory', () => {
  it('needs memory or memoryReservation without task memory', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ memory: undefined })] }))).toEqual(
      clientError("Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' must be specified."),
    );
  });

  it('accepts memoryReservation alone', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ memory: undefined, memoryReservation: 64 })] })))
      .toBeUndefined();
  });

  it('accepts no container memory when the task sets memory', () => {
    expect(rejection(ec2Task({ memory: '512', containerDefinitions: [container({ memory: undefined })] })))
      .toBeUndefined();
  });

  it('refuses container memory under 6 MiB', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ memory: 5 })] }))).toEqual(
      clientError("Invalid setting for container 'web'. 'memory' must be at least 6 MiB."),
    );
  });

  it('refuses memoryReservation under 6 MiB', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ memory: undefined, memoryReservation: 4 })] })))
      .toEqual(clientError("Invalid setting for container 'web'. 'memoryReservation' must be at least 6 MiB."));
  });

  it('refuses memoryReservation above memory', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ memory: 128, memoryReservation: 256 })] })))
      .toEqual(
        clientError("Invalid setting for container 'web'. 'memory' must be greater than or equal to 'memoryReservation'."),
      );
  });

  it('accepts memoryReservation equal to memory', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ memory: 128, memoryReservation: 128 })] })))
      .toBeUndefined();
  });

  it('refuses container memory above task memory', () => {
    expect(rejection(ec2Task({ memory: '512', containerDefinitions: [container({ memory: 1024 })] }))).toEqual(
      clientError("The 'memory' setting for container 'web' is greater than for the task."),
    );
  });

  it('compares against task memory given in GB', () => {
    expect(rejection(ec2Task({ memory: '1 GB', containerDefinitions: [container({ memory: 1024 })] }))).toBeUndefined();
  });

  it('refuses container memoryReservation above task memory', () => {
    const c = container({ memory: undefined, memoryReservation: 1024 });
    expect(rejection(ec2Task({ memory: '512', containerDefinitions: [c] }))).toEqual(
      clientError("The 'memoryReservation' setting for container 'web' is greater than for the task."),
    );
  });

  it('refuses container cpu adding up to more than the task cpu', () => {
    const containers = [container({ name: 'a', cpu: 512 }), container({ name: 'b', cpu: 768 })];
    expect(rejection(ec2Task({ cpu: '1 vcpu', containerDefinitions: containers }))).toEqual(
      clientError("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'."),
    );
  });

  it('accepts container cpu adding up to exactly the task cpu', () => {
    const containers = [container({ name: 'a', cpu: 512 }), container({ name: 'b', cpu: 512 })];
    expect(rejection(ec2Task({ cpu: '1024', containerDefinitions: containers }))).toBeUndefined();
  });

  it('refuses container memory reservations adding up to more than the task memory', () => {
    const containers = [container({ name: 'a', memory: 400 }), container({ name: 'b', memory: 500, memoryReservation: 200 })];
    expect(rejection(ec2Task({ memory: '512', containerDefinitions: containers }))).toEqual(
      clientError("The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'."),
    );
  });
});
