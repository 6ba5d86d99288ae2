// Why a task found no instance: for every instance, the first stage it failed (ECS's per-instance `failures`),
// and the instance that got furthest down the pipeline (the "closest matching container-instance" that ECS
// names in service events).

import type { ClusterState } from './state/clusterState.js';
import type { Pipeline } from './stages/pipeline.js';
import type { Rejection } from './types.js';

export function explain(state: ClusterState, pipeline: Pipeline): { rejections: Rejection[]; closest?: Rejection } {
  const rejections: Rejection[] = [];
  let closest: Rejection | undefined;
  let depth = -1;
  for (const s of state.slots) {
    if (!s.alive) continue;
    const r = pipeline.reject(s);
    if (!r) continue;
    const rejection = { arn: s.arn, reason: r.reason };
    rejections.push(rejection);
    if (r.depth > depth) {
      depth = r.depth;
      closest = rejection;
    }
  }
  return closest ? { rejections, closest } : { rejections };
}
