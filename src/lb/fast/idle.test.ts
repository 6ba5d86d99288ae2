import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleSweep, type Idler } from './idle.js';

function idler(sweep: IdleSweep, ms: number) {
  const item: Idler & { expired: number } = {
    seen: 0,
    expired: 0,
    idleMs: () => ms,
    expire() {
      this.expired++;
      sweep.delete(this);
    },
  };
  return item;
}

describe('IdleSweep', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('expires a connection idle past its timeout, never before it, and not one that keeps busy', () => {
    const sweep = new IdleSweep(100);
    const idle = idler(sweep, 1000);
    const busy = idler(sweep, 1000);
    sweep.add(idle);
    sweep.add(busy);
    for (let t = 0; t < 990; t += 10) {
      vi.advanceTimersByTime(10);
      busy.seen = sweep.tick;
    }
    expect(idle.expired).toBe(0);
    vi.advanceTimersByTime(200);
    expect(idle.expired).toBe(1);
    for (let t = 0; t < 3000; t += 10) {
      vi.advanceTimersByTime(10);
      busy.seen = sweep.tick;
    }
    expect(busy.expired).toBe(0);
  });

  it('leaves connections without a timeout alone and stops its timer when empty', () => {
    const sweep = new IdleSweep(100);
    const none = idler(sweep, 0);
    sweep.add(none);
    vi.advanceTimersByTime(10_000);
    expect(none.expired).toBe(0);
    sweep.delete(none);
    expect(vi.getTimerCount()).toBe(0);
  });
});
