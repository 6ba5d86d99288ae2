// Deterministic Docker names and the labels of §4: the name alone stops a second copy of a container from being
// created (the engine refuses the duplicate name and adopts the existing one instead).
import { LABELS, PAUSE_CONTAINER_NAME, type AgentTask } from '../protocol.js';

export function taskId(taskArn: string): string {
  return taskArn.split('/').at(-1) ?? taskArn;
}

function clean(s: string): string {
  return s.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

export function dockerName(task: AgentTask, containerName: string): string {
  const suffix = containerName === PAUSE_CONTAINER_NAME ? 'internalecspause' : clean(containerName);
  return `ecs-${clean(task.family)}-${task.revision}-${clean(taskId(task.taskArn))}-${suffix}`;
}

export function containerLabels(task: AgentTask, containerName: string, instanceArn: string): Record<string, string> {
  return {
    [LABELS.cluster]: task.clusterArn,
    [LABELS.taskArn]: task.taskArn,
    [LABELS.containerName]: containerName,
    [LABELS.family]: task.family,
    [LABELS.version]: String(task.revision),
    [LABELS.instanceArn]: instanceArn,
  };
}

export function taskVolumeName(task: AgentTask, volume: string): string {
  return `ecs-${clean(task.family)}-${task.revision}-${clean(taskId(task.taskArn))}-${clean(volume)}`;
}
