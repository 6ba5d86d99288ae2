// The body budget: reservations never exceed its capacity, waiters are served in order, and a cancelled waiter
// neither holds nor blocks anything.
import { describe, expect, it } from 'vitest';
import { BodyBudget } from './budget.js';

describe('BodyBudget', () => {
  it('grants at once while there is room, and makes the rest wait in order until bytes come back', async () => {
    const budget = new BodyBudget(100);
    const a = await budget.acquire(60).granted;
    const order: string[] = [];
    const b = budget.acquire(50);
    const c = budget.acquire(10);
    void b.granted.then(() => order.push('b'));
    void c.granted.then(() => order.push('c'));
    await Promise.resolve();
    expect(order).toEqual([]); // c would fit, but waits behind b: a large body is never starved by small ones
    expect(budget.inUse).toBe(60);
    a();
    a(); // a second release changes nothing
    await Promise.all([b.granted, c.granted]);
    expect(order).toEqual(['b', 'c']);
    expect(budget.inUse).toBe(60);
  });

  it('drops a cancelled waiter and serves the next one', async () => {
    const budget = new BodyBudget(10);
    const first = await budget.acquire(10).granted;
    const gone = budget.acquire(10);
    const next = budget.acquire(5);
    gone.cancel();
    first();
    const release = await next.granted;
    expect(budget.inUse).toBe(5);
    release();
    expect(budget.inUse).toBe(0);
  });

  it('caps a reservation larger than the whole budget at the budget', async () => {
    const budget = new BodyBudget(10);
    await budget.acquire(1000).granted;
    expect(budget.inUse).toBe(10);
  });
});
