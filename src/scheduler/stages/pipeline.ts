// The feasibility pipeline: every stage an instance must pass to take a task, in a fixed order.
//
// Order, and why:
//   1. status, 2. agent, 3. attributes: they rule an instance out for every task whatever its size, so they
//      come first and an instance failing them is never reported as the "closest" match.
//   4. cpu, 5. memory, 6. TCP ports, 7. UDP ports: ECS's documented first step ("satisfy the CPU, memory, and
//      port requirements"), in the order ECS reports shortfalls.
//   8. memberOf, 9. distinctInstance: ECS's second step, constraints, after resources.
// Strategies come after all of them and only rank what passed (rank/).
//
// Stages 1-3 and memberOf expressions that read only instance facts change only when an instance is updated,
// so their combined verdict is a static filter, memoized per instance version; the ranking indexes are kept
// per filter and hold only instances that pass it. The hot path runs the rest.

import type { FailureReason } from '../reasons.js';
import type { ClusterState } from '../state/clusterState.js';
import type { StaticFilter } from '../state/indexes.js';
import type { Slot } from '../state/slot.js';
import type { TaskDemand } from '../types.js';
import { agentStage } from './agent.js';
import { attributesStage } from './attributes.js';
import { distinctInstanceStage } from './distinctInstance.js';
import { memberOfStages, parseConstraint } from './memberOf.js';
import { portsStage } from './ports.js';
import { cpuStage, memoryStage } from './resources.js';
import type { Stage } from './stage.js';
import { statusStage } from './status.js';

export interface PipelineInput {
  readonly demand: TaskDemand;
  readonly group: string;
  readonly memberOf: readonly string[];
  readonly distinctInstance: boolean;
}

export interface Pipeline {
  /** Stages 1-3 and fixed memberOf, memoized per instance; the ranking indexes hold only instances passing it. */
  readonly filter: StaticFilter;
  /** True if `s` passes every stage (the hot path). */
  feasible(s: Slot): boolean;
  /** The first stage `s` fails, as its reason and depth (higher = got further), or undefined if it passes. */
  reject(s: Slot): { reason: FailureReason; depth: number } | undefined;
}

export function buildPipeline(state: ClusterState, input: PipelineInput): Pipeline {
  const { demand, group } = input;
  const memberOf = memberOfStages(input.memberOf.map(parseConstraint));
  const attributes = attributesStage(demand.requiredAttributes);
  const resources = [cpuStage(demand), memoryStage(demand), portsStage(demand, 'tcp', state), portsStage(demand, 'udp', state)];
  const distinct = input.distinctInstance ? distinctInstanceStage(group) : undefined;
  const fixed = present([statusStage, agentStage, attributes, memberOf.fixed]);
  const live = present([...resources, memberOf.live, distinct]);
  const ordered = present([statusStage, agentStage, attributes, ...resources, memberOf.fixed, memberOf.live, distinct]);
  const fixedAhead = present([statusStage, agentStage, attributes]).length;
  const filter = state.filter(JSON.stringify([demand.requiredAttributes, input.memberOf]), (s) =>
    fixed.every((st) => st(s) === undefined),
  );

  return {
    filter,
    feasible(s) {
      if (!filter.passes(s)) return false;
      for (const st of live) if (st(s) !== undefined) return false;
      return true;
    },
    reject(s) {
      // Instances passing the memoized static filter pass its stages: start after them.
      for (let depth = filter.passes(s) ? fixedAhead : 0; depth < ordered.length; depth++) {
        const reason = ordered[depth]!(s);
        if (reason !== undefined) return { reason, depth };
      }
      return undefined;
    },
  };
}

function present(stages: readonly (Stage | undefined)[]): Stage[] {
  return stages.filter((s): s is Stage => s !== undefined);
}
