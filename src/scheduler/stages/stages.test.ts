import { describe, expect, it } from 'vitest';
import { Reason } from '../reasons.js';
import { ClusterState } from '../state/clusterState.js';
import { demand, instance, type InstanceSpec } from '../testing.js';
import type { TaskDemand } from '../types.js';
import { buildPipeline, type PipelineInput } from './pipeline.js';

/** The first stage a one-instance cluster fails for the given task (undefined: it fits). */
function verdict(spec: InstanceSpec, d: TaskDemand, extra: Partial<PipelineInput> = {}, options = {}) {
  const state = new ClusterState([instance(spec)], options);
  const p = buildPipeline(state, { demand: d, group: 'g', memberOf: [], distinctInstance: false, ...extra });
  const s = state.slots[0]!;
  const r = p.reject(s)?.reason;
  expect(p.feasible(s)).toBe(r === undefined);
  return r;
}

describe('status', () => {
  it('takes tasks only on ACTIVE instances', () => {
    expect(verdict({}, demand())).toBeUndefined();
    expect(verdict({ status: 'DRAINING' }, demand())).toBe(Reason.DRAINING);
    expect(verdict({ status: 'INACTIVE' }, demand())).toBe(Reason.INACTIVE);
    expect(verdict({ status: 'DEREGISTERING' }, demand())).toBe(Reason.INACTIVE);
  });
});

describe('agent', () => {
  it('rejects instances whose agent is disconnected', () => {
    expect(verdict({ agentConnected: false }, demand())).toBe(Reason.AGENT);
  });
});

describe('attributes', () => {
  it('needs every required attribute, with its value when one is given', () => {
    const eni = { attributes: { 'ecs.capability.task-eni': undefined } };
    expect(verdict(eni, demand({ requires: ['ecs.capability.task-eni'] }))).toBeUndefined();
    expect(verdict({}, demand({ requires: ['ecs.capability.task-eni'] }))).toBe(Reason.ATTRIBUTE);
    const d = { ...demand(), requiredAttributes: [{ name: 'ecs.os-type', value: 'windows' }] };
    expect(verdict({}, d)).toBe(Reason.ATTRIBUTE);
  });
});

describe('resources', () => {
  it('checks CPU before memory and allows an exact fit', () => {
    expect(verdict({ cpu: 256, memory: 512 }, demand({ cpu: 256, memory: 512 }))).toBeUndefined();
    expect(verdict({ cpu: 255, memory: 100 }, demand({ cpu: 256, memory: 512 }))).toBe(Reason.CPU);
    expect(verdict({ cpu: 1024, memory: 511 }, demand({ cpu: 256, memory: 512 }))).toBe(Reason.MEMORY);
  });
});

describe('ports', () => {
  it('rejects a taken fixed port, per protocol', () => {
    const tcp80 = demand({ ports: [{ protocol: 'tcp', hostPort: 80 }] });
    expect(verdict({ tcp: [80] }, tcp80)).toBe(Reason.PORTS);
    expect(verdict({ udp: [80] }, tcp80)).toBeUndefined();
    const udp53 = demand({ ports: [{ protocol: 'udp', hostPort: 53 }] });
    expect(verdict({ udp: [53] }, udp53)).toBe(Reason.PORTS_UDP);
  });

  it('needs free dynamic ports in the ephemeral range', () => {
    const two = demand({ ports: [{ protocol: 'tcp', hostPort: 0 }, { protocol: 'tcp', hostPort: 0 }] });
    const options = { ephemeralPortRange: [50000, 50002] as const };
    expect(verdict({ tcp: [50000] }, two, {}, options)).toBeUndefined();
    expect(verdict({ tcp: [50000, 50002] }, two, {}, options)).toBe(Reason.PORTS);
  });

  it('caps reserved ports outside the dynamic range (ECS: 100)', () => {
    const one = demand({ ports: [{ protocol: 'tcp', hostPort: 9000 }] });
    const many = Array.from({ length: 100 }, (_, k) => 1000 + k);
    expect(verdict({ tcp: many.slice(1) }, one)).toBeUndefined();
    expect(verdict({ tcp: many }, one)).toBe(Reason.PORTS);
  });
});

