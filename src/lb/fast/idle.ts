// Idle timeouts of the fast path's connections, client and target, by one coarse sweep per process instead of a timer
// per socket: a socket with a timeout re-arms it on every read and write (a clock read and a timer list insert each,
// four times per proxied request), where here activity is one store of a tick counter. A connection times out between
// its idle time and that plus two sweep periods, never before.

export interface Idler {
  /** The sweep's tick at this connection's last activity (set it to `idleSweep.tick`). */
  seen: number;
  /** Its idle timeout now, in ms (0: none). */
  idleMs(): number;
  /** Called once it has been idle for longer than idleMs(); it stays in the sweep until removed. */
  expire(): void;
}

export class IdleSweep {
  tick = 0;
  private readonly items = new Set<Idler>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly periodMs = 250) {}

  add(item: Idler): void {
    item.seen = this.tick;
    this.items.add(item);
    this.timer ??= setInterval(() => this.sweep(), this.periodMs).unref();
  }

  delete(item: Idler): void {
    this.items.delete(item);
    if (this.items.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private sweep(): void {
    const tick = ++this.tick;
    for (const item of this.items) {
      const ms = item.idleMs();
      // Activity stamped `seen` happened before tick seen + 1 began: (tick - seen - 1) periods have surely passed.
      if (ms > 0 && (tick - item.seen - 1) * this.periodMs >= ms) item.expire();
    }
  }
}

/** The sweep all fast-path connections of this process share. */
export const idleSweep = new IdleSweep();
