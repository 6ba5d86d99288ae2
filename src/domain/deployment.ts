// Deployments as ECS defines them: ids ("ecs-svc/" + 19 digits), the task bounds a rolling update keeps
// (minimumHealthyPercent rounds up, maximumPercent rounds down), the circuit breaker's failure threshold, and the
// one catalogue of service event messages, worded as ECS words them.
import { randomInt } from 'node:crypto';
import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';

/** A deployment id: `ecs-svc/` then 19 digits, the first never 0. */
export function newDeploymentId(random: (max: number) => number = randomInt): string {
  let digits = String(1 + random(9));
  while (digits.length < 19) digits += String(random(10));
  return `ecs-svc/${digits}`;
}

export const isDeploymentId = (s: string) => /^ecs-svc\/\d{19}$/.test(s);

/** ECS's defaults: REPLICA 100/200, DAEMON 0/100; the circuit breaker is off unless asked for. */
export function resolveDeploymentConfiguration(
  given: DeploymentConfiguration | undefined,
  strategy: 'REPLICA' | 'DAEMON',
  current?: DeploymentConfiguration,
): DeploymentConfiguration {
  const base = current ?? {
    maximumPercent: strategy === 'DAEMON' ? 100 : 200,
    minimumHealthyPercent: strategy === 'DAEMON' ? 0 : 100,
    deploymentCircuitBreaker: { enable: false, rollback: false },
  };
  return {
    ...base,
    ...given,
    maximumPercent: given?.maximumPercent ?? base.maximumPercent,
    minimumHealthyPercent: given?.minimumHealthyPercent ?? base.minimumHealthyPercent,
    deploymentCircuitBreaker: given?.deploymentCircuitBreaker ?? base.deploymentCircuitBreaker,
  };
}

/** The fewest healthy tasks a deployment keeps: desiredCount * minimumHealthyPercent, rounded up. */
export const minimumHealthyTasks = (desired: number, c: DeploymentConfiguration) =>
  Math.ceil((desired * (c.minimumHealthyPercent ?? 100)) / 100 - 1e-9);

/** The most tasks (PENDING, RUNNING or stopping) a deployment allows: desiredCount * maximumPercent, rounded down. */
export const maximumTasks = (desired: number, c: DeploymentConfiguration) =>
  Math.floor((desired * (c.maximumPercent ?? 200)) / 100 + 1e-9);

/** The circuit breaker trips after 0.5 * desired task count failures, at least 3 and at most 200. */
export const circuitBreakerThreshold = (desired: number) => Math.min(200, Math.max(3, Math.ceil(desired * 0.5)));

const TROUBLESHOOTING = 'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';
const svc = (name: string) => `(service ${name})`;
const ids = (taskIds: readonly string[]) => taskIds.map((id) => `(task ${id})`).join(' ');