describe('memberOf', () => {
  it('rejects instances that do not satisfy the expression', () => {
    const m = { memberOf: ['attribute:ecs.instance-type =~ t2.*'] };
    expect(verdict({ instanceType: 't2.micro' }, demand(), m)).toBeUndefined();
    expect(verdict({ instanceType: 'm5.large' }, demand(), m)).toBe(Reason.MEMBER_OF);
  });

  it('re-reads task-dependent expressions, caches the others per instance version', () => {
    const state = new ClusterState([instance({ instanceType: 'm5.large' })]);
    const byType = buildPipeline(state, {
      demand: demand(),
      group: 'g',
      memberOf: ['attribute:ecs.instance-type == m5.large'],
      distinctInstance: false,
    });
    const empty = buildPipeline(state, {
      demand: demand(),
      group: 'g',
      memberOf: ['runningTasksCount == 0'],
      distinctInstance: false,
    });
    const s = state.slots[0]!;
    expect(byType.feasible(s)).toBe(true);
    expect(empty.feasible(s)).toBe(true);
    state.reserve(s, demand(), [], 'other');
    expect(empty.feasible(s)).toBe(false);
    state.upsert(instance({ arn: s.arn, instanceType: 'c5.large' }));
    expect(byType.feasible(s)).toBe(false);
  });
});

describe('distinctInstance', () => {
  it('rejects an instance that already runs a task of the group', () => {
    expect(verdict({ taskGroups: { g: 1 } }, demand(), { distinctInstance: true })).toBe(Reason.DISTINCT_INSTANCE);
    expect(verdict({ taskGroups: { other: 1 } }, demand(), { distinctInstance: true })).toBeUndefined();
  });
});

describe('pipeline order', () => {
  it('reports the earliest failing stage and how far the instance got', () => {
    const state = new ClusterState([
      instance({ status: 'DRAINING', cpu: 0 }),
      instance({ cpu: 0 }),
      instance({ instanceType: 'm5.large' }),
    ]);
    const p = buildPipeline(state, {
      demand: demand(),
      group: 'g',
      memberOf: ['attribute:ecs.instance-type == t2.small'],
      distinctInstance: false,
    });
    const [a, b, c] = state.slots.map((s) => p.reject(s)!);
    expect([a!.reason, b!.reason, c!.reason]).toEqual([Reason.DRAINING, Reason.CPU, Reason.MEMBER_OF]);
    expect(a!.depth).toBeLessThan(b!.depth);
    expect(b!.depth).toBeLessThan(c!.depth);
  });
});

describe('port ranges', () => {
  const block = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? { protocol: 'tcp' as const, hostPort: 0, block: n } : { protocol: 'tcp' as const, hostPort: 0 }));

  it('gives a containerPortRange the lowest run of consecutive free dynamic ports', () => {
    const state = new ClusterState([instance({ tcp: [49154, 49157] })], { ephemeralPortRange: [49153, 49170] });
    const s = state.slots[0]!;
    // 49153 and 49155-49156 are too short for three; 49158-49160 is the first run that holds them.
    expect(state.allocatePorts(s, [{ protocol: 'tcp', hostPort: 0 }, ...block(3), { protocol: 'tcp', hostPort: 0 }])).toEqual([49153, 49158, 49159, 49160, 49155]);
  });

  it('fails placement with PORTS when no run is long enough, though enough ports are free', () => {
    const spec = { tcp: [49155, 49158] };
    const options = { ephemeralPortRange: [49153, 49160] as const };
    expect(verdict(spec, demand({ ports: block(2) }), {}, options)).toBeUndefined();
    expect(verdict(spec, demand({ ports: block(3) }), {}, options)).toBe(Reason.PORTS);
  });
});
