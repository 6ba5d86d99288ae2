// Why this exists: the logs feature as the control plane composes it: the store in DATA_DIR/logs.db, PutLogEvents'
// rules (order, batch limits, too old / too new / expired rejections), the awslogs ingestion interface the agent
// calls (ensureGroup, appendContainerLog), and the retention sweep that really deletes expired events.
import type { Logger } from 'pino';
import { InvalidParameter, ResourceNotFound } from '../domain/errors.js';
import { OpLog, type Replication } from '../store/opLog.js';
import { applyLogOps, type LogOp } from './ops.js';
import { LogStore, type InputEvent } from './store.js';

export interface LogsOptions {
  /** Path of logs.db (usually DATA_DIR/logs.db). */
  path: string;
  /** How often expired events are deleted (default one minute). */
  sweepMs?: number;
  now?: () => number;
  logger?: Logger;
  /** Called with the number of events each accepted batch carried (Prometheus). */
  onIngest?: (n: number) => void;
  /**
   * Control plane replicas on one store: every change is an operation in the store that each replica applies to its
   * own logs.db (store/opLog.ts), so any replica reads what any took in. Without it, changes apply here at once.
   */
  replication?: Replication<LogOp>;
}

export interface PutResult {
  nextSequenceToken: string;
  rejectedLogEventsInfo?: { tooNewLogEventStartIndex?: number; tooOldLogEventEndIndex?: number; expiredLogEventEndIndex?: number };
}

const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
const DAY = 86400_000;

export class Logs {
  readonly store: LogStore;
  readonly now: () => number;
  readonly ops: OpLog<LogOp>;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LogsOptions) {
    this.store = new LogStore(opts.path);
    this.now = opts.now ?? Date.now;
    this.ops = new OpLog<LogOp>({
      replication: opts.replication,
      apply: (ops, revision) => applyLogOps(this.store, ops, revision),
      appliedRevision: () => this.store.appliedRevision(),
      logger: opts.logger,
    });
  }

  start(): void {
    this.ops.start();
    this.timer = setInterval(() => this.sweep(), this.opts.sweepMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    this.ops.stop();
    clearInterval(this.timer);
    this.store.close();
  }

  async createGroup(name: string, opts: { logGroupClass?: string; tags?: Record<string, string> } = {}): Promise<void> {
    await this.ops.submit({ k: 'createGroup', name, now: this.now(), ...opts });
  }

  async deleteGroup(name: string): Promise<void> {
    await this.ops.submit({ k: 'deleteGroup', name });
  }

  async setRetention(name: string, days: number | null): Promise<void> {
    await this.ops.submit({ k: 'retention', name, days });
  }

  async createStream(group: string, name: string): Promise<void> {
    await this.ops.submit({ k: 'createStream', group, name, now: this.now() });
  }

  async deleteStream(group: string, name: string): Promise<void> {
    await this.ops.submit({ k: 'deleteStream', group, name });
  }

  /**
   * Container output (awslogs, ECS Exec sessions): the group is made when `create` (awslogs-create-group), else a
   * missing one rejects as ECS reports it; the stream is made on first use.
   */
  async ship(batch: { group: string; stream: string; events: readonly InputEvent[]; create: boolean }): Promise<void> {
    if (batch.events.length === 0) return;
    await this.ops.submit({ k: 'append', group: batch.group, stream: batch.stream, events: [...batch.events], now: this.now(), create: batch.create });
    this.opts.onIngest?.(batch.events.length);
  }

  sweep(): number {
    try {
      return this.store.expire(this.now());
    } catch (err) {
      this.opts.logger?.error({ err }, 'log retention sweep failed');
      return 0;
    }
  }

  /** PutLogEvents: the stream must exist; events out of the accepted window are rejected by index, as AWS does. */
  async put(group: string, streamName: string, events: readonly InputEvent[]): Promise<PutResult> {
    const g = this.store.requireGroup(group);
    const s = this.store.stream(g.id, streamName);
    if (!s) throw new ResourceNotFound('The specified log stream does not exist.');
    if (events.length > MAX_BATCH_EVENTS) throw new InvalidParameter(`A batch may hold at most ${MAX_BATCH_EVENTS} log events.`);
    let bytes = 0;
    for (let i = 0; i < events.length; i++) {
      bytes += Buffer.byteLength(events[i]!.message) + 26;
      if (i > 0 && events[i]!.timestamp < events[i - 1]!.timestamp) {
        throw new InvalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
      }
    }
    if (bytes > MAX_BATCH_BYTES) throw new InvalidParameter(`The batch of log events is larger than ${MAX_BATCH_BYTES} bytes.`);
    const now = this.now();
    const info: NonNullable<PutResult['rejectedLogEventsInfo']> = {};
    const retentionCut = g.retention_days ? now - g.retention_days * DAY : -Infinity;
    let lo = 0;
    let hi = events.length;
    while (lo < hi && events[lo]!.timestamp < Math.max(now - 14 * DAY, retentionCut)) {
      if (events[lo]!.timestamp < retentionCut) info.expiredLogEventEndIndex = lo;
      else info.tooOldLogEventEndIndex = lo;
      lo++;
    }
    while (hi > lo && events[hi - 1]!.timestamp > now + 2 * 3600_000) info.tooNewLogEventStartIndex = --hi;
    // The 24-hour span rule applies to the events kept (rejected ones are reported, not refused).
    if (hi > lo && events[hi - 1]!.timestamp - events[lo]!.timestamp > DAY) {
      throw new InvalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
    }
    const seq = (await this.ops.submit({ k: 'put', group, stream: streamName, events: events.slice(lo, hi), now })) as number;
    this.opts.onIngest?.(hi - lo);
    return { nextSequenceToken: String(seq).padStart(56, '0'), rejectedLogEventsInfo: Object.keys(info).length ? info : undefined };
  }

  /** This process's copy only (tests of one process): the group exists afterwards when `create`, or this throws. */
  ensureGroup(name: string, create: boolean): void {
    if (this.store.group(name)) return;
    if (!create) throw new ResourceNotFound(`The specified log group does not exist: ${name}`);
    try {
      this.store.createGroup(name, this.now());
    } catch (err) {
      if (!this.store.group(name)) throw err;
    }
  }

  /** This process's copy only (tests of one process): appends lines, creating the stream on first use. */
  appendContainerLog(batch: { group: string; stream: string; events: readonly InputEvent[] }): void {
    const g = this.store.requireGroup(batch.group);
    const s = this.store.stream(g.id, batch.stream) ?? this.store.createStream(batch.group, batch.stream, this.now());
    const sorted = [...batch.events].sort((a, b) => a.timestamp - b.timestamp);
    for (let i = 0; i < sorted.length; i += MAX_BATCH_EVENTS) {
      const fresh = this.store.stream(g.id, batch.stream) ?? s;
      this.store.append(fresh, sorted.slice(i, i + MAX_BATCH_EVENTS), this.now());
    }
    this.opts.onIngest?.(sorted.length);
  }
}

export { LogStore, type InputEvent, type LogOp };
