// A check that no event can end, run again until it is satisfied: at once when kicked (or once more right after the
// round running, never two at a time), then, while it says it is still pending, after a delay that doubles from
// `firstMs` up to `maxMs`. A kick starts the delays over. The drainer uses it for requests still in flight, which
// no store change announces.
export class RecheckLoop {
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private waitMs: number;
  private stopped = false;

  /** `round` resolves whether to look again later. */
  constructor(
    private readonly round: () => Promise<boolean>,
    private readonly firstMs: number,
    private readonly maxMs: number,
  ) {
    this.waitMs = firstMs;
  }

  /** Runs a round now (or right after the one running), with the delays started over. */
  kick(): void {
    this.waitMs = this.firstMs;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    let pending = false;
    try {
      do {
        this.again = false;
        pending = await this.round().catch(() => true);
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
    }
    clearTimeout(this.timer);
    if (!pending || this.stopped) return;
    this.timer = setTimeout(() => void this.run(), this.waitMs);
    this.waitMs = Math.min(this.maxMs, this.waitMs * 2);
  }
}
