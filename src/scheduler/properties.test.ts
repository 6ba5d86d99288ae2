// Property tests: whatever the cluster and the mix of requests, no plan oversubscribes an instance's CPU,
// memory or ports; the indexed selection agrees with the scan-everything reference; planning leaves the state
// as it found it.

import type { PlacementConstraint, PlacementStrategy } from '@aws-sdk/client-ecs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRequest } from './compile.js';
import { planPlacement } from './planner.js';
import { seededRandom } from './rank/random.js';
import { selectNaive, selectSlot, type SelectContext } from './rank/select.js';
import { ClusterState } from './state/clusterState.js';
import { instance, takePlan } from './testing.js';
import type { InstanceView, PlacementRequest, PortNeed } from './types.js';

const RANGE = [40000, 40005] as const; // a tiny dynamic range, so running out of ports is common

const instanceArb = fc
  .record({
    cpu: fc.integer({ min: 0, max: 4096 }),
    memory: fc.integer({ min: 0, max: 8192 }),
    tcp: fc.subarray([22, 80, 443, 8080, 40000, 40001]),
    udp: fc.subarray([53, 40002]),
    status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING', 'INACTIVE'),
    agentConnected: fc.boolean().map((b) => b || Math.random() < 0.8),
    az: fc.constantFrom('us-east-1a', 'us-east-1b', 'us-east-1c'),
    instanceType: fc.constantFrom('t2.micro', 'm5.large', 'c5.xlarge'),
    rack: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
    groups: fc.dictionary(fc.constantFrom('g1', 'g2', 'service:web'), fc.integer({ min: 1, max: 3 })),
  })
  .map((r) =>
    instance({
      cpu: r.cpu,
      memory: r.memory,
      tcp: r.tcp,
      udp: r.udp,
      status: r.status as InstanceView['status'],
      agentConnected: r.agentConnected,
      az: r.az,
      instanceType: r.instanceType,
      attributes: r.rack ? { rack: r.rack } : {},
      taskGroups: r.groups,
    }),
  );

const portArb: fc.Arbitrary<PortNeed> = fc.record({
  protocol: fc.constantFrom('tcp' as const, 'udp' as const),
  hostPort: fc.constantFrom(0, 0, 80, 8080, 53, 40003),
});

const strategyArb: fc.Arbitrary<PlacementStrategy> = fc.constantFrom(
  { type: 'binpack', field: 'cpu' },
  { type: 'binpack', field: 'memory' },
  { type: 'spread', field: 'instanceId' },
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
  { type: 'spread', field: 'attribute:rack' },
  { type: 'spread', field: 'attribute:ecs.instance-type' },
);

