import { describe, expect, it } from 'vitest';
import { AwsError } from '../domain/errors.js';
import { planPlacement } from './planner.js';
import { seededRandom } from './rank/random.js';
import { Reason } from './reasons.js';
import { ClusterState } from './state/clusterState.js';
import { planStartTask } from './startTask.js';
import { demand, instance, request, takePlan } from './testing.js';
import type { InstanceView, PlacementRequest } from './types.js';

const arns = (plan: { placements: readonly { instanceArn: string }[] }) => plan.placements.map((p) => p.instanceArn);

/** Plans and commits, as RunTask would after the store accepted the plan. */
function place(state: ClusterState, req: PlacementRequest) {
  const plan = planPlacement(state, req, { random: seededRandom(1) });
  takePlan(state, plan);
  return plan;
}

describe('binpack', () => {
  it('chooses the instance with the least remaining memory that still fits', () => {
    const [big, small, tiny] = [instance({ memory: 8192 }), instance({ memory: 1024 }), instance({ memory: 256 })];
    const state = new ClusterState([big!, small!, tiny!]);
    const plan = planPlacement(state, request({ placementStrategy: [{ type: 'binpack', field: 'memory' }] }));
    expect(arns(plan)).toEqual([small!.arn]);
  });

  it('on cpu', () => {
    const [a, b] = [instance({ cpu: 4096, memory: 1024 }), instance({ cpu: 512, memory: 8192 })];
    const state = new ClusterState([a!, b!]);
    const plan = planPlacement(state, request({ placementStrategy: [{ type: 'binpack', field: 'cpu' }] }));
    expect(arns(plan)).toEqual([b!.arn]);
  });

  it('fills one instance before the next, counting the earlier tasks of the same call', () => {
    const [a, b] = [instance({ memory: 2048 }), instance({ memory: 3072 })];
    const state = new ClusterState([a!, b!]);
    const plan = planPlacement(
      state,
      request({ count: 5, demand: demand({ memory: 1024 }), placementStrategy: [{ type: 'binpack', field: 'memory' }] }),
    );
    expect(arns(plan)).toEqual([a!.arn, a!.arn, b!.arn, b!.arn, b!.arn]);
    expect(plan.unplaced).toBe(0);
  });
});

describe('spread', () => {
  const zones = (n: number) =>
    Array.from({ length: n }, (_, k) => instance({ az: `us-east-1${'abc'[k % 3]}`, memory: 8192, cpu: 8192 }));

  it('balances tasks across Availability Zones, counting the group tasks already running', () => {
    const [a, b, c] = [
      instance({ az: 'us-east-1a', taskGroups: { 'service:web': 2 } }),
      instance({ az: 'us-east-1b', taskGroups: { 'service:web': 1 } }),
      instance({ az: 'us-east-1c', taskGroups: { 'service:other': 5 } }),
    ];
    const state = new ClusterState([a!, b!, c!]);
    const plan = planPlacement(
      state,
      request({
        count: 3,
        group: 'service:web',
        placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
      }),
    );
    // c has none of the group, then b and c are even at one, and b comes first.
    expect(arns(plan)).toEqual([c!.arn, b!.arn, c!.arn]);
  });

  it('across instances', () => {
    const list = zones(4);
    const state = new ClusterState(list);
    const plan = planPlacement(state, request({ count: 8, placementStrategy: [{ type: 'spread', field: 'instanceId' }] }));
    const counts = new Map<string, number>();
    for (const a of arns(plan)) counts.set(a, (counts.get(a) ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2, 2]);
  });

  it('AZ then binpack memory within the zone (ECS example)', () => {
    const a1 = instance({ az: 'us-east-1a', memory: 4096 });
    const a2 = instance({ az: 'us-east-1a', memory: 1024 });
    const b1 = instance({ az: 'us-east-1b', memory: 2048 });
    const state = new ClusterState([a1, a2, b1]);
    const plan = planPlacement(
      state,
      request({
        count: 3,
        placementStrategy: [
          { type: 'spread', field: 'attribute:ecs.availability-zone' },
          { type: 'binpack', field: 'memory' },
        ],
      }),
    );
    // zone a (tie, least memory across both zones: a2), then zone b, then zone a's least memory again.
    expect(arns(plan)).toEqual([a2.arn, b1.arn, a2.arn]);
  });

  it('is best effort: an unbalanced placement beats none', () => {
    const a = instance({ az: 'us-east-1a', taskGroups: { g: 3 } });
    const b = instance({ az: 'us-east-1b', memory: 100 });
    const state = new ClusterState([a, b]);
    const plan = planPlacement(
      state,
      request({ group: 'g', placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] }),
    );
    expect(arns(plan)).toEqual([a.arn]);
  });

  it('treats instances without the attribute as one more value', () => {
    const a = instance({ attributes: { rack: 'r1' }, taskGroups: { g: 1 } });
    const none = instance({});
    const state = new ClusterState([a, none]);
    const plan = planPlacement(state, request({ group: 'g', placementStrategy: [{ type: 'spread', field: 'attribute:rack' }] }));
    expect(arns(plan)).toEqual([none.arn]);
  });
});

