// Placement of one request: filter, rank, place, repeat for each task, with every task seeing what the earlier
// ones of the same call took. The plan is computed against the caller's ClusterState, which is handed back
// exactly as it was; committing is the caller's (tasks/launch.ts writes it in one guarded transaction).

import { compileRequest } from './compile.js';
import { selectSlot, type SelectContext } from './rank/select.js';
import { explain } from './explain.js';
import type { ClusterState } from './state/clusterState.js';
import type { Slot } from './state/slot.js';
import type { Placement, Plan, PlacementRequest, Rejection } from './types.js';

export interface PlanOptions {
  /** Uniform [0, 1) source for the random strategy; inject a seeded one for reproducible plans. */
  readonly random?: () => number;
}

export function planPlacement(state: ClusterState, req: PlacementRequest, options: PlanOptions = {}): Plan {
  const { chain, pipeline } = compileRequest(state, req);
  const ctx: SelectContext = {
    state,
    demand: req.demand,
    group: req.group,
    feasible: pipeline.feasible,
    filter: pipeline.filter,
    random: options.random ?? Math.random,
  };
  const placements: Placement[] = [];
  const taken: [Slot, number[]][] = [];
  let rejections: Rejection[] = [];
  let closest: Rejection | undefined;
  try {
    for (let k = 0; k < req.count; k++) {
      const i = selectSlot(ctx, chain);
      if (i < 0) {
        // Every remaining task is alike and nothing changed since: one explanation covers them all.
        ({ rejections, closest } = explain(state, pipeline));
        break;
      }
      const s = state.slots[i]!;
      const hostPorts = state.allocatePorts(s, req.demand.ports)!; // the ports stage found room
      state.reserve(s, req.demand, hostPorts, req.group);
      taken.push([s, hostPorts]);
      placements.push({ instanceArn: s.arn, hostPorts });
    }
  } finally {
    for (let k = taken.length - 1; k >= 0; k--) state.release(taken[k]![0], req.demand, taken[k]![1], req.group);
  }
  return {
    group: req.group,
    demand: req.demand,
    placements,
    unplaced: req.count - placements.length,
    rejections,
    ...(closest ? { closest } : {}),
  };
}
