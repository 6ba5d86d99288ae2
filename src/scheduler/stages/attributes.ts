// The task definition's `requiresAttributes` (capabilities such as `ecs.capability.task-eni` for awsvpc, or
// docker remote API versions): an instance without one of them cannot run the task at all (`ATTRIBUTE`).

import { Reason } from '../reasons.js';
import type { TaskDemand } from '../types.js';
import type { Stage } from './stage.js';

export function attributesStage(required: TaskDemand['requiredAttributes']): Stage | undefined {
  if (required.length === 0) return undefined;
  return (s) => {
    for (const a of required) {
      if (!s.attributes.has(a.name)) return Reason.ATTRIBUTE;
      if (a.value !== undefined && s.attributes.get(a.name) !== a.value) return Reason.ATTRIBUTE;
    }
    return undefined;
  };
}
