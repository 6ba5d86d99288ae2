// Builders for this module's tests: a minimal valid EC2 and Fargate registration, and the error a registration
// is refused with. Test support only; nothing in the module imports it.
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { AwsError } from '../errors.js';
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
