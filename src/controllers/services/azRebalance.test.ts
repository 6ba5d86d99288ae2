// Availability zone rebalancing, one pass at a time: a service at rest with its tasks all in one of two zones starts
// one in the empty zone, stops one in the full zone once it is healthy, and says so with ECS's event texts; without
// room above desiredCount it stops first; services placed by other strategies are left as they are.
import { describe, expect, it } from 'vitest';
import type { ServiceRecord } from '../../domain/service.js';
import { DEFAULT_BACKOFF } from './circuitBreaker.js';
import { planRebalance, RebalanceEvents } from './azRebalance.js';
import { reconcile } from './reconcile.js';
import { dep, service, task, view } from './testkit.js';

const at = (az: string, instanceKey: string, extra = {}) => task('ecs-svc/1', 'RUNNING', { az, instanceKey, ...extra });
const rec = (extra: Partial<ServiceRecord['service']> = {}): ServiceRecord =>
  service(2, [dep('ecs-svc/1', { rolloutState: 'COMPLETED' })], { availabilityZoneRebalancing: 'ENABLED', ...extra });
const env = { backoff: DEFAULT_BACKOFF, zones: ['z-a', 'z-b'] };

describe('availability zone rebalancing', () => {
  it('starts a task in the empty zone, then stops one in the full zone, then says it is balanced', () => {
    const tasks = [at('z-b', 'c/b1'), at('z-b', 'c/b2')];
    const first = reconcile(view(rec(), tasks), env);
    expect(first).toMatchObject({ start: 1, startZone: 'z-a', stops: [] });
    expect(first.record.events[0]!.message).toBe('service (web) is not AZ balanced with 0 tasks in z-a and 2 in z-b. AZ Rebalancing in progress.');
    // The new task pending: nothing is stopped (no scale-in of the extra task).
    const pending = reconcile(view(first.record, [...tasks, task('ecs-svc/1', 'PENDING', { az: 'z-a', instanceKey: 'c/a1', healthy: false })]), env);
    expect(pending).toMatchObject({ start: 0, stops: [] });
    const healthy = [...tasks, at('z-a', 'c/a1')];
    const stop = reconcile(view(first.record, healthy), env);
    expect(stop.start).toBe(0);
    expect(stop.stops.map((s) => s.task.az)).toEqual(['z-b']);
    const done = reconcile(view(stop.record, [tasks[0]!, at('z-a', 'c/a1')]), env);
    expect(done.record.rebalancing).toBeUndefined();
    expect(done.record.events.map((e) => e.message)).toContain('service (web) is AZ balanced with 1 tasks in z-a and 1 tasks in z-b.');
  });

  it('stops first when maximumPercent leaves no room, and places the replacement in the zone with the fewest', () => {
    const r = rec({ deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 } });
    const tasks = [at('z-b', 'c/b1'), at('z-b', 'c/b2')];
    const first = reconcile(view(r, tasks), env);
    expect(first.start).toBe(0);
    expect(first.stops).toHaveLength(1);
    const replace = reconcile(view(first.record, [tasks[0]!]), env);
    expect(replace).toMatchObject({ start: 1, startZone: 'z-a' });
  });

  it('leaves alone services it does not rebalance, and balanced ones', () => {
    const tasks = [at('z-b', 'c/b1'), at('z-b', 'c/b2')];
    expect(planRebalance(view(rec({ availabilityZoneRebalancing: 'DISABLED' }), tasks), env.zones).startZone).toBeUndefined();
    expect(planRebalance(view(rec({ placementStrategy: [{ type: 'binpack', field: 'memory' }] }), tasks), env.zones).startZone).toBeUndefined();
    expect(planRebalance(view(rec(), tasks), ['z-b']).startZone).toBeUndefined();
    expect(planRebalance(view(rec(), [at('z-a', 'c/a1'), at('z-b', 'c/b1')]), env.zones)).toMatchObject({ stops: [], surplus: 0 });
    expect(RebalanceEvents.started('s', new Map([['a', 3], ['b', 1], ['c', 1]]))).toBe('service (s) is not AZ balanced with 3 tasks in a, 1 in b, and 1 in c. AZ Rebalancing in progress.');
  });
});
