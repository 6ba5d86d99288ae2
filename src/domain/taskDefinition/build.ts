// The TaskDefinition ECS stores and returns for a validated registration: the input copied whole (minus tags, which
// ECS keeps beside the definition), plus what ECS computes: identity, status, compatibilities, required
// attributes, normalized task size and the container defaults.
import type { RegisterTaskDefinitionRequest, TaskDefinition } from '@aws-sdk/client-ecs';
import { taskDefinitionArn } from '../arn.js';
import { requiredAttributes } from './attributes.js';
import { computeCompatibilities } from './compatibilities.js';
import { withContainerDefaults } from './defaults.js';
import { ordered, TASK_DEFINITION_KEYS } from './order.js';
import { viewOf } from './view.js';

export interface BuildMeta {
  arn: { region: string; accountId: string };
  revision: number;
  registeredAt: Date;
  registeredBy: string;
}

export function buildTaskDefinition(input: RegisterTaskDefinitionRequest, meta: BuildMeta): TaskDefinition {
  // A deep copy: the stored definition must not share objects with the caller's request.
  const { tags: _tags, ...copy } = structuredClone(input);
  const view = viewOf(copy);
  const family = copy.family!;
  const attributes = requiredAttributes(view);
  return ordered<TaskDefinition>(
    {
      ...copy,
      taskDefinitionArn: taskDefinitionArn(meta.arn, family, meta.revision),
      containerDefinitions: view.containers.map((c) => withContainerDefaults(c, view.networkMode)),
      family,
      revision: meta.revision,
      volumes: copy.volumes ?? [],
      status: 'ACTIVE',
      // ECS leaves the field out rather than return an empty list.
      requiresAttributes: attributes.length > 0 ? attributes : undefined,
      placementConstraints: copy.placementConstraints ?? [],
      compatibilities: computeCompatibilities(view),
      cpu: view.cpu === undefined ? copy.cpu : String(view.cpu),
      memory: view.memory === undefined ? copy.memory : String(view.memory),
      registeredAt: meta.registeredAt,
      registeredBy: meta.registeredBy,
    },
    TASK_DEFINITION_KEYS,
  );
}
