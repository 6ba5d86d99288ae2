// Task-level cpu and memory arrive as strings in several spellings ECS accepts ("1 vCPU", "0.5 vcpu", "2 GB",
// "512 MiB", "1024"); ECS stores the plain unit count ("1024"). Parsing lives here once.
import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { ClientError } from '../errors.js';

const CPU = /^(\d+(?:\.\d+)?)\s*(vcpus?)?$/i;
const MEMORY = /^(\d+(?:\.\d+)?)\s*(gib|gb|mib|mb)?$/i;

/** EC2 and EXTERNAL task cpu bounds from the RegisterTaskDefinition reference (0.125 to 192 vCPU). */
export const MIN_TASK_CPU = 128;
export const MAX_TASK_CPU = 196608;

/** CPU units, or undefined when the text is not a whole number of units. */
export function parseTaskCpu(text: string): number | undefined {
  const m = CPU.exec(text.trim());
  if (!m) return undefined;
  return whole(Number(m[1]) * (m[2] ? 1024 : 1));
}

/** MiB, or undefined when the text is not a whole number of MiB. */
export function parseTaskMemory(text: string): number | undefined {
  const m = MEMORY.exec(text.trim());
  if (!m) return undefined;
  const gb = m[2] !== undefined && m[2].toLowerCase().startsWith('g');
  return whole(Number(m[1]) * (gb ? 1024 : 1));
}

function whole(n: number): number | undefined {
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The parsed task size; ECS answers an unreadable or out-of-range value with one fixed message. */
export function resolveTaskSize(input: RegisterTaskDefinitionRequest): { cpu?: number; memory?: number } {
  const size: { cpu?: number; memory?: number } = {};
  if (input.cpu !== undefined) {
    const cpu = parseTaskCpu(input.cpu);
    if (cpu === undefined || cpu < MIN_TASK_CPU || cpu > MAX_TASK_CPU) {
      throw new ClientError("Invalid 'cpu' setting for task.");
    }
    size.cpu = cpu;
  }
  if (input.memory !== undefined) {
    const memory = parseTaskMemory(input.memory);
    if (memory === undefined) throw new ClientError("Invalid 'memory' setting for task.");
    size.memory = memory;
  }
  return size;
}
