// The ordered statuses of the task engine, so code can compare them (`known < RUNNING`), and the one place that maps
// them to what the ECS API shows.
//
// Container machine (desired RUNNING moves right; desired STOPPED jumps to STOPPED from anywhere):
//
//   NONE --pull--> PULLED --create--> CREATED --start--> RUNNING --(exits | stop: SIGTERM, SIGKILL after stopTimeout)--> STOPPED
//     |              |                  |  ^ blocked on dependsOn,     |
//     |              |                  |    links, volumesFrom, pause |
//     +--------------+------------------+-- failure / never started ---+--> STOPPED (reason: CannotPull/Create/StartContainerError)
//
// Health is not a status of its own: a RUNNING container carries healthStatus (UNKNOWN, HEALTHY, UNHEALTHY) beside
// it, because a container can turn unhealthy and healthy again without moving along the line above. dependsOn
// HEALTHY waits on that field.
//
// Task machine: its known status follows its containers (see taskKnownStatus in task.ts); its desired status turns
// STOPPED when the control plane says so, when an essential container stops, or when any container fails to start.

export const Status = {
  NONE: 0,
  PULLED: 1,
  CREATED: 2,
  RUNNING: 3,
  STOPPED: 5,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

const NAMES: Record<Status, string> = { 0: 'NONE', 1: 'PULLED', 2: 'CREATED', 3: 'RUNNING', 5: 'STOPPED' };

export function statusName(s: Status): string {
  return NAMES[s];
}

/** What the ECS API shows as lastStatus for a container or a task in this internal status. The only such map. */
export function apiStatus(s: Status): 'PENDING' | 'RUNNING' | 'STOPPED' {
  if (s >= Status.STOPPED) return 'STOPPED';
  if (s >= Status.RUNNING) return 'RUNNING';
  return 'PENDING';
}

export const REASONS = {
  essentialExited: 'Essential container in task exited',
  oom: 'OutOfMemoryError: Container killed due to memory usage',
  pauseExited: 'Task network namespace (pause container) exited',
} as const;

export type StopCode = 'TaskFailedToStart' | 'EssentialContainerExited' | 'UserInitiated';
