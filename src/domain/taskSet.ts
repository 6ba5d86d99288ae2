// Task sets of services with the EXTERNAL deployment controller: the record kept on the service (one per task set,
// ECS's TaskSet less its counts), the task count a scale asks for, and what DescribeTaskSets shows (running and
// pending counts and stability computed from the tasks at the call). A task set's tasks carry its id in startedBy.
import type { Scale, Task, TaskSet } from '@aws-sdk/client-ecs';
import { InvalidParameter } from './errors.js';
import { isPending } from './task.js';

/** ECS allows at most this many task sets (deployments) on one service. */
export const MAX_TASK_SETS = 5;

export const taskSetArn = (serviceArn: string, id: string) => {
  // arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE -> ...:task-set/CLUSTER/SERVICE/ID
  const [head, resource] = [serviceArn.slice(0, serviceArn.indexOf(':service/')), serviceArn.slice(serviceArn.indexOf(':service/') + 9)];
  return `${head}:task-set/${resource}/${id}`;
};

/** The id a reference names: the id itself (`ecs-svc/…`) or the last two parts of a task set ARN. */
export function taskSetIdOf(ref: string): string {
  if (!ref.startsWith('arn:')) return ref;
  const parts = ref.split('/');
  return parts.slice(-2).join('/');
}

/** A scale as ECS checks it: unit PERCENT, a value from 0 to 100. */
export function checkScale(scale: Scale | undefined): Required<Scale> {
  const unit = scale?.unit ?? 'PERCENT';
  const value = scale?.value ?? 100;
  if (unit !== 'PERCENT') throw new InvalidParameter(`Invalid scale unit: ${unit}`);
  if (!(value >= 0 && value <= 100)) throw new InvalidParameter('The scale value must be between 0 and 100.');
  return { unit, value };
}

/** The tasks a task set keeps running: its percent of the service's desiredCount, rounded up (as ECS computes it). */
export const computedDesiredCount = (desired: number, scale: Scale | undefined) =>
  Math.ceil((desired * (scale?.value ?? 100)) / 100 - 1e-9);

/** The TaskSet as DescribeTaskSets and DescribeServices show it; `tasks` are the service's tasks. */
export function presentTaskSet(ts: TaskSet, tasks: readonly Task[]): TaskSet {
  let running = 0;
  let pending = 0;
  for (const t of tasks) {
    if (t.startedBy !== ts.id || t.lastStatus === 'STOPPED' || t.desiredStatus !== 'RUNNING') continue;
    if (isPending(t)) pending++;
    else if (t.lastStatus === 'RUNNING') running++;
  }
  return { ...ts, runningCount: running, pendingCount: pending };
}
