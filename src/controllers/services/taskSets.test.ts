// One pass at a time of an EXTERNAL service: each task set runs its scale of the desired count (rounded up), one
// task set launches per pass, a DRAINING set's tasks go and then the set, tasks of no set are stopped.
import type { TaskSet } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { ServiceRecord } from '../../domain/service.js';
import { planTaskSets } from './taskSets.js';
import { service, task, view } from './testkit.js';

const set = (id: string, value: number, extra: Partial<TaskSet> = {}): TaskSet => ({ id, status: 'ACTIVE', scale: { unit: 'PERCENT', value }, ...extra });
const external = (desired: number, taskSets: TaskSet[]): ServiceRecord => ({
  ...service(desired, [], { deploymentController: { type: 'EXTERNAL' } }),
  taskSets,
});
const opts = { launchesAllowed: true };

describe('task sets', () => {
  it('starts each set at its scale, rounded up, one set per pass', () => {
    const rec = external(3, [set('ecs-svc/a', 100), set('ecs-svc/b', 50)]);
    const first = planTaskSets(view(rec, []), opts);
    expect(first.startSets).toEqual([{ taskSetId: 'ecs-svc/a', count: 3 }]);
    expect(first.taskSets.map((t) => [t.computedDesiredCount, t.stabilityStatus])).toEqual([[3, 'STABILIZING'], [2, 'STABILIZING']]);
    const a = [1, 2, 3].map(() => task('ecs-svc/a', 'RUNNING'));
    const second = planTaskSets(view({ ...rec, taskSets: first.taskSets }, a), opts);
    expect(second.startSets).toEqual([{ taskSetId: 'ecs-svc/b', count: 2 }]);
    expect(second.steady).toBe(false);
    const all = [...a, task('ecs-svc/b', 'RUNNING'), task('ecs-svc/b', 'RUNNING')];
    const third = planTaskSets(view({ ...rec, taskSets: second.taskSets }, all), opts);
    expect(third).toMatchObject({ startSets: [], stops: [], steady: true });
    expect(third.taskSets.map((t) => t.stabilityStatus)).toEqual(['STEADY_STATE', 'STEADY_STATE']);
  });

  it('scales a set down, drains a deleted one and stops tasks of no set', () => {
    const rec = external(2, [set('ecs-svc/a', 50), set('ecs-svc/b', 100, { status: 'DRAINING' })]);
    const tasks = [task('ecs-svc/a', 'RUNNING'), task('ecs-svc/a', 'RUNNING'), task('ecs-svc/b', 'RUNNING'), task('ecs-svc/gone', 'RUNNING')];
    const p = planTaskSets(view(rec, tasks), opts);
    expect(p.stops.map((s) => s.task.deploymentId).sort()).toEqual(['ecs-svc/a', 'ecs-svc/b', 'ecs-svc/gone']);
    expect(p.startSets).toEqual([]);
    expect(p.taskSets.map((t) => t.id)).toEqual(['ecs-svc/a', 'ecs-svc/b']);
    const after = planTaskSets(view({ ...rec, taskSets: p.taskSets }, [tasks[0]!]), opts);
    expect(after.taskSets.map((t) => t.id)).toEqual(['ecs-svc/a']);
  });
});
