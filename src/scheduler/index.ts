// Wharf's scheduler: placement as pure computation over a read-only view of a cluster. No I/O; callers (RunTask,
// StartTask, the service controller, ListContainerInstances' filter) bring the state and commit the plans.
// See README.md for the pipeline.

export type {
  InstanceStatus,
  InstanceView,
  Placement,
  PlacementRequest,
  Plan,
  PortNeed,
  Rejection,
  RequestOrigin,
  TaskDemand,
} from './types.js';
export { Reason, type FailureReason } from './reasons.js';
export { ClusterState, DEFAULT_EPHEMERAL_RANGE, type StateOptions } from './state/clusterState.js';
export type { Slot } from './state/slot.js';
export { planPlacement, type PlanOptions } from './planner.js';
export { planStartTask, type StartTaskRequest } from './startTask.js';
export { taskDemand, parseCpu, parseMemory } from './demand.js';
export { instanceViewFromEcs } from './ecs.js';
export { defaultStrategy, MAX_STRATEGIES } from './rank/strategies.js';
export { MAX_CONSTRAINTS } from './compile.js';
export { seededRandom } from './rank/random.js';

// The cluster query language, for memberOf constraints and ListContainerInstances' `filter`.
export { parseExpression, type ParseResult } from './cql/parser.js';
export { evaluate, type QueryTarget } from './cql/evaluate.js';
export type { Expression, Comparison, Subject, Operator, Literal } from './cql/ast.js';
