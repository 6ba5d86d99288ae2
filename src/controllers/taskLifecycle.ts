// The task lifecycle controller: a level-driven loop that finishes what no agent report will finish: tasks of a
// lost host (its agent gone past the grace period), DEACTIVATING -> STOPPING, DEPROVISIONING -> STOPPED, and the
// pruning of STOPPED tasks past their retention. Safe to kill and restart at any point: each pass reads the
// state afresh and every write is guarded.
import type { Logger } from 'pino';
import type { Task } from '@aws-sdk/client-ecs';
import { Txn, type StateCache, type Row } from '../store/cache.js';
import type { Tables } from '../state/tables.js';
import type { TaskRecord } from '../domain/task.js';
import { stopNow, writeTask } from '../tasks/transitions.js';

export interface LifecycleOptions {
  cache: StateCache;
  tables: Tables;
  logger: Logger;
  /** How long an instance may be without its agent before its tasks count as lost. */
  instanceGraceMs: number;
  stoppedRetentionMs: number;
  now?: () => Date;
  /** A DEACTIVATING task whose load balancer deregistration another controller finishes first. */
  holdsDeactivation?: (rec: TaskRecord) => boolean;
}

export const HOST_LOST_REASON =
  'Task stopped because its container instance lost contact with the control plane (host lost).';

export class TaskLifecycleController {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly now: () => Date;

  constructor(private readonly opts: LifecycleOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** No channel survives a control plane restart: every instance starts disconnected, with a fresh grace period. */
  async markAllDisconnected(): Promise<void> {
    const { tables, cache } = this.opts;
    const now = this.now();
    for (const row of [...tables.containerInstances.values()]) {
      if (!row.value.agentConnected) continue;
      await cache.update(() => {
        const cur = tables.containerInstances.get(row.id)!;
        const txn = new Txn().put(tables.containerInstances, cur.id, { ...cur.value, agentConnected: false, disconnectedAt: now }, cur.modRevision);
        return { txn, result: null };
      });
    }
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.pass(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One reconcile pass; exported for tests. */
  async pass(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.now();
      for (const row of [...this.opts.tables.tasks.byIndex('live', 'live')]) {
        const next = this.nextFor(row, now);
        if (next) await this.write(row.id, next, now);
      }
      await this.prune(now);
    } catch (err) {
      this.opts.logger.warn({ err }, 'task lifecycle pass failed; retrying on the next one');
    } finally {
      this.running = false;
    }
  }

  private nextFor(row: Row<TaskRecord>, now: Date): ((t: Task) => Task | undefined) | undefined {
    const { tables, instanceGraceMs } = this.opts;
    const t = row.value.task;
    const ci = row.value.instanceKey ? tables.containerInstances.get(row.value.instanceKey)?.value : undefined;
    const lost =
      !ci ||
      ci.status === 'INACTIVE' ||
      (!ci.agentConnected && ci.disconnectedAt !== undefined && now.getTime() - ci.disconnectedAt.getTime() >= instanceGraceMs);
    if (lost) return (cur) => stopNow(cur, HOST_LOST_REASON, 'TaskFailedToStart', now);
    if (t.lastStatus === 'DEACTIVATING' && this.opts.holdsDeactivation?.(row.value)) return undefined;
    if (t.lastStatus === 'DEACTIVATING') return (cur) => (cur.lastStatus === 'DEACTIVATING' ? { ...cur, lastStatus: 'STOPPING' } : undefined);
    if (t.lastStatus === 'DEPROVISIONING') {
      return (cur) =>
        cur.lastStatus === 'DEPROVISIONING'
          ? {
              ...cur,
              lastStatus: 'STOPPED',
              stoppedAt: now,
              attachments: (cur.attachments ?? []).map((a) => ({ ...a, status: 'DELETED' })),
            }
          : undefined;
    }
    return undefined;
  }

  private async write(id: string, change: (t: Task) => Task | undefined, now: Date): Promise<void> {
    const { tables, cache, stoppedRetentionMs } = this.opts;
    await cache.update(() => {
      const row = tables.tasks.get(id);
      const next = row && row.value.task.lastStatus !== 'STOPPED' ? change(row.value.task) : undefined;
      const txn = new Txn();
      if (row && next) writeTask(tables, txn, row, next, { now, stoppedRetentionMs });
      return { txn, result: null };
    });
  }

  private async prune(now: Date): Promise<void> {
    const { tables, cache } = this.opts;
    const txn = new Txn();
    for (const row of tables.tasks.values()) {
      if (row.value.task.lastStatus === 'STOPPED' && row.value.expiresAt && row.value.expiresAt <= now) {
        txn.delete(tables.tasks, row.id, row.modRevision);
      }
      if (txn.ops.length >= 500) break;
    }
    for (const row of tables.clientTokens.values()) {
      if (row.value.expiresAt <= now) txn.delete(tables.clientTokens, row.id, row.modRevision);
      if (txn.ops.length >= 1000) break;
    }
    if (txn.ops.length > 0) await cache.commit(txn).catch(() => undefined);
  }
}