describe('random', () => {
  it('is reproducible with a seeded source and uses every candidate', () => {
    const list = Array.from({ length: 5 }, () => instance({ memory: 100_000, cpu: 100_000 }));
    const state = new ClusterState(list);
    const req = request({ count: 50, placementStrategy: [{ type: 'random' }] });
    const one = planPlacement(state, req, { random: seededRandom(42) });
    const two = planPlacement(state, req, { random: seededRandom(42) });
    expect(arns(one)).toEqual(arns(two));
    expect(new Set(arns(one)).size).toBe(5);
  });

  it('only picks feasible instances', () => {
    const list = [...Array.from({ length: 50 }, () => instance({ memory: 10 })), instance({ memory: 4096 })];
    const state = new ClusterState(list);
    const plan = planPlacement(state, request({ count: 3 }), { random: seededRandom(7) });
    expect(new Set(arns(plan))).toEqual(new Set([list[50]!.arn]));
  });
});

describe('defaults', () => {
  it('services spread across zones, then instances', () => {
    const list = ['a', 'a', 'b', 'c'].map((z) => instance({ az: `us-east-1${z}` }));
    const state = new ClusterState(list);
    const plan = planPlacement(state, request({ count: 4, group: 'service:web', origin: 'service' }));
    const zones = plan.placements.map((p) => state.slotOf(p.instanceArn)!.attributes.get('ecs.availability-zone'));
    expect(zones.slice(0, 3).sort()).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(new Set(arns(plan)).size).toBe(4);
  });
});

