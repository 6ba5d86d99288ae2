import { describe, expect, it } from 'vitest';
import { ec2Task, fargateTask, registered } from './fixtures.js';

describe('compatibilities', () => {
  it('offers EXTERNAL and EC2 in bridge mode', () => {
    expect(registered(ec2Task()).compatibilities).toEqual(['EXTERNAL', 'EC2']);
  });

  it('adds MANAGED_INSTANCES in host mode', () => {
    expect(registered(ec2Task({ networkMode: 'host' })).compatibilities).toEqual(['EXTERNAL', 'EC2', 'MANAGED_INSTANCES']);
  });

  it('adds FARGATE to an awsvpc definition that fits Fargate, required or not', () => {
    expect(registered(fargateTask()).compatibilities).toEqual(['EC2', 'MANAGED_INSTANCES', 'FARGATE']);
    expect(registered(fargateTask({ requiresCompatibilities: ['EC2'] })).compatibilities).toEqual([
      'EC2', 'MANAGED_INSTANCES', 'FARGATE',
    ]);
  });

  it('leaves FARGATE out of an awsvpc definition without a Fargate size', () => {
    expect(registered(ec2Task({ networkMode: 'awsvpc', cpu: '128', memory: '512' })).compatibilities).toEqual([
      'EC2', 'MANAGED_INSTANCES',
    ]);
  });
});
