// Builders for this module's tests: a minimal valid EC2 and Fargate registration, the error a registration is
// refused with, and the definition it is stored as. Test support only; nothing in the module imports it.
import type { ContainerDefinition, RegisterTaskDefinitionRequest, TaskDefinition } from '@aws-sdk/client-ecs';
import { AwsError } from '../errors.js';
import { buildTaskDefinition } from './build.js';
import { validateRegisterTaskDefinition } from './validate.js';

export const container = (over: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: 'web',
  image: 'nginx:latest',
  memory: 128,
  ...over,
});

export const ec2Task = (over: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest => ({
  family: 'app',
  containerDefinitions: [container()],
  ...over,
});

export const fargateTask = (over: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest => ({
  family: 'app',
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  containerDefinitions: [container({ memory: undefined })],
  ...over,
});

/** The error code and message a registration is refused with, or undefined when it passes. */
export function rejection(input: RegisterTaskDefinitionRequest): { code: string; message: string } | undefined {
  try {
    validateRegisterTaskDefinition(input);
    return undefined;
  } catch (e) {
    if (e instanceof AwsError) return { code: e.code, message: e.message };
    throw e;
  }
}

export const clientError = (message: string) => ({ code: 'ClientException', message });

export const testMeta = {
  arn: { region: 'us-east-1', accountId: '123456789012' },
  revision: 3,
  registeredAt: new Date('2026-01-02T03:04:05Z'),
  registeredBy: 'arn:aws:iam::123456789012:root',
};

/** The definition ECS would store for `input` as revision 3. */
export const registered = (input: RegisterTaskDefinitionRequest): TaskDefinition =>
  buildTaskDefinition(input, testMeta);
