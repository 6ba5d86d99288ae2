// How many body bytes the AWS APIs may hold in memory at once, across all requests. Each request reserves its whole
// declared length (or its service's limit when the length is not declared) before it reads a byte, so readers never
// wait on each other half-way and the total stays under the budget; the rest wait their turn, unread, in FIFO order.

export type Release = () => void;

export class BodyBudget {
  private used = 0;
  private readonly waiting: { bytes: number; grant: (release: Release) => void }[] = [];

  constructor(readonly capacity: number) {}

  /** Resolves once `bytes` are reserved; call the release exactly once when the body is no longer held. */
  acquire(bytes: number): { granted: Promise<Release>; cancel: () => void } {
    const want = Math.min(bytes, this.capacity);
    if (this.waiting.length === 0 && this.used + want <= this.capacity) {
      this.used += want;
      return { granted: Promise.resolve(this.releaser(want)), cancel: () => {} };
    }
    let entry!: { bytes: number; grant: (release: Release) => void };
    const granted = new Promise<Release>((resolve) => {
      entry = { bytes: want, grant: resolve };
      this.waiting.push(entry);
    });
    return {
      granted,
      cancel: () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        this.drain();
      },
    };
  }

  get inUse(): number {
    return this.used;
  }

  private releaser(bytes: number): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.used -= bytes;
      this.drain();
    };
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0]!.bytes <= this.capacity) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.grant(this.releaser(next.bytes));
    }
  }
}
