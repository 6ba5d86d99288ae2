// Why this exists: the metrics feature's state tables in the shared store. Alarms are configuration and state that
// must survive a restart and be shared by control plane replicas; datapoints stay in memory (series.ts).
import type { StateCache, Table } from '../store/cache.js';
import type { AlarmRecord } from './alarms.js';

export interface MetricsTables {
  alarms: Table<AlarmRecord>;
}

export function createMetricsTables(cache: StateCache): MetricsTables {
  return {
    alarms: cache.table<AlarmRecord>({
      prefix: 'cloudwatch/alarms/',
      indexes: { owner: (a) => a.ownerPolicyArn },
    }),
  };
}
