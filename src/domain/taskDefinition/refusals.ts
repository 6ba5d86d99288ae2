// The fields fields.ts lists as refused at RegisterTaskDefinition or RunTask, found in a request: a ClientException
// naming the field and why, rather than a definition stored with a field that would silently do nothing.
import type { ContainerDefinition, RegisterTaskDefinitionRequest, TaskOverride, Volume } from '@aws-sdk/client-ecs';
import { ClientError } from '../errors.js';
import { checkEphemeralStorage } from './ephemeralStorage.js';
import { refusalMessage } from './fields.js';

const given = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== false && !(Array.isArray(v) && v.length === 0);

type Check<T> = (x: T) => boolean;

/** Task-level, per container and per volume: the field's key in fields.ts -> whether the request uses it. */
export const REGISTER_REFUSALS = {
  task: {
    'TaskDefinition.proxyConfiguration': (t) => given(t.proxyConfiguration),
    'TaskDefinition.inferenceAccelerators': (t) => given(t.inferenceAccelerators),
    'TaskDefinition.enableFaultInjection': (t) => t.enableFaultInjection === true,
  } as Record<string, Check<RegisterTaskDefinitionRequest>>,
  container: {
    'ContainerDefinition.resourceRequirements': (c) => given(c.resourceRequirements),
    'ContainerDefinition.firelensConfiguration': (c) =>
      given(c.firelensConfiguration) || c.logConfiguration?.logDriver === 'awsfirelens',
    'ContainerDefinition.credentialSpecs': (c) => given(c.credentialSpecs),
  } as Record<string, Check<ContainerDefinition>>,
  volume: {
    'Volume.s3filesVolumeConfiguration': (v) => given(v.s3filesVolumeConfiguration),
    'Volume.fsxWindowsFileServerVolumeConfiguration': (v) => given(v.fsxWindowsFileServerVolumeConfiguration),
    'Volume.configuredAtLaunch': (v) => v.configuredAtLaunch === true,
  } as Record<string, Check<Volume>>,
};

export const RUN_REFUSALS: Record<string, Check<TaskOverride>> = {
  'TaskOverride.inferenceAcceleratorOverrides': (o) => given(o.inferenceAcceleratorOverrides),
  'ContainerOverride.resourceRequirements': (o) => (o.containerOverrides ?? []).some((c) => given(c.resourceRequirements)),
};

function refuse<T>(checks: Record<string, Check<T>>, x: T): void {
  for (const [field, uses] of Object.entries(checks)) if (uses(x)) throw new ClientError(refusalMessage(field));
}

export function checkRefusedFields(input: RegisterTaskDefinitionRequest): void {
  refuse(REGISTER_REFUSALS.task, input);
  for (const c of input.containerDefinitions ?? []) refuse(REGISTER_REFUSALS.container, c);
  for (const v of input.volumes ?? []) refuse(REGISTER_REFUSALS.volume, v);
}

export function checkRefusedOverrides(overrides: TaskOverride | undefined): void {
  if (!overrides) return;
  checkEphemeralStorage(overrides.ephemeralStorage, 'override');
  refuse(RUN_REFUSALS, overrides);
}
