// Key order of the objects ECS returns, so a stored definition reads like DescribeTaskDefinition's output. Keys
// this list does not know (fields newer than our SDK) are kept, after the known ones: nothing is ever dropped.
import type { ContainerDefinition, HealthCheck, PortMapping, TaskDefinition } from '@aws-sdk/client-ecs';

export const TASK_DEFINITION_KEYS = [
  'taskDefinitionArn', 'containerDefinitions', 'family', 'taskRoleArn', 'executionRoleArn', 'networkMode', 'revision',
  'volumes', 'status', 'requiresAttributes', 'placementConstraints', 'compatibilities', 'runtimePlatform',
  'requiresCompatibilities', 'cpu', 'memory', 'inferenceAccelerators', 'pidMode', 'ipcMode', 'proxyConfiguration',
  'registeredAt', 'deregisteredAt', 'deleteRequestedAt', 'registeredBy', 'ephemeralStorage', 'enableFaultInjection',
] as const satisfies readonly (keyof TaskDefinition)[];

export const CONTAINER_KEYS = [
  'name', 'image', 'repositoryCredentials', 'cpu', 'memory', 'memoryReservation', 'links', 'portMappings',
  'essential', 'restartPolicy', 'entryPoint', 'command', 'environment', 'environmentFiles', 'mountPoints',
  'volumesFrom', 'linuxParameters', 'secrets', 'dependsOn', 'startTimeout', 'stopTimeout', 'versionConsistency',
  'hostname', 'user', 'workingDirectory', 'disableNetworking', 'privileged', 'readonlyRootFilesystem', 'dnsServers',
  'dnsSearchDomains', 'extraHosts', 'dockerSecurityOptions', 'interactive', 'pseudoTerminal', 'dockerLabels',
  'ulimits', 'logConfiguration', 'healthCheck', 'systemControls', 'resourceRequirements', 'firelensConfiguration',
  'credentialSpecs',
] as const satisfies readonly (keyof ContainerDefinition)[];

export const PORT_MAPPING_KEYS = [
  'containerPort', 'hostPort', 'protocol', 'name', 'appProtocol', 'containerPortRange',
] as const satisfies readonly (keyof PortMapping)[];

export const HEALTH_CHECK_KEYS = [
  'command', 'interval', 'timeout', 'retries', 'startPeriod',
] as const satisfies readonly (keyof HealthCheck)[];

// Compile-time guard: a field added to the SDK model must be placed in its list above.
type Unlisted<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;
const complete: [
  Unlisted<TaskDefinition, typeof TASK_DEFINITION_KEYS>,
  Unlisted<ContainerDefinition, typeof CONTAINER_KEYS>,
  Unlisted<PortMapping, typeof PORT_MAPPING_KEYS>,
  Unlisted<HealthCheck, typeof HEALTH_CHECK_KEYS>,
] extends [never, never, never, never] ? true : false = true;
void complete;

/** `value`'s defined entries, listed keys first in list order, then any others in their own order. */
export function ordered<T>(value: object, keys: readonly string[]): T {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  for (const [k, v] of Object.entries(source)) if (v !== undefined && !(k in out)) out[k] = v;
  return out as T;
}
