// Services with the EXTERNAL deployment controller, pure: each task set keeps its computedDesiredCount (its scale of
// the service's desiredCount, rounded up) of tasks running, replacing unhealthy ones; a DRAINING task set (deleted)
// and tasks of no task set are stopped, and a DRAINING task set leaves the list once its tasks are gone. Stability is
// STEADY_STATE when a task set runs exactly what it should, else STABILIZING. Nothing moves between task sets: that
// is the external controller's part (UpdateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet).
import type { TaskSet } from '@aws-sdk/client-ecs';
import { computedDesiredCount } from '../../domain/taskSet.js';
import { scalingReason, UNHEALTHY_REASON, type Stop } from './rolling.js';
import { chooseToStop } from './scaleIn.js';
import type { ServiceView } from './view.js';

export interface TaskSetPlan {
  startSets: { taskSetId: string; count: number }[];
  stops: Stop[];
  taskSets: TaskSet[];
  /** Every task set runs what it should and nothing else runs. */
  steady: boolean;
}

export function planTaskSets(v: ServiceView, opts: { launchesAllowed: boolean }): TaskSetPlan {
  const rec = v.rec;
  const active = rec.service.status === 'ACTIVE';
  const desired = active ? (rec.service.desiredCount ?? 0) : 0;
  const wanted = v.tasks.filter((t) => t.live && t.wanted);
  const stops: Stop[] = [];
  const startSets: TaskSetPlan['startSets'] = [];
  let steady = true;

  const sets = rec.taskSets ?? [];
  const known = new Set(sets.map((ts) => ts.id));
  for (const t of wanted.filter((t) => !known.has(t.deploymentId))) stops.push({ task: t, reason: scalingReason(t.deploymentId) });

  const taskSets: TaskSet[] = [];
  for (const ts of sets) {
    const want = active && ts.status !== 'DRAINING' ? computedDesiredCount(desired, ts.scale) : 0;
    const reason = scalingReason(ts.id!);
    const mine = wanted.filter((t) => t.deploymentId === ts.id);
    const unhealthy = mine.filter((t) => t.unhealthy);
    for (const t of unhealthy) stops.push({ task: t, reason: t.unhealthyReason ?? UNHEALTHY_REASON });
    const healthy = mine.filter((t) => !t.unhealthy);
    if (healthy.length > want) for (const t of chooseToStop(healthy, healthy.length - want, wanted)) stops.push({ task: t, reason });
    const kept = Math.min(healthy.length, want);
    // One task set launches per pass: two placements in one transaction would not see each other's reservations
    // (the same dynamic host port twice). The pass that commits marks the service dirty, so the next follows at once.
    const start = opts.launchesAllowed && startSets.length === 0 ? Math.max(0, want - kept) : 0;
    if (start > 0) startSets.push({ taskSetId: ts.id!, count: start });
    const running = mine.filter((t) => t.rec.task.lastStatus === 'RUNNING' && !t.unhealthy).length;
    const stable = running === want && mine.length === want;
    if (opts.launchesAllowed && start === 0 && want > kept) steady = false;
    steady &&= stable;
    const liveLeft = v.tasks.some((t) => t.live && t.deploymentId === ts.id);
    if (ts.status === 'DRAINING' && !liveLeft) continue;
    const stability = stable ? 'STEADY_STATE' : 'STABILIZING';
    const changed = ts.computedDesiredCount !== want || ts.stabilityStatus !== stability;
    taskSets.push(changed ? { ...ts, computedDesiredCount: want, stabilityStatus: stability, stabilityStatusAt: v.now } : ts);
  }
  steady &&= stops.length === 0 && startSets.length === 0;
  return { startSets, stops, taskSets, steady };
}
