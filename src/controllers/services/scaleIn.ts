// Which tasks to stop when a service has more than it needs, as ECS chooses: never protected tasks; tasks that are
// not running yet or unhealthy first; then keep the rest balanced, taking from the availability zone with the most
// of the service's tasks, and within it from the instance with the most.
import type { TaskView } from './view.js';

export function chooseToStop(candidates: readonly TaskView[], n: number, all: readonly TaskView[] = candidates): TaskView[] {
  const pool = candidates.filter((t) => !t.protected);
  const chosen: TaskView[] = [];
  const rank = (t: TaskView) => (t.rec.task.lastStatus !== 'RUNNING' ? 0 : t.unhealthy ? 1 : !t.healthy ? 2 : 3);
  // Counts of what stays, per zone and instance, over every wanted task of the service.
  const perAz = new Map<string, number>();
  const perInstance = new Map<string, number>();
  const staying = all.filter((t) => t.wanted);
  for (const t of staying) {
    perAz.set(t.az ?? '', (perAz.get(t.az ?? '') ?? 0) + 1);
    perInstance.set(t.instanceKey ?? '', (perInstance.get(t.instanceKey ?? '') ?? 0) + 1);
  }
  const left = [...pool];
  while (chosen.length < n && left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i++) {
      const a = left[i]!;
      const b = left[best]!;
      const key = (t: TaskView) => [
        -rank(t),
        perAz.get(t.az ?? '') ?? 0,
        perInstance.get(t.instanceKey ?? '') ?? 0,
      ];
      const ka = key(a);
      const kb = key(b);
      const cmp = ka[0]! - kb[0]! || ka[1]! - kb[1]! || ka[2]! - kb[2]!;
      if (cmp > 0) best = i;
    }
    const t = left.splice(best, 1)[0]!;
    chosen.push(t);
    perAz.set(t.az ?? '', (perAz.get(t.az ?? '') ?? 1) - 1);
    perInstance.set(t.instanceKey ?? '', (perInstance.get(t.instanceKey ?? '') ?? 1) - 1);
  }
  return chosen;
}