describe('constraints', () => {
  it('memberOf restricts candidates (ECS example: T2 instances)', () => {
    const [m5, t2] = [instance({ instanceType: 'm5.large' }), instance({ instanceType: 't2.micro' })];
    const state = new ClusterState([m5, t2]);
    const plan = planPlacement(
      state,
      request({ count: 2, placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }] }),
    );
    expect(arns(plan)).toEqual([t2.arn, t2.arn]);
  });

  it('memberOf on task:group follows tasks placed earlier in the same call', () => {
    const [a, b] = [instance({ taskGroups: { databases: 1 } }), instance({})];
    const state = new ClusterState([a, b]);
    const plan = planPlacement(
      state,
      request({
        count: 2,
        group: 'databases',
        placementConstraints: [{ type: 'memberOf', expression: 'not(task:group == databases)' }],
      }),
    );
    expect(arns(plan)).toEqual([b.arn]);
    expect(plan.unplaced).toBe(1);
    expect(plan.rejections.map((r) => r.reason)).toEqual([Reason.MEMBER_OF, Reason.MEMBER_OF]);
  });

  it('distinctInstance places each task of the group on a different instance', () => {
    const list = [instance({ taskGroups: { 'service:db': 1 } }), instance({}), instance({})];
    const state = new ClusterState(list);
    const plan = planPlacement(
      state,
      request({
        count: 3,
        group: 'service:db',
        placementConstraints: [{ type: 'distinctInstance' }],
        placementStrategy: [{ type: 'binpack', field: 'memory' }],
      }),
    );
    expect(arns(plan)).toEqual([list[1]!.arn, list[2]!.arn]);
    expect(plan.unplaced).toBe(1);
    expect(plan.rejections.every((r) => r.reason === Reason.DISTINCT_INSTANCE)).toBe(true);
  });

  it('rejects bad constraints and strategies as InvalidParameterException', () => {
    const state = new ClusterState([instance()]);
    const bad: Partial<PlacementRequest>[] = [
      { placementConstraints: [{ type: 'memberOf', expression: 'attribute:a ==' }] },
      { placementConstraints: [{ type: 'memberOf' }] },
      { placementConstraints: [{ type: 'distinctInstance', expression: 'x == y' }] },
      { placementStrategy: [{ type: 'binpack', field: 'disk' }] },
      { count: 1.5 },
    ];
    for (const b of bad) {
      try {
        planPlacement(state, request(b));
        expect.fail(`accepted ${JSON.stringify(b)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(AwsError);
        expect((e as AwsError).code).toBe('InvalidParameterException');
      }
    }
  });
});

describe('failures', () => {
  it('gives each instance its reason and names the closest match', () => {
    const list: InstanceView[] = [
      instance({ status: 'DRAINING' }),
      instance({ agentConnected: false }),
      instance({ cpu: 100 }),
      instance({ memory: 100 }),
      instance({ tcp: [80] }),
    ];
    const state = new ClusterState(list);
    const plan = planPlacement(
      state,
      request({ count: 2, demand: demand({ cpu: 256, memory: 512, ports: [{ protocol: 'tcp', hostPort: 80 }] }) }),
    );
    expect(plan.placements).toEqual([]);
    expect(plan.unplaced).toBe(2);
    expect(plan.rejections).toEqual([
      { arn: list[0]!.arn, reason: Reason.DRAINING },
      { arn: list[1]!.arn, reason: Reason.AGENT },
      { arn: list[2]!.arn, reason: Reason.CPU },
      { arn: list[3]!.arn, reason: Reason.MEMORY },
      { arn: list[4]!.arn, reason: Reason.PORTS },
    ]);
    expect(plan.closest).toEqual({ arn: list[4]!.arn, reason: Reason.PORTS });
  });

  it('places what fits and explains the rest', () => {
    const a = instance({ memory: 1024 });
    const state = new ClusterState([a]);
    const plan = planPlacement(state, request({ count: 3, demand: demand({ memory: 512 }) }));
    expect(plan.placements).toHaveLength(2);
    expect(plan.unplaced).toBe(1);
    expect(plan.rejections).toEqual([{ arn: a.arn, reason: Reason.MEMORY }]);
  });

  it('returns no rejections for an empty cluster', () => {
    const plan = planPlacement(new ClusterState(), request());
    expect(plan).toMatchObject({ placements: [], unplaced: 1, rejections: [] });
  });
});

describe('ports', () => {
  it('allocates dynamic ports from the ephemeral range, distinct within a call', () => {
    const a = instance({ tcp: [22, 49153] });
    const state = new ClusterState([a]);
    const ports = [
      { protocol: 'tcp', hostPort: 0 },
      { protocol: 'tcp', hostPort: 8080 },
      { protocol: 'udp', hostPort: 0 },
    ] as const;
    const plan = place(state, request({ count: 2, demand: demand({ ports: [...ports] }) }));
    expect(plan.placements[0]!.hostPorts).toEqual([49154, 8080, 49153]);
    expect(plan.unplaced).toBe(1); // 8080 is taken by the first task
    const next = planPlacement(state, request({ demand: demand({ ports: [{ protocol: 'tcp', hostPort: 0 }] }) }));
    expect(next.placements[0]!.hostPorts).toEqual([49155]);
  });
});

describe('plans and state', () => {
  it('leaves the state as it was', () => {
    const a = instance({ memory: 1024 });
    const state = new ClusterState([a]);
    const req = request({ demand: demand({ memory: 1024 }) });
    const plan = planPlacement(state, req);
    expect(state.slots[0]!.memory).toBe(1024);
    takePlan(state, plan);
    expect(state.slots[0]!.memory).toBe(0);
    expect(planPlacement(state, req).unplaced).toBe(1);
  });

  it('follows instance updates and removals', () => {
    const [a, b] = [instance({ memory: 1024 }), instance({ memory: 2048 })];
    const state = new ClusterState([a, b]);
    const req = request({ placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    expect(arns(planPlacement(state, req))).toEqual([a.arn]);
    state.upsert({ ...a, status: 'DRAINING' });
    expect(arns(planPlacement(state, req))).toEqual([b.arn]);
    state.remove(b.arn);
    expect(planPlacement(state, req).rejections).toEqual([{ arn: a.arn, reason: Reason.DRAINING }]);
  });
});

describe('planStartTask', () => {
  it('checks each named instance, MISSING for unknown ones', () => {
    const [a, b] = [instance({ memory: 1024 }), instance({ status: 'INACTIVE' })];
    const state = new ClusterState([a, b]);
    const plan = planStartTask(state, {
      instanceArns: [a.arn, b.arn, 'arn:nope', a.arn, a.arn],
      group: 'family:x',
      demand: demand({ memory: 512 }),
    });
    expect(arns(plan)).toEqual([a.arn, a.arn]);
    expect(plan.rejections).toEqual([
      { arn: b.arn, reason: Reason.INACTIVE },
      { arn: 'arn:nope', reason: Reason.MISSING },
      { arn: a.arn, reason: Reason.MEMORY },
    ]);
    expect(state.slotOf(a.arn)!.memory).toBe(1024);
  });
});