/** Every service event message Wharf writes. */
export const ServiceEvents = {
  started: (name: string, taskIds: readonly string[]) => `${svc(name)} has started ${taskIds.length} tasks: ${ids(taskIds)}.`,
  stopped: (name: string, taskIds: readonly string[]) =>
    `${svc(name)} has stopped ${taskIds.length} running tasks: ${ids(taskIds)}.`,
  steadyState: (name: string) => `${svc(name)} has reached a steady state.`,
  deploymentCompleted: (name: string, id: string) => `${svc(name)} (deployment ${id}) deployment completed.`,
  deploymentFailed: (name: string, id: string) => `${svc(name)} (deployment ${id}) deployment failed: tasks failed to start.`,
  rollingBack: (name: string, id: string) => `${svc(name)} rolling back to deployment ${id}.`,
  deploymentAlarmFailed: (name: string, id: string) => `${svc(name)} (deployment ${id}) deployment failed: alarm detected.`,
  unableToStart: (name: string) => `${svc(name)} is unable to consistently start tasks successfully. ${TROUBLESHOOTING}`,
  unableToPlace: (name: string, detail: string) =>
    `${svc(name)} was unable to place a task because no container instance met all of its requirements. ${detail} ${TROUBLESHOOTING}`,
  registeredTargets: (name: string, count: number, targetGroupArn: string) =>
    `${svc(name)} registered ${count} targets in (target-group ${targetGroupArn})`,
  deregisteredTargets: (name: string, count: number, targetGroupArn: string) =>
    `${svc(name)} deregistered ${count} targets in (target-group ${targetGroupArn})`,
  registeredInstances: (name: string, count: number, registryArn: string) =>
    `${svc(name)} registered ${count} instances in (service-registry ${registryArn})`,
  deregisteredInstances: (name: string, count: number, registryArn: string) =>
    `${svc(name)} deregistered ${count} instances in (service-registry ${registryArn})`,
  drainingConnections: (name: string, count: number) => `${svc(name)} has begun draining connections on ${count} tasks.`,
  // Wharf's own (ECS reports hook progress through EventBridge, not service events).
  hookAwaiting: (name: string, id: string, hookId: string, stage: string) =>
    `${svc(name)} (deployment ${id}) paused at lifecycle stage ${stage}: lifecycle hook ${hookId} is awaiting action.`,
  hookInvoked: (name: string, id: string, hookId: string, stage: string) =>
    `${svc(name)} (deployment ${id}) invoking lifecycle hook ${hookId} at lifecycle stage ${stage}.`,
  hookFailed: (name: string, id: string, hookId: string, stage: string) =>
    `${svc(name)} (deployment ${id}) deployment failed: lifecycle hook ${hookId} failed at lifecycle stage ${stage}.`,
  unhealthy: (name: string, taskId: string) => `${svc(name)} (task ${taskId}) failed container health checks.`,
} as const;

/** The "closest matching" clause of unableToPlace, from a scheduler failure reason. */
export function placementDetail(closestInstanceId: string | undefined, reason: string | undefined): string {
  if (!closestInstanceId) return 'Reason: No Container Instances were found in your cluster.';
  const what: Record<string, string> = {
    'RESOURCE:MEMORY': 'has insufficient memory available',
    'RESOURCE:CPU': 'has insufficient CPU units available',
    'RESOURCE:PORTS': 'is already using a port required by your task',
    'RESOURCE:PORTS_UDP': 'is already using a port required by your task',
    ATTRIBUTE: 'is missing an attribute required by your task',
    AGENT: 'is not connected to the agent',
    DRAINING: 'is draining',
  };
  const clause = what[reason ?? ''] ?? `encountered error "${reason ?? 'unknown'}"`;
  return `The closest matching (container-instance ${closestInstanceId}) ${clause}.`;
}

/** The alarm names in an alarmsFailed reason. */
export const alarmsInReason = (reason: string | undefined) =>
  reason?.startsWith('ECS deployment failed: alarms in ALARM state: ') ? reason.slice(46, -1).split(', ') : undefined;

/** rolloutStateReason texts. */
export const RolloutReasons = {
  inProgress: (id: string) => `ECS deployment ${id} in progress.`,
  completed: (id: string) => `ECS deployment ${id} completed.`,
  failed: 'ECS deployment circuit breaker: tasks failed to start.',
  rollingBack: (id: string) => `ECS deployment circuit breaker: rolling back to deploymentId ${id}.`,
  rollingBackTo: (revisionArn: string) => `ECS deployment rolling back to service revision ${revisionArn}.`,
  aborted: 'ECS deployment stopped by user.',
  alarmsFailed: (names: readonly string[]) => `ECS deployment failed: alarms in ALARM state: ${names.join(', ')}.`,
  rollingBackOnAlarm: (id: string) => `ECS deployment alarms: rolling back to deploymentId ${id}.`,
  hookFailed: (hookId: string, stage: string, status: string) => `ECS deployment failed: lifecycle hook ${hookId} ${status} at ${stage}.`,
  rollingBackOnHook: (id: string) => `ECS deployment lifecycle hook: rolling back to deploymentId ${id}.`,
} as const;
