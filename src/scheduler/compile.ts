// Turns a placement request into what the planner runs: validated constraints, the strategy chain (with ECS's
// default filled in) and the feasibility pipeline. Invalid input becomes InvalidParameterException here, so the
// API layer needs no knowledge of the scheduler's own error types.

import type { PlacementConstraint } from '@aws-sdk/client-ecs';
import { InvalidParameter } from '../domain/errors.js';
import { compileStrategies, StrategyError, type Rank } from './rank/strategies.js';
import type { ClusterState } from './state/clusterState.js';
import { ExpressionError } from './stages/memberOf.js';
import { buildPipeline, type Pipeline } from './stages/pipeline.js';
import type { PlacementRequest, TaskDemand } from './types.js';

/** ECS allows at most ten constraints per task (the task definition's included). */
export const MAX_CONSTRAINTS = 10;

export interface CompiledRequest {
  readonly chain: readonly Rank[];
  readonly pipeline: Pipeline;
}

export function compileRequest(state: ClusterState, req: PlacementRequest): CompiledRequest {
  if (!Number.isInteger(req.count) || req.count < 0) {
    throw new InvalidParameter(`count must be a whole number of tasks, got ${req.count}`);
  }
  checkDemand(req.demand);
  const { memberOf, distinctInstance } = readConstraints(req.placementConstraints ?? []);
  try {
    const chain = compileStrategies(req.placementStrategy, req.origin ?? 'standalone');
    const pipeline = buildPipeline(state, { demand: req.demand, group: req.group, memberOf, distinctInstance });
    return { chain, pipeline };
  } catch (e) {
    if (e instanceof StrategyError || e instanceof ExpressionError) throw new InvalidParameter(e.message);
    throw e;
  }
}

export function readConstraints(list: readonly PlacementConstraint[]): {
  memberOf: string[];
  distinctInstance: boolean;
} {
  if (list.length > MAX_CONSTRAINTS) {
    throw new InvalidParameter(`at most ${MAX_CONSTRAINTS} placement constraints are allowed, got ${list.length}`);
  }
  const memberOf: string[] = [];
  let distinctInstance = false;
  for (const c of list) {
    if (c.type === 'distinctInstance') {
      if (c.expression) throw new InvalidParameter('a distinctInstance constraint takes no expression');
      distinctInstance = true;
    } else if (c.type === 'memberOf') {
      if (!c.expression?.trim()) throw new InvalidParameter('a memberOf constraint needs an expression');
      memberOf.push(c.expression);
    } else {
      throw new InvalidParameter(`unknown placement constraint type "${String(c.type)}" (distinctInstance or memberOf)`);
    }
  }
  return { memberOf, distinctInstance };
}

function checkDemand(d: TaskDemand): void {
  for (const [name, v] of [['cpu', d.cpu], ['memory', d.memory]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new InvalidParameter(`task ${name} must be a non-negative number, got ${v}`);
  }
  const fixed = new Set<string>();
  for (const p of d.ports) {
    if (!Number.isInteger(p.hostPort) || p.hostPort < 0 || p.hostPort > 65535) {
      throw new InvalidParameter(`host port must be 0-65535, got ${p.hostPort}`);
    }
    const key = `${p.protocol}/${p.hostPort}`;
    if (p.hostPort !== 0 && fixed.has(key)) throw new InvalidParameter(`host port ${key} is mapped twice`);
    fixed.add(key);
  }
}
