import { describe, expect, it } from 'vitest';
import { clientError, ec2Task, fargateTask, rejection } from './fixtures.js';
import { parseTaskCpu, parseTaskMemory } from './units.js';

describe('task size spellings', () => {
  it.each([
    ['1024', 1024],
    ['1 vCPU', 1024],
    ['0.5 vcpu', 512],
    ['0.25vCPU', 256],
    ['2 vcpus', 2048],
    [' 256 ', 256],
  ])('cpu %j is %d units', (text, units) => expect(parseTaskCpu(text)).toBe(units));

  it.each([
    ['512', 512],
    ['2 GB', 2048],
    ['1GB', 1024],
    ['0.5 GB', 512],
    ['512 MiB', 512],
    ['4 gib', 4096],
  ])('memory %j is %d MiB', (text, mib) => expect(parseTaskMemory(text)).toBe(mib));

  it.each(['', 'lots', '1.5', '0.1 vcpu', '-1', '1 GHz'])('cpu %j is not a size', (text) =>
    expect(parseTaskCpu(text)).toBeUndefined());
});

describe('task size rules', () => {
  it('refuses an unreadable task cpu', () => {
    expect(rejection(ec2Task({ cpu: 'lots' }))).toEqual(clientError("Invalid 'cpu' setting for task."));
  });

  it('refuses task cpu below 128 units', () => {
    expect(rejection(ec2Task({ cpu: '64' }))).toEqual(clientError("Invalid 'cpu' setting for task."));
  });

  it('refuses task cpu above 192 vCPU', () => {
    expect(rejection(ec2Task({ cpu: '196609' }))).toEqual(clientError("Invalid 'cpu' setting for task."));
  });

  it('refuses an unreadable task memory', () => {
    expect(rejection(ec2Task({ memory: '2 TB' }))).toEqual(clientError("Invalid 'memory' setting for task."));
  });

  it('accepts vCPU and GB spellings on Fargate', () => {
    expect(rejection(fargateTask({ cpu: '1 vCPU', memory: '2 GB' }))).toBeUndefined();
  });
});
