// The hooks Application Auto Scaling drives a service through: read its desired and running counts, and change
// desiredCount exactly as an UpdateService with only desiredCount would (the running deployment keeps going).
import { isRunning } from '../../domain/task.js';
import { Txn, type StateCache } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';

/** `service/CLUSTER/NAME` (the scalable target's ResourceId) to the services table id. */
const idOf = (resourceId: string) => resourceId.replace(/^service\//, '');

export function serviceScalingHooks(cache: StateCache, tables: Tables) {
  return {
    getService(resourceId: string): { desiredCount: number; runningCount: number } | undefined {
      const row = tables.services.get(idOf(resourceId));
      if (!row || row.value.service.status !== 'ACTIVE') return undefined;
      const name = row.value.service.serviceName!;
      let running = 0;
      for (const t of tables.tasks.byIndex('group', `${row.value.clusterName}|service:${name}`)) {
        if (isRunning(t.value.task) && t.value.task.desiredStatus === 'RUNNING') running++;
      }
      return { desiredCount: row.value.service.desiredCount ?? 0, runningCount: running };
    },

    async setDesiredCount(resourceId: string, n: number): Promise<void> {
      await cache.update(() => {
        const row = tables.services.get(idOf(resourceId));
        if (!row || row.value.service.status !== 'ACTIVE') return { txn: new Txn(), result: null };
        const cur = row.value;
        const next = {
          ...cur,
          service: { ...cur.service, desiredCount: n },
          deployments: cur.deployments.map((d, i) => (i === 0 ? { ...d, desiredCount: n } : d)),
          steady: n === cur.service.desiredCount ? cur.steady : false,
        };
        return { txn: new Txn().put(tables.services, row.id, next, row.modRevision), result: null };
      });
    },
  };
}
