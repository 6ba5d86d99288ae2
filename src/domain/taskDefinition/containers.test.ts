import type { HealthCheck } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { clientError, container, ec2Task, rejection } from './fixtures.js';

const checked = (healthCheck: HealthCheck) => ec2Task({ containerDefinitions: [container({ healthCheck })] });

describe('essential containers', () => {
  it('refuses a task with no essential container', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ essential: false })] }))).toEqual(
      clientError("Task definition doesn't have any essential container."),
    );
  });

  it('counts an omitted essential as essential', () => {
    expect(
      rejection(ec2Task({ containerDefinitions: [container({ name: 'a', essential: false }), container({ name: 'b' })] })),
    ).toBeUndefined();
  });
});

describe('health checks', () => {
  it('accepts a health check at its bounds', () => {
    expect(rejection(checked({ command: ['CMD', 'true'], interval: 5, timeout: 60, retries: 10, startPeriod: 300 })))
      .toBeUndefined();
  });

  it('refuses a command not starting with CMD or CMD-SHELL', () => {
    expect(rejection(checked({ command: ['curl', 'localhost'] }))).toEqual(
      clientError("Invalid 'healthCheck' setting for container 'web'. The command must start with CMD or CMD-SHELL."),
    );
  });

  it.each([
    ['interval', 4, 5, 300],
    ['interval', 301, 5, 300],
    ['timeout', 1, 2, 60],
    ['timeout', 61, 2, 60],
    ['retries', 0, 1, 10],
    ['retries', 11, 1, 10],
    ['startPeriod', -1, 0, 300],
    ['startPeriod', 301, 0, 300],
  ])('refuses %s %d', (field, value, min, max) => {
    expect(rejection(checked({ command: ['CMD', 'true'], [field]: value }))).toEqual(
      clientError(`Invalid 'healthCheck' setting for container 'web'. '${field}' must be between ${min} and ${max}.`),
    );
  });
});

describe('restart policy, logging and secrets', () => {
  it('refuses a restart attempt period outside 60..1800', () => {
    const c = container({ restartPolicy: { enabled: true, restartAttemptPeriod: 30 } });
    expect(rejection(ec2Task({ containerDefinitions: [c] }))).toEqual(
      clientError("The 'restartAttemptPeriod' setting for container 'web' must be between 60 and 1800."),
    );
  });

  it('refuses awslogs without its required options', () => {
    const c = container({ logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-stream-prefix': 'x' } } });
    expect(rejection(ec2Task({ containerDefinitions: [c] }))).toEqual(
      clientError('Log driver awslogs requires options: awslogs-region, awslogs-group'),
    );
  });

  it('names only the missing awslogs option', () => {
    const c = container({ logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-region': 'us-east-1' } } });
    expect(rejection(ec2Task({ containerDefinitions: [c] }))).toEqual(
      clientError('Log driver awslogs requires options: awslogs-group'),
    );
  });

  it('refuses secrets without an execution role', () => {
    const c = container({ secrets: [{ name: 'DB_PASSWORD', valueFrom: '/app/db' }] });
    expect(rejection(ec2Task({ containerDefinitions: [c] }))).toEqual(
      clientError("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'."),
    );
    expect(rejection(ec2Task({ containerDefinitions: [c], executionRoleArn: 'arn:aws:iam::1:role/exec' })))
      .toBeUndefined();
  });
});
