import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { container, ec2Task, fargateTask, registered, rejection } from './fixtures.js';

describe('requiresAttributes', () => {
  const names = (input: RegisterTaskDefinitionRequest) => (registered(input).requiresAttributes ?? []).map((a) => a.name);

  it('asks for the ENI capability in awsvpc mode', () => {
    expect(names(fargateTask())).toEqual(['com.amazonaws.ecs.capability.docker-remote-api.1.18', 'ecs.capability.task-eni']);
  });

  it('derives the attributes of a typical Fargate web service', () => {
    const input = fargateTask({
      taskRoleArn: 'arn:aws:iam::123456789012:role/task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      containerDefinitions: [
        container({
          memory: undefined,
          memoryReservation: 256,
          image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1',
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' },
          },
          secrets: [{ name: 'A', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a' }],
          healthCheck: { command: ['CMD', 'true'], startPeriod: 10 },
          dependsOn: [],
          stopTimeout: 30,
        }),
      ],
    });
    expect(rejection(input)).toBeUndefined();
    expect(names(input)).toEqual([
      'com.amazonaws.ecs.capability.logging-driver.awslogs',
      'ecs.capability.execution-role-awslogs',
      'com.amazonaws.ecs.capability.ecr-auth',
      'com.amazonaws.ecs.capability.docker-remote-api.1.19',
      'com.amazonaws.ecs.capability.docker-remote-api.1.21',
      'ecs.capability.container-ordering',
      'ecs.capability.container-health-check',
      'ecs.capability.execution-role-ecr-pull',
      'ecs.capability.secrets.asm.environment-variables',
      'com.amazonaws.ecs.capability.task-iam-role',
      'com.amazonaws.ecs.capability.docker-remote-api.1.18',
      'ecs.capability.task-eni',
      'com.amazonaws.ecs.capability.docker-remote-api.1.29',
    ]);
  });

  it('asks for the task role on host networking and for namespace sharing', () => {
    const got = names(ec2Task({ networkMode: 'host', taskRoleArn: 'arn:aws:iam::1:role/t', pidMode: 'host' }));
    expect(got).toEqual([
      'com.amazonaws.ecs.capability.task-iam-role',
      'com.amazonaws.ecs.capability.task-iam-role-network-host',
      'ecs.capability.pid-ipc-namespace-sharing',
    ]);
  });

  it('asks for privileged containers and SSM secrets', () => {
    const c = container({ privileged: true, secrets: [{ name: 'A', valueFrom: '/app/a' }] });
    expect(names(ec2Task({ containerDefinitions: [c], executionRoleArn: 'arn:aws:iam::1:role/e' }))).toEqual([
      'ecs.capability.secrets.ssm.environment-variables',
      'com.amazonaws.ecs.capability.privileged-container',
    ]);
  });
});
