// The derived facts every rule needs (effective network mode, Fargate or not, parsed task size), computed once so
// the rule files stay about their rule and do not re-derive defaults each on their own.
import type { ContainerDefinition, NetworkMode, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { resolveTaskSize } from './units.js';

export interface TaskView {
  readonly input: RegisterTaskDefinitionRequest;
  readonly containers: readonly ContainerDefinition[];
  /** ECS's default when networkMode is omitted is bridge (for Linux). */
  readonly networkMode: NetworkMode;
  /** FARGATE is in requiresCompatibilities: the Fargate rules apply. */
  readonly requiresFargate: boolean;
  /** Task-level size in CPU units / MiB, parsed from the accepted spellings. */
  readonly cpu?: number;
  readonly memory?: number;
}

/** Throws ECS's "Invalid 'cpu' setting for task." when the task size cannot be parsed. */
export function viewOf(input: RegisterTaskDefinitionRequest): TaskView {
  const size = resolveTaskSize(input);
  return {
    input,
    containers: input.containerDefinitions ?? [],
    networkMode: input.networkMode ?? 'bridge',
    requiresFargate: (input.requiresCompatibilities ?? []).includes('FARGATE'),
    ...size,
  };
}

/** Names in messages: validated to be present before any rule that quotes them runs. */
export const nameOf = (c: ContainerDefinition): string => c.name ?? 'null';
