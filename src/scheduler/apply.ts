// Committing a plan to the scheduler's state once the store has accepted it. Like Nomad's plan applier it
// re-checks every placement first: a plan made on a view that has since changed must not oversubscribe.

import type { ClusterState } from './state/clusterState.js';
import type { Slot } from './state/slot.js';
import { buildPipeline } from './stages/pipeline.js';
import type { Plan } from './types.js';

export class StalePlanError extends Error {
  override readonly name = 'StalePlanError';
}

/** Reserves every placement of `plan`, or none: throws StalePlanError if one no longer fits. */
export function applyPlan(state: ClusterState, plan: Plan): void {
  // Constraints were the planner's business; here only what would oversubscribe or misplace matters.
  const pipeline = buildPipeline(state, {
    demand: { ...plan.demand, ports: [] },
    group: plan.group,
    memberOf: [],
    distinctInstance: false,
  });
  const done: [Slot, readonly number[]][] = [];
  try {
    for (const p of plan.placements) {
      const s = state.slotOf(p.instanceArn);
      const why = !s ? 'is gone' : pipeline.reject(s)?.reason ?? portClash(s, plan, p.hostPorts);
      if (why) throw new StalePlanError(`placement on ${p.instanceArn} no longer fits: ${why}`);
      state.reserve(s!, plan.demand, p.hostPorts, plan.group);
      done.push([s!, p.hostPorts]);
    }
  } catch (e) {
    for (let k = done.length - 1; k >= 0; k--) state.release(done[k]![0], plan.demand, done[k]![1], plan.group);
    throw e;
  }
}

function portClash(s: Slot, plan: Plan, hostPorts: readonly number[]): string | undefined {
  const seen = { tcp: new Set<number>(), udp: new Set<number>() };
  for (const [k, need] of plan.demand.ports.entries()) {
    const port = hostPorts[k];
    if (port === undefined || s.ports(need.protocol).has(port) || seen[need.protocol].has(port)) {
      return `${need.protocol} port ${port} is taken`;
    }
    seen[need.protocol].add(port);
  }
  return undefined;
}
