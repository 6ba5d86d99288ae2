// StartTask: the caller names the instances (one task each), so nothing is ranked; each named instance is only
// checked by the pipeline, in order, seeing what the earlier ones of the same call took. An unknown ARN fails
// as `MISSING`, a deregistered instance as `INACTIVE`, as ECS documents.

import type { PlacementConstraint } from '@aws-sdk/client-ecs';
import { readConstraints } from './compile.js';
import { Reason } from './reasons.js';
import type { ClusterState } from './state/clusterState.js';
import type { Slot } from './state/slot.js';
import { buildPipeline } from './stages/pipeline.js';
import type { Placement, Plan, Rejection, TaskDemand } from './types.js';

export interface StartTaskRequest {
  /** Container instance ARNs, one task on each (ECS allows up to ten). */
  readonly instanceArns: readonly string[];
  readonly group: string;
  readonly demand: TaskDemand;
  /** The task definition's memberOf constraints, if any. */
  readonly placementConstraints?: readonly PlacementConstraint[];
}

export function planStartTask(state: ClusterState, req: StartTaskRequest): Plan {
  const { memberOf, distinctInstance } = readConstraints(req.placementConstraints ?? []);
  const pipeline = buildPipeline(state, { demand: req.demand, group: req.group, memberOf, distinctInstance });
  const placements: Placement[] = [];
  const rejections: Rejection[] = [];
  const taken: [Slot, number[]][] = [];
  try {
    for (const arn of req.instanceArns) {
      const s = state.slotOf(arn);
      const reason = s ? pipeline.reject(s)?.reason : Reason.MISSING;
      if (reason || !s) {
        rejections.push({ arn, reason: reason ?? Reason.MISSING });
        continue;
      }
      const hostPorts = state.allocatePorts(s, req.demand.ports)!; // the ports stage found room
      state.reserve(s, req.demand, hostPorts, req.group);
      taken.push([s, hostPorts]);
      placements.push({ instanceArn: arn, hostPorts });
    }
  } finally {
    for (let k = taken.length - 1; k >= 0; k--) state.release(taken[k]![0], req.demand, taken[k]![1], req.group);
  }
  return { group: req.group, demand: req.demand, placements, unplaced: rejections.length, rejections };
}
