// What a task definition must satisfy to run on Fargate: awsvpc, a task size from the Fargate table, and none of
// the host-level features Fargate does not offer. Used to validate FARGATE in requiresCompatibilities and to decide
// whether FARGATE appears in the computed compatibilities.
import type { ContainerDefinition, RuntimePlatform } from '@aws-sdk/client-ecs';
import { ClientError } from '../errors.js';
import { nameOf, type TaskView } from './view.js';

interface MemoryRange {
  min: number;
  max: number;
  step: number;
}

/** Valid memory (MiB) per task cpu (units), from the Fargate task size table. */
const FARGATE_SIZES: ReadonlyMap<number, MemoryRange | readonly number[]> = new Map<number, MemoryRange | number[]>([
  [256, [512, 1024, 2048]],
  [512, { min: 1024, max: 4096, step: 1024 }],
  [1024, { min: 2048, max: 8192, step: 1024 }],
  [2048, { min: 4096, max: 16384, step: 1024 }],
  [4096, { min: 8192, max: 30720, step: 1024 }],
  [8192, { min: 16384, max: 61440, step: 4096 }],
  [16384, { min: 32768, max: 122880, step: 8192 }],
]);

/** Windows on Fargate starts at 1 vCPU and stops at 4 vCPU (the table's OS column). */
const WINDOWS_CPUS = new Set([1024, 2048, 4096]);

/** Fargate on Linux may add only this capability. */
const FARGATE_ADDABLE_CAPABILITIES = new Set(['SYS_PTRACE']);

/** The longest stop and start timeouts Fargate honours, in seconds. */
export const FARGATE_MAX_TIMEOUT = 120;

export function isFargateSize(cpu: number, memory: number, platform?: RuntimePlatform): boolean {
  if (platform?.operatingSystemFamily?.startsWith('WINDOWS') && !WINDOWS_CPUS.has(cpu)) return false;
  const allowed = FARGATE_SIZES.get(cpu);
  if (allowed === undefined) return false;
  if (Array.isArray(allowed)) return allowed.includes(memory);
  const r = allowed as MemoryRange;
  return memory >= r.min && memory <= r.max && (memory - r.min) % r.step === 0;
}

/** Throws the first Fargate rule the task definition breaks. */
export function checkFargate(view: TaskView): void {
  const { input } = view;
  if (view.networkMode !== 'awsvpc') throw new ClientError("Fargate only supports network mode ‘awsvpc’.");
  if (view.cpu === undefined) throw new ClientError("Fargate requires that 'cpu' be defined at the task level.");
  if (view.memory === undefined) throw new ClientError("Fargate requires that 'memory' be defined at the task level.");
  if (!isFargateSize(view.cpu, view.memory, input.runtimePlatform)) {
    throw new ClientError(
      `No Fargate configuration exists for given values: ${view.cpu} CPU, ${view.memory} memory. ` +
        'See the Amazon ECS documentation for the valid values.',
    );
  }
  if (input.ipcMode !== undefined) throw new ClientError('Tasks using the Fargate launch type do not support ipcMode.');
  if (input.pidMode === 'host') {
    throw new ClientError("Tasks using the Fargate launch type do not support pidMode 'host'.");
  }
  for (const v of input.volumes ?? []) {
    if (v.host?.sourcePath !== undefined) {
      throw new ClientError('Fargate compatible task definitions do not support sourcePath.');
    }
    if (v.dockerVolumeConfiguration !== undefined) {
      throw new ClientError('Fargate compatible task definitions do not support dockerVolumeConfiguration.');
    }
  }
  for (const c of view.containers) checkFargateContainer(view, c);
}

function checkFargateContainer(view: TaskView, c: ContainerDefinition): void {
  const name = nameOf(c);
  if (c.privileged === true) throw new ClientError("Fargate requires that the 'privileged' setting be 'false'.");
  if ((c.dockerSecurityOptions ?? []).length > 0) {
    throw new ClientError('Fargate compatible task definitions do not support dockerSecurityOptions.');
  }
  const linux = c.linuxParameters;
  if (linux?.sharedMemorySize !== undefined) {
    throw new ClientError('Fargate compatible task definitions do not support sharedMemorySize.');
  }
  if ((linux?.tmpfs ?? []).length > 0) {
    throw new ClientError('Fargate compatible task definitions do not support tmpfs.');
  }
  if ((linux?.devices ?? []).length > 0) {
    throw new ClientError('Fargate compatible task definitions do not support devices.');
  }
  for (const cap of linux?.capabilities?.add ?? []) {
    if (!FARGATE_ADDABLE_CAPABILITIES.has(cap)) throw new ClientError(`${cap} is not allowed on Fargate.`);
  }
  for (const [field, value] of [['stopTimeout', c.stopTimeout], ['startTimeout', c.startTimeout]] as const) {
    if (value !== undefined && (value < 2 || value > FARGATE_MAX_TIMEOUT)) {
      throw new ClientError(
        `Invalid '${field}' setting for container '${name}'. Tasks using the Fargate launch type support ` +
          `values between 2 and ${FARGATE_MAX_TIMEOUT} seconds.`,
      );
    }
  }
  if (c.logConfiguration?.logDriver === 'awslogs' && !view.input.executionRoleArn) {
    throw new ClientError('Fargate requires task definition to have execution role ARN to support log driver awslogs.');
  }
}

/** Whether the definition would pass the Fargate rules: decides FARGATE in the computed compatibilities. */
export function fitsFargate(view: TaskView): boolean {
  try {
    checkFargate(view);
    return true;
  } catch {
    return false;
  }
}
