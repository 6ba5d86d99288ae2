// The task lifecycle controller: a level-driven loop that feeds the task machine the events no agent report will
// bring: host-lost (its agent gone past the grace period, or the instance deregistered), deactivated (DEACTIVATING
// with nothing to deregister), deprovisioned (DEPROVISIONING), and expired (STOPPED past its retention). Safe to
// kill and restart at any point: each pass reads the state afresh and every write is guarded.
import type { Logger } from 'pino';
import { Txn, type StateCache, type Row } from '../store/cache.js';
import type { Tables } from '../state/tables.js';
import type { TaskRecord } from '../domain/task.js';
import { feedTask, TaskBatch } from '../tasks/batch.js';
import type { TaskEvent } from '../tasks/machine.js';
import type { AgentSessions } from '../state/agentSessions.js';

export interface LifecycleOptions {
  cache: StateCache;
  tables: Tables;
  logger: Logger;
  /** How long an instance may be without its agent before its tasks count as lost. */
  instanceGraceMs: number;
  stoppedRetentionMs: number;
  /**
   * Which replica holds each agent's channel. Given, each pass marks disconnected the instances marked connected
   * whose channel no replica holds any more (the replica died and its lease took the row with it).
   */
  sessions?: AgentSessions;
  now?: () => Date;
}

export class TaskLifecycleController {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly now: () => Date;

  constructor(private readonly opts: LifecycleOptions) {
    this.now = opts.now ?? (() => new Date());
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
      await this.disconnectOrphans(now);
      for (const row of [...this.opts.tables.tasks.byIndex('live', 'live')]) {
        const event = this.eventFor(row, now);
        if (event) await this.feed(row.id, event, now);
      }
      await this.prune(now);
    } catch (err) {
      this.opts.logger.warn({ err }, 'task lifecycle pass failed; retrying on the next one');
    } finally {
      this.running = false;
    }
  }

  /** Instances marked connected whose channel no replica holds: disconnected now, their grace period starts. */
  private async disconnectOrphans(now: Date): Promise<void> {
    const { tables, cache, sessions } = this.opts;
    if (!sessions) return;
    for (const row of [...tables.containerInstances.values()]) {
      if (!row.value.agentConnected || sessions.get(row.id)) continue;
      const txn = new Txn()
        .put(tables.containerInstances, row.id, { ...row.value, agentConnected: false, disconnectedAt: now }, row.modRevision)
        .guard(sessions, row.id, 0);
      // A conflict means the agent reconnected (or the row moved on): the next pass looks again.
      await cache.commit(txn).catch(() => undefined);
    }
  }

  /** The event this pass feeds a live task, if any. */
  private eventFor(row: Row<TaskRecord>, now: Date): TaskEvent | undefined {
    const { tables, instanceGraceMs } = this.opts;
    const t = row.value.task;
    const ci = row.value.instanceKey ? tables.containerInstances.get(row.value.instanceKey)?.value : undefined;
    const lost =
      !ci ||
      ci.status === 'INACTIVE' ||
      (!ci.agentConnected && ci.disconnectedAt !== undefined && now.getTime() - ci.disconnectedAt.getTime() >= instanceGraceMs);
    if (lost) return { type: 'host-lost' };
    if (t.lastStatus === 'DEACTIVATING' && !row.value.awaitsDeregistration) return { type: 'deactivated' };
    if (t.lastStatus === 'DEPROVISIONING') return { type: 'deprovisioned' };
    return undefined;
  }

  private async feed(id: string, event: TaskEvent, now: Date): Promise<void> {
    const { tables, cache, stoppedRetentionMs } = this.opts;
    await feedTask(cache, tables, id, event, () => ({ now, stoppedRetentionMs }));
  }

  /** Operations per prune transaction: under etcd's default limit of 128 per transaction; a pass runs every second. */
  private static readonly PRUNE_OPS = 100;

  private async prune(now: Date): Promise<void> {
    const { tables, cache, stoppedRetentionMs } = this.opts;
    const max = TaskLifecycleController.PRUNE_OPS;
    const batch = new TaskBatch(tables, { now, stoppedRetentionMs });
    let n = 0;
    for (const row of tables.tasks.values()) {
      if (row.value.task.lastStatus !== 'STOPPED' || !row.value.expiresAt || row.value.expiresAt > now) continue;
      batch.apply(row, { type: 'expired' });
      if (++n >= max / 2) break;
    }
    const txn = batch.done();
    for (const row of tables.clientTokens.values()) {
      if (row.value.expiresAt <= now) txn.delete(tables.clientTokens, row.id, row.modRevision);
      if (txn.ops.length >= max) break;
    }
    if (txn.ops.length > 0) await cache.commit(txn).catch(() => undefined);
  }
}
