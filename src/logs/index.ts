// Why this exists: the logs feature as the control plane composes it: the store in DATA_DIR/logs.db, PutLogEvents'
// rules (order, batch limits, too old / too new / expired rejections), the awslogs ingestion interface the agent
// calls (ensureGroup, appendContainerLog), and the retention sweep that really deletes expired events.
import type { Logger } from 'pino';
import { InvalidParameter, ResourceNotFound } from '../domain/errors.js';
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
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LogsOptions) {
    this.store = new LogStore(opts.path);
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.opts.sweepMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.store.close();
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
  put(group: string, streamName: string, events: readonly InputEvent[]): PutResult {
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
    const seq = this.store.append(s, events.slice(lo, hi), now);
    this.opts.onIngest?.(hi - lo);
    return { nextSequenceToken: String(seq).padStart(56, '0'), rejectedLogEventsInfo: Object.keys(info).length ? info : undefined };
  }

  /** awslogs: the group exists afterwards when `create` (awslogs-create-group), or this throws as ECS reports it. */
  ensureGroup(name: string, create: boolean): void {
    if (this.store.group(name)) return;
    if (!create) throw new ResourceNotFound(`The specified log group does not exist: ${name}`);
    try {
      this.store.createGroup(name, this.now());
    } catch (err) {
      if (!this.store.group(name)) throw err;
    }
  }

  /** awslogs: appends a container's lines, creating the stream (PREFIX/CONTAINER/TASK_ID) on first use. */
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

export { LogStore, type InputEvent };
