// Group commit of placements: RunTask and StartTask calls on one cluster that arrive while this process's previous
// placement on it is being committed wait, and then go together in the next transaction. Each call plans on the
// capacity the calls before it in the group took (their placements are held in the pool's state while the group is
// planned, and handed back before the commit, whose changes come back through the cache), so the group never
// oversubscribes, and a conflict re-plans the whole group on fresh reads as one call would be. On etcd every commit
// costs a consensus round and an fsync: one transaction per group instead of per call is what lets one replica take
// more calls per second than etcd commits transactions. Each call writes into the shared batch after a savepoint: a
// call whose checks fail has its part rolled back and fails alone, and one that would take the transaction past etcd's
// limits (operations, request size) is rolled back and goes first in the next group. A conflict re-plans the group on
// fresh reads, for up to 30 seconds, before its calls fail.
import { ServerError } from '../domain/errors.js';
import type { ClusterState, Plan } from '../scheduler/index.js';
import type { StateCache } from '../store/cache.js';
import type { TaskBatch } from './batch.js';

/** What a call's planning took from the pool, to be held while the rest of its group plans. */
export interface Placed {
  state: ClusterState;
  plan: Plan;
}

/** One call's part of a group: writes into the shared batch, returns its answer and what it placed. */
export type GroupAttempt<R> = (batch: TaskBatch) => { result: R; placed?: Placed };

interface Job {
  attempt: GroupAttempt<unknown>;
  /** Calls that write one key (a client token) never share a group: etcd refuses a key twice in a transaction. */
  key?: string;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * etcd's default --max-txn-ops is 128 (operations, and compares, per transaction). A RunTask call adds up to 31 (ten
 * tasks, ten address claims, ten instance rows, each instance once per group, and a client token), mostly far fewer:
 * a call is counted once planned, and rolled back to the next group when it went over.
 */
export const MAX_GROUP_OPS = 128;
/** etcd's default --max-request-bytes is 1.5 MiB: a group stops at 1 MiB of keys and values. */
export const MAX_GROUP_BYTES = 1024 * 1024;
/** How long a group goes on re-planning after conflicts before its calls fail. */
const CONFLICT_DEADLINE_MS = 30_000;

export class PlacementGroups {
  private readonly queues = new Map<string, Job[]>();

  constructor(
    private readonly cache: StateCache,
    private readonly newBatch: () => TaskBatch,
    private readonly maxOps = MAX_GROUP_OPS,
    private readonly maxBytes = MAX_GROUP_BYTES,
  ) {}

  /** Runs `attempt` in the next group of `cluster`; resolves with its answer once the group is committed. */
  submit<R>(cluster: string, attempt: GroupAttempt<R>, key?: string): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let queue = this.queues.get(cluster);
      const idle = !queue;
      if (!queue) this.queues.set(cluster, (queue = []));
      queue.push({ attempt: attempt as GroupAttempt<unknown>, key, resolve: resolve as (v: unknown) => void, reject });
      if (idle) void this.drain(cluster, queue);
    });
  }

  private async drain(cluster: string, queue: Job[]): Promise<void> {
    while (queue.length > 0) {
      const jobs = queue.splice(0, queue.length);
      const failed = new Map<Job, unknown>();
      let taken: Job[] = [];
      let error: unknown;
      const deadline = Date.now() + CONFLICT_DEADLINE_MS;
      try {
        const results = await this.cache.update(() => {
          taken = [];
          if (Date.now() > deadline) throw new ServerError('Placement kept conflicting with other writers for 30 seconds. Try again.');
          const batch = this.newBatch();
          const keys = new Set<string>();
          const held: Placed[] = [];
          const out: unknown[] = [];
          try {
            for (const job of jobs) {
              if (failed.has(job)) continue;
              if (job.key !== undefined && keys.has(job.key)) continue;
              if (taken.length > 0 && batch.size() >= this.maxOps) break;
              const sp = batch.savepoint();
              let r: ReturnType<GroupAttempt<unknown>>;
              try {
                r = job.attempt(batch);
              } catch (e) {
                // Its part of the batch goes; the calls before it keep theirs.
                batch.rollback(sp);
                failed.set(job, e);
                continue;
              }
              // Past a limit: it goes first in the next group, and so do the calls after it (their order kept).
              if (taken.length > 0 && (batch.size() > this.maxOps || batch.bytes() > this.maxBytes)) {
                batch.rollback(sp);
                break;
              }
              out.push(r.result);
              if (r.placed) hold(r.placed, held);
              taken.push(job);
              if (job.key !== undefined) keys.add(job.key);
            }
          } finally {
            release(held);
          }
          return { txn: batch.done(), result: out };
        }, Number.MAX_SAFE_INTEGER);
        taken.forEach((job, i) => job.resolve(results[i]));
      } catch (e) {
        error = e;
        for (const job of taken) job.reject(e);
      }
      for (const [job, e] of failed) job.reject(e);
      // What did not fit this group goes first in the next (unless the group could not be made at all).
      const done = new Set([...taken, ...failed.keys()]);
      const rest = jobs.filter((j) => !done.has(j));
      if (taken.length === 0 && error !== undefined) rest.forEach((j) => j.reject(error));
      else queue.unshift(...rest);
    }
    this.queues.delete(cluster);
  }
}

function hold(p: Placed, held: Placed[]): void {
  for (const pl of p.plan.placements) {
    const slot = p.state.slotOf(pl.instanceArn);
    if (slot !== undefined) p.state.reserve(slot, p.plan.demand, pl.hostPorts, p.plan.group);
  }
  held.push(p);
}

/** Hands the pool's state back as the cache has it, last held first. */
function release(held: Placed[]): void {
  for (let i = held.length - 1; i >= 0; i--) {
    const p = held[i]!;
    for (let k = p.plan.placements.length - 1; k >= 0; k--) {
      const pl = p.plan.placements[k]!;
      const slot = p.state.slotOf(pl.instanceArn);
      if (slot !== undefined) p.state.release(slot, p.plan.demand, pl.hostPorts, p.plan.group);
    }
  }
}
