// Per-container settings ECS checks beyond names and resources: the essential container, health check bounds,
// the restart policy, log driver options, and the execution role that secrets need.
import type { ContainerDefinition, HealthCheck } from '@aws-sdk/client-ecs';
import { ClientError } from '../errors.js';
import { nameOf, type TaskView } from './view.js';

/** Health check bounds in seconds (retries: a count), from the HealthCheck API reference. */
export const HEALTH_CHECK_BOUNDS = {
  interval: [5, 300],
  timeout: [2, 60],
  retries: [1, 10],
  startPeriod: [0, 300],
} as const satisfies Record<string, readonly [number, number]>;

export const RESTART_ATTEMPT_PERIOD = [60, 1800] as const;

/** awslogs refuses to start without these options; ECS lists the missing ones in this order. */
const AWSLOGS_REQUIRED = ['awslogs-region', 'awslogs-group'] as const;

export function checkContainers(view: TaskView): void {
  // An omitted `essential` means true.
  if (!view.containers.some((c) => c.essential !== false)) {
    throw new ClientError("Task definition doesn't have any essential container.");
  }
  for (const c of view.containers) {
    if (c.healthCheck !== undefined) checkHealthCheck(nameOf(c), c.healthCheck);
    checkRestartPolicy(c);
    checkLogging(c);
  }
  const usesSecrets = view.containers.some(
    (c) => (c.secrets ?? []).length > 0 || (c.logConfiguration?.secretOptions ?? []).length > 0,
  );
  if (usesSecrets && !view.input.executionRoleArn) {
    throw new ClientError(
      "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.",
    );
  }
}

function checkHealthCheck(name: string, hc: HealthCheck): void {
  const first = hc.command?.[0];
  if (first !== 'CMD' && first !== 'CMD-SHELL') {
    throw new ClientError(
      `Invalid 'healthCheck' setting for container '${name}'. The command must start with CMD or CMD-SHELL.`,
    );
  }
  for (const [field, [min, max]] of Object.entries(HEALTH_CHECK_BOUNDS)) {
    const value = hc[field as keyof typeof HEALTH_CHECK_BOUNDS];
    if (value !== undefined && (value < min || value > max)) {
      throw new ClientError(
        `Invalid 'healthCheck' setting for container '${name}'. '${field}' must be between ${min} and ${max}.`,
      );
    }
  }
}

/** At most this many ignoredExitCodes (ContainerRestartPolicy in the API reference). */
export const MAX_IGNORED_EXIT_CODES = 50;

function checkRestartPolicy(c: ContainerDefinition): void {
  if ((c.restartPolicy?.ignoredExitCodes?.length ?? 0) > MAX_IGNORED_EXIT_CODES) {
    throw new ClientError(
      `The 'ignoredExitCodes' setting for container '${nameOf(c)}' can contain at most ${MAX_IGNORED_EXIT_CODES} exit codes.`,
    );
  }
  const period = c.restartPolicy?.restartAttemptPeriod;
  const [min, max] = RESTART_ATTEMPT_PERIOD;
  if (period !== undefined && (period < min || period > max)) {
    throw new ClientError(
      `The 'restartAttemptPeriod' setting for container '${nameOf(c)}' must be between ${min} and ${max}.`,
    );
  }
}

function checkLogging(c: ContainerDefinition): void {
  const log = c.logConfiguration;
  if (log?.logDriver !== 'awslogs') return;
  const missing = AWSLOGS_REQUIRED.filter((o) => !log.options?.[o]);
  if (missing.length > 0) throw new ClientError(`Log driver awslogs requires options: ${missing.join(', ')}`);
}
