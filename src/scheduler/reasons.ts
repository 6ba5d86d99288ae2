// The failure reasons a placement can report, spelled exactly as ECS spells them in RunTask/StartTask `failures`,
// so callers pass them through untouched.

export const Reason = {
  /** Not enough unreserved CPU units. */
  CPU: 'RESOURCE:CPU',
  /** Not enough unreserved memory. */
  MEMORY: 'RESOURCE:MEMORY',
  /** A fixed TCP host port is taken, the dynamic range is exhausted, or the 100 reserved ports limit is hit. */
  PORTS: 'RESOURCE:PORTS',
  /** The same for UDP. ECS names the instance resource `PORTS_UDP`; the reason follows that name. */
  PORTS_UDP: 'RESOURCE:PORTS_UDP',
  /** The instance lacks an attribute the task definition requires. */
  ATTRIBUTE: 'ATTRIBUTE',
  /** The instance's agent is disconnected. */
  AGENT: 'AGENT',
  /** StartTask named an instance that is not in the cluster. */
  MISSING: 'MISSING',
  /** The instance was deregistered. */
  INACTIVE: 'INACTIVE',
  /** Wharf's word for an instance that is not ACTIVE but not gone (DRAINING, REGISTERING, ...): no new tasks. */
  DRAINING: 'DRAINING',
  MEMBER_OF: 'MemberOf placement constraint unsatisfied.',
  DISTINCT_INSTANCE: 'DistinctInstance placement constraint unsatisfied.',
} as const;

export type FailureReason = (typeof Reason)[keyof typeof Reason];