const constraintArb: fc.Arbitrary<PlacementConstraint> = fc.constantFrom(
  { type: 'distinctInstance' },
  { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ (t2|m5).*' },
  { type: 'memberOf', expression: 'runningTasksCount < 4' },
  { type: 'memberOf', expression: 'not(task:group == g2)' },
  { type: 'memberOf', expression: 'attribute:rack exists or attribute:ecs.availability-zone != us-east-1c' },
);

const requestArb = (random: boolean): fc.Arbitrary<PlacementRequest> =>
  fc.record({
    count: fc.integer({ min: 1, max: 6 }),
    group: fc.constantFrom('g1', 'g2', 'service:web'),
    demand: fc.record({
      cpu: fc.integer({ min: 0, max: 1024 }),
      memory: fc.integer({ min: 0, max: 2048 }),
      ports: fc
        .array(portArb, { maxLength: 3 })
        .filter((ps) => {
          const fixed = ps.filter((p) => p.hostPort !== 0).map((p) => `${p.protocol}${p.hostPort}`);
          return new Set(fixed).size === fixed.length; // a task maps a host port once
        }),
      requiredAttributes: fc.constantFrom([], [{ name: 'rack' }]),
    }),
    placementConstraints: fc.array(constraintArb, { maxLength: 2 }),
    placementStrategy: random
      ? fc.array(fc.oneof(strategyArb, fc.constant({ type: 'random' } as PlacementStrategy)), { maxLength: 3 })
      : fc.array(strategyArb, { minLength: 1, maxLength: 3 }),
    origin: fc.constantFrom('standalone' as const, 'service' as const),
  });

const clusterArb = fc.array(instanceArb, { minLength: 1, maxLength: 12 });

describe('no plan oversubscribes an instance', () => {
  it('whatever the mix of requests', () => {
    fc.assert(
      fc.property(clusterArb, fc.array(requestArb(true), { minLength: 1, maxLength: 12 }), (views, reqs) => {
        const state = new ClusterState(views, { ephemeralPortRange: RANGE });
        const used = new Map(views.map((v) => [v.arn, { cpu: 0, memory: 0, tcp: new Set<number>(), udp: new Set<number>() }]));
        const random = seededRandom(9);
        for (const req of reqs) {
          const plan = planPlacement(state, req, { random });
          takePlan(state, plan);
          for (const p of plan.placements) {
            const u = used.get(p.instanceArn)!;
            u.cpu += req.demand.cpu;
            u.memory += req.demand.memory;
            req.demand.ports.forEach((need, k) => {
              const port = p.hostPorts[k]!;
              const set = need.protocol === 'tcp' ? u.tcp : u.udp;
              expect(set.has(port)).toBe(false);
              set.add(port);
              if (need.hostPort === 0) expect(port >= RANGE[0] && port <= RANGE[1]).toBe(true);
              else expect(port).toBe(need.hostPort);
            });
          }
        }
        for (const v of views) {
          const u = used.get(v.arn)!;
          if (u.cpu + u.memory + u.tcp.size + u.udp.size > 0) {
            expect(v.status).toBe('ACTIVE');
            expect(v.agentConnected).toBe(true);
          }
          expect(u.cpu).toBeLessThanOrEqual(v.remainingCpu);
          expect(u.memory).toBeLessThanOrEqual(v.remainingMemory);
          for (const p of u.tcp) expect(v.reservedTcpPorts.has(p)).toBe(false);
          for (const p of u.udp) expect(v.reservedUdpPorts.has(p)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

type Step =
  | { kind: 'request'; req: PlacementRequest }
  | { kind: 'update'; at: number; view: InstanceView }
  | { kind: 'remove'; at: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: requestArb(false).map((req) => ({ kind: 'request' as const, req })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('update' as const), at: fc.nat(), view: instanceArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
);

describe('indexed selection', () => {
  it('agrees with the reference scan for every strategy chain but random, across instance updates', () => {
    fc.assert(
      fc.property(clusterArb, fc.array(stepArb, { minLength: 1, maxLength: 14 }), (views, steps) => {
        const state = new ClusterState(views, { ephemeralPortRange: RANGE });
        for (const step of steps) {
          const target = views[step.kind === 'request' ? 0 : step.at % views.length]!;
          if (step.kind === 'update') {
            // Same instance, new facts: resources, status, attributes, tasks may all change.
            state.upsert({ ...step.view, arn: target.arn, registeredAt: target.registeredAt });
            continue;
          }
          if (step.kind === 'remove') {
            state.remove(target.arn);
            continue;
          }
          const { chain, pipeline } = compileRequest(state, step.req);
          const ctx: SelectContext = {
            state,
            demand: step.req.demand,
            group: step.req.group,
            feasible: pipeline.feasible,
            filter: pipeline.filter,
            random: () => 0,
          };
          expect(selectSlot(ctx, chain)).toBe(selectNaive(ctx, chain));
          takePlan(state, planPlacement(state, step.req));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('planning', () => {
  it('hands the state back unchanged', () => {
    fc.assert(
      fc.property(clusterArb, requestArb(true), (views, req) => {
        const state = new ClusterState(views, { ephemeralPortRange: RANGE });
        const before = JSON.stringify(snapshot(state));
        planPlacement(state, req, { random: seededRandom(3) });
        expect(JSON.stringify(snapshot(state))).toBe(before);
      }),
      { numRuns: 200 },
    );
  });
});

function snapshot(state: ClusterState) {
  const filter = state.filter('[[],[]]', (s) => s.schedulable);
  const indexes = (attr: string | null) =>
    [...state.partitioning(attr).parts.values()].map((p) => [
      p.value,
      p.resourceIndex('memory', filter).buckets.flatMap((b, k) => (b && b.size > 0 ? [[k, [...b]]] : [])),
      [...p.runningIndex(filter).buckets].map(([b, list]) => [b, [...list]]).sort((x, y) => Number(x[0]) - Number(y[0])),
    ]);
  return {
    slots: state.slots.map((s) => [s.cpu, s.memory, s.runningTasksCount, [...s.taskGroups], [...s.tcp], [...s.udp]]),
    all: indexes(null),
    az: indexes('ecs.availability-zone'),
    hosts: ['g1', 'g2', 'service:web'].map((g) => [...state.groups.hostsOf(g)]),
    spread: ['g1', 'g2'].map((g) => [...state.groups.countsByValue(g, 'ecs.availability-zone')]),
  };
}
