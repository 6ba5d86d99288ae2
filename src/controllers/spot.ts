// FARGATE_SPOT interruptions. AWS takes Spot capacity back when it needs it; Wharf's FARGATE_SPOT capacity is the
// same as FARGATE's, so capacity is taken back when someone asks (`wharf spot reclaim`) or, with
// --spot-interruption-rate, at random. An interrupted task stops as ECS stops it: stop code SpotInterruption,
// "Your Spot Task was interrupted.", SIGTERM then SIGKILL after its stopTimeout (ECS's two-minute warning caps it at
// 120 s), and its service replaces it.
import type { TaskRecord } from '../domain/task.js';
import type { StateCache } from '../store/cache.js';
import type { Tables } from '../state/tables.js';
import { deregistersFirst, feedTask } from '../tasks/batch.js';

export interface SpotOptions {
  cache: StateCache;
  tables: Tables;
  stoppedRetentionMs: number;
  /** Chance per minute that each running FARGATE_SPOT task is interrupted (0: only on request). */
  ratePerMinute?: number;
  now?: () => Date;
  random?: () => number;
}

const isSpot = (r: TaskRecord) =>
  r.task.capacityProviderName === 'FARGATE_SPOT' && r.task.desiredStatus === 'RUNNING' && r.task.lastStatus !== 'STOPPED';

export class SpotInterrupter {
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(private readonly opts: SpotOptions) {
    this.now = opts.now ?? (() => new Date());
    this.random = opts.random ?? Math.random;
  }

  /** Interrupts up to `count` running FARGATE_SPOT tasks (of `cluster`, or of every cluster), oldest first. */
  async reclaim(req: { cluster?: string; count?: number }): Promise<string[]> {
    const candidates = [...this.opts.tables.tasks.values()]
      .map((r) => r.value)
      .filter((r) => isSpot(r) && (!req.cluster || r.clusterName === req.cluster))
      .sort((a, b) => (a.task.createdAt?.getTime() ?? 0) - (b.task.createdAt?.getTime() ?? 0));
    return this.interrupt(candidates.slice(0, req.count ?? candidates.length));
  }

  /** Each pass, every running FARGATE_SPOT task is interrupted with the configured chance. */
  start(periodMs = 60_000): void {
    const rate = this.opts.ratePerMinute ?? 0;
    if (rate <= 0) return;
    const chance = 1 - Math.pow(1 - Math.min(rate, 1), periodMs / 60_000);
    this.timer = setInterval(() => {
      const hit = [...this.opts.tables.tasks.values()].map((r) => r.value).filter((r) => isSpot(r) && this.random() < chance);
      void this.interrupt(hit).catch(() => undefined);
    }, periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async interrupt(recs: TaskRecord[]): Promise<string[]> {
    const out: string[] = [];
    for (const r of recs) {
      const id = `${r.clusterName}/${r.task.taskArn!.split('/').pop()}`;
      const ctx = () => ({ now: this.now(), stoppedRetentionMs: this.opts.stoppedRetentionMs });
      const cur = this.opts.tables.tasks.get(id);
      if (!cur) continue;
      const done = await feedTask(this.opts.cache, this.opts.tables, id, { type: 'spot-interrupted', deregisterFirst: deregistersFirst(this.opts.tables, cur.value) }, ctx);
      if (done?.task.stopCode === 'SpotInterruption') out.push(done.task.taskArn!);
    }
    return out;
  }
}
