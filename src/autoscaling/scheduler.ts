// Why this exists: scheduled actions fire here, once per tick: each action whose schedule passed a fire time since
// it was last looked at (and within its StartTime/EndTime) sets its target's min/max and brings the service inside.
import { Txn } from '../store/cache.js';
import type { ScalingEngine } from './engine.js';
import { latestFire, parseSchedule } from './schedule.js';
import { targetId } from './tables.js';

export async function runSchedules(engine: ScalingEngine): Promise<void> {
  const { tables, logger } = engine.opts;
  // Scheduled actions are the leader's: its writes are fenced.
  const { cache } = engine.leader;
  const now = engine.now();
  for (const row of [...tables.scheduled.values()]) {
    const a = row.value;
    const from = a.checkedUntil.getTime();
    let fired: number | undefined;
    try {
      const anchor = (a.StartTime ?? a.CreationTime).getTime();
      fired = latestFire(parseSchedule(a.Schedule), Math.max(from, a.StartTime?.getTime() ?? -Infinity), Math.min(now, a.EndTime?.getTime() ?? Infinity), anchor, a.Timezone ?? 'UTC');
    } catch (err) {
      logger?.warn({ err, action: a.ScheduledActionName }, 'bad schedule');
    }
    const tid = targetId(a.ServiceNamespace, a.ScalableDimension, a.ResourceId);
    const target = tables.targets.get(tid);
    const txn = new Txn().put(tables.scheduled, row.id, { ...a, checkedUntil: new Date(now) }, row.modRevision);
    const act = fired !== undefined && target && !target.value.SuspendedState.ScheduledScalingSuspended;
    const next = act
      ? {
          ...target.value,
          MinCapacity: a.ScalableTargetAction?.MinCapacity ?? target.value.MinCapacity,
          MaxCapacity: a.ScalableTargetAction?.MaxCapacity ?? target.value.MaxCapacity,
        }
      : undefined;
    if (next && target) txn.put(tables.targets, tid, next, target.modRevision);
    try {
      await cache.commit(txn);
    } catch {
      continue; // changed under us; the next tick looks again from the same checkedUntil
    }
    if (next) await engine.enforceBounds(next, `scheduled action name ${a.ScheduledActionName} was triggered`, { leader: true });
  }
}
