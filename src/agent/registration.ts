// What the agent tells RegisterContainerInstance about its host (§1): resources, a stable identity kept in the state
// directory, built-in capability attributes and versionInfo. The signed call itself belongs to the channel layer.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DOCKER_LOG_DRIVERS } from './engine/logDrivers.js';

/** Host ports the agent reserves, as ECS does. */
export const RESERVED_PORTS = ['22', '2375', '2376', '51678', '51679'];
/** Memory kept back for the host and the agent (MiB). */
export const MEMORY_RESERVE_MIB = 256;

export interface Identity {
  instanceId: string;
  containerInstanceArn?: string;
}

export function hostResources(cores = cpus().length, memBytes = totalmem()) {
  return [
    { name: 'CPU', type: 'INTEGER', integerValue: cores * 1024 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: Math.max(0, Math.floor(memBytes / 1024 / 1024) - MEMORY_RESERVE_MIB) },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: RESERVED_PORTS },
    { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] as string[] },
  ];
}

/** The same host keeps its `i-` + 17 hex id (and its instance ARN once registered) across restarts. */
export function loadIdentity(stateDir: string): Identity {
  const file = join(stateDir, 'agent-identity.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Identity;
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const id: Identity = { instanceId: 'i-' + randomBytes(9).toString('hex').slice(0, 17) };
  writeFileSync(file, JSON.stringify(id, null, 2) + '\n', { mode: 0o600 });
  return id;
}

export function saveIdentity(stateDir: string, id: Identity): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(stateDir, 'agent-identity.json'), JSON.stringify(id, null, 2) + '\n', { mode: 0o600 });
}

export function instanceIdentityDocument(id: Identity, region: string, availabilityZone?: string): string {
  return JSON.stringify({ instanceId: id.instanceId, instanceType: 'wharf.host', availabilityZone: availabilityZone ?? `${region}a`, architecture: arch() === 'arm64' ? 'arm64' : 'x86_64', region });
}

/** Docker remote API versions this engine speaks, from 1.17 up to its own. */
function apiVersions(engineApi: string): string[] {
  const [, minor] = engineApi.split('.').map(Number);
  const out: string[] = [];
  for (let m = 17; m <= (minor ?? 17); m++) out.push(`1.${m}`);
  return out;
}

/** Docker's drivers a task may name, where the engine has them; json-file when the engine does not say. */
function dockerLogDrivers(engineDrivers: string[] | undefined): string[] {
  return DOCKER_LOG_DRIVERS.filter((d) => (engineDrivers ?? ['json-file']).includes(d) || d === 'none');
}

export function capabilityAttributes(
  engineApi: string,
  publishAddress: string,
  extra: Record<string, string> = {},
  allowPrivileged = false,
  engineLogDrivers?: string[],
) {
  const names = [
    ...apiVersions(engineApi).map((v) => `com.amazonaws.ecs.capability.docker-remote-api.${v}`),
    // awslogs is Wharf's own shipping, whatever the engine has; the others are the engine's.
    ...dockerLogDrivers(engineLogDrivers).map((d) => `com.amazonaws.ecs.capability.logging-driver.${d}`),
    'com.amazonaws.ecs.capability.logging-driver.awslogs',
    'ecs.capability.container-restart-policy',
    'ecs.capability.container-port-range',
    // awslogs output travels on the agent's channel and images come from Wharf's registry with the agent's own
    // credentials, so a task's execution role needs nothing more from the host: both work as on ECS.
    'ecs.capability.execution-role-awslogs',
    'ecs.capability.execution-role-ecr-pull',
    'com.amazonaws.ecs.capability.ecr-auth',
    ...(allowPrivileged ? ['com.amazonaws.ecs.capability.privileged-container'] : []),
    'ecs.capability.task-eni',
    'ecs.capability.container-health-check',
    'ecs.capability.container-ordering',
    'ecs.capability.env-files.s3',
    'ecs.capability.docker-plugin.local',
    'ecs.capability.pid-ipc-namespace-sharing',
    'ecs.capability.task-cpu-mem-limit',
    // EFS volumes are binds of EFS_ROOT/FSID (engine/efs.ts), access points and IAM authorization included.
    'ecs.capability.efs',
    'ecs.capability.efsAuth',
    'com.amazonaws.ecs.capability.task-iam-role',
    // Host-mode tasks read their role's credentials at AWS_CONTAINER_CREDENTIALS_FULL_URI on the host's listener.
    'com.amazonaws.ecs.capability.task-iam-role-network-host',
    // Secrets come from the control plane on the channel, read as the task's execution role allows.
    'ecs.capability.secrets.asm.environment-variables',
    'ecs.capability.secrets.ssm.environment-variables',
    'ecs.capability.secrets.asm.bootstrap.log-driver',
    'ecs.capability.secrets.ssm.bootstrap.log-driver',
    'com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager',
  ];
  return [
    ...names.map((name) => ({ name })),
    { name: 'wharf.publish-address', value: publishAddress },
    ...Object.entries(extra).map(([name, value]) => ({ name, value })),
  ];
}

export function versionInfo(agentVersion: string, dockerVersion: string) {
  return { agentVersion, agentHash: 'wharf', dockerVersion: `DockerVersion: ${dockerVersion}` };
}
