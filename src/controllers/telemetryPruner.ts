// The leader's housekeeping of the replicated logs and datapoints (store/opLog.ts): batches older than the window
// are deleted from the store, a hundred per transaction, every few seconds. Every running replica applied them long
// before (they hold their own copies); the window is what a replica started later can still catch up on.
import type { Logger } from 'pino';
import type { StateCache } from '../store/cache.js';
import type { OpLog } from '../store/opLog.js';

export class TelemetryPruner {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly logs: readonly Pick<OpLog<unknown>, 'prune'>[],
    /** The leader's fenced cache: a deposed leader prunes nothing. */
    private readonly cache: StateCache,
    private readonly windowMs: number,
    private readonly logger: Logger,
    private readonly everyMs = 5000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.pass(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async pass(now = Date.now()): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    let n = 0;
    try {
      for (const log of this.logs) {
        for (let got = -1; got !== 0; ) n += got = await log.prune(this.cache, now - this.windowMs);
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not prune replicated telemetry');
    } finally {
      this.busy = false;
    }
    return n;
  }
}
