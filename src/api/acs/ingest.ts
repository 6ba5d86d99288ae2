// What agents ship on the channel besides reports: container output and task resource use. Output goes to the
// task's own log streams (`/wharf/tasks/CLUSTER`, stream `TASK_ID/CONTAINER`, which `wharf logs` reads) and, for
// containers with the awslogs driver, to the CloudWatch Logs group and stream ECS would use. Stats become the
// AWS/ECS CPUUtilization and MemoryUtilization metrics.
import type { Logger } from 'pino';
import type { TaskRecord } from '../../domain/task.js';
import { taskIdOf } from '../../domain/task.js';
import type { Logs } from '../../logs/index.js';
import type { Metrics } from '../../metrics/index.js';
import type { StateCache } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import { feedTask } from '../../tasks/batch.js';
import { REASONS } from '../../tasks/reasons.js';
import { findTaskDefinition } from '../ecs/taskDefinitions.js';

export const taskLogGroup = (cluster: string) => `/wharf/tasks/${cluster}`;
export const taskLogStream = (taskId: string, container: string) => `${taskId}/${container}`;

export interface LogsMessage {
  taskArn: string;
  containerName: string;
  events: { timestamp: number; message: string }[];
}

export interface StatsMessage {
  taskArn: string;
  cpuUnitsUsed: number;
  memoryUsedMiB: number;
  at: number;
}

export interface IngestDeps {
  cache: StateCache;
  tables: Tables;
  logs: Logs;
  metrics: Metrics;
  logger: Logger;
  stoppedRetentionMs: number;
}

export function channelIngest(deps: IngestDeps) {
  const own = (instanceKey: string, taskArn: string): TaskRecord | undefined => {
    const cluster = taskArn.split('/').at(-2);
    const rec = deps.tables.tasks.get(`${cluster}/${taskIdOf(taskArn)}`)?.value;
    return rec && rec.instanceKey === instanceKey ? rec : undefined;
  };
  const failed = new Set<string>();

  return {
    onLogs(instanceKey: string, msg: LogsMessage): void {
      const rec = own(instanceKey, msg.taskArn);
      if (!rec || msg.events.length === 0) return;
      const taskId = taskIdOf(msg.taskArn);
      const events = [...msg.events].sort((a, b) => a.timestamp - b.timestamp);
      // Shipped through the logs' replicated operations: every replica's copy gets them, in one order.
      deps.logs
        .ship({ group: taskLogGroup(rec.clusterName), stream: taskLogStream(taskId, msg.containerName), events, create: true })
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not store task output'));
      const td = findTaskDefinition(deps.tables, rec.task.taskDefinitionArn!)?.value.taskDefinition;
      const lc = td?.containerDefinitions?.find((c) => c.name === msg.containerName)?.logConfiguration;
      if (lc?.logDriver !== 'awslogs') return;
      const o = lc.options ?? {};
      const group = o['awslogs-group'];
      if (!group) return;
      const prefix = o['awslogs-stream-prefix'];
      const stream = prefix ? `${prefix}/${msg.containerName}/${taskId}` : taskId;
      deps.logs.ship({ group, stream, events, create: o['awslogs-create-group'] === 'true' }).catch((err: unknown) => {
        if (failed.has(msg.taskArn)) return;
        failed.add(msg.taskArn);
        // A log configuration that cannot be honoured fails the task, as ECS fails one whose log group is missing.
        const event = { type: 'launch-failed', reason: REASONS.missingLogGroup((err as Error).message) } as const;
        void feedTask(deps.cache, deps.tables, `${rec.clusterName}/${taskId}`, event, () => ({ now: new Date(), stoppedRetentionMs: deps.stoppedRetentionMs }))
          .catch((e: unknown) => deps.logger.warn({ err: e }, 'could not stop the task'));
      });
    },

    onStats(instanceKey: string, msg: StatsMessage): void {
      const rec = own(instanceKey, msg.taskArn);
      if (!rec) return;
      const group = rec.task.group ?? '';
      deps.metrics.recordTaskStats({
        cluster: rec.clusterName,
        service: group.startsWith('service:') ? group.slice('service:'.length) : undefined,
        taskArn: msg.taskArn,
        cpuUnitsUsed: msg.cpuUnitsUsed,
        cpuReserved: Number(rec.task.cpu ?? 0),
        memoryUsedMiB: msg.memoryUsedMiB,
        memoryReservedMiB: Number(rec.task.memory ?? 0),
        at: new Date(msg.at),
      });
    },
  };
}
