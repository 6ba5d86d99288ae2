// Scheduler benchmark: a simulated cluster of 10,000 container instances of mixed sizes across three
// Availability Zones, 100,000 tasks placed one plan at a time (plan, then commit), for the strategies and
// constraints services use most. Prints placements/s and decision latency, then how decision time scales from
// 1,000 to 10,000 instances. Build and run: npx tsc -p tsconfig.json && node dist/bench/scheduler.js

import { performance } from 'node:perf_hooks';
import {
  ClusterState,
  planPlacement,
  seededRandom,
  type InstanceView,
  type PlacementRequest,
  type TaskDemand,
} from '../src/scheduler/index.js';
import { takePlan } from '../src/scheduler/testing.js';

const TYPES = [
  { type: 'm5.large', cpu: 2048, memory: 7680 },
  { type: 'm5.xlarge', cpu: 4096, memory: 15360 },
  { type: 'c5.2xlarge', cpu: 8192, memory: 15360 },
  { type: 'r5.large', cpu: 2048, memory: 15872 },
  { type: 't3.medium', cpu: 2048, memory: 3840 },
];
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const DEMANDS: TaskDemand[] = [
  { cpu: 128, memory: 256, ports: [], requiredAttributes: [] },
  { cpu: 256, memory: 512, ports: [{ protocol: 'tcp', hostPort: 0 }], requiredAttributes: [] },
  { cpu: 256, memory: 768, ports: [], requiredAttributes: [] },
  { cpu: 512, memory: 1024, ports: [{ protocol: 'tcp', hostPort: 0 }], requiredAttributes: [] },
];

function cluster(n: number): InstanceView[] {
  const rnd = seededRandom(n);
  return Array.from({ length: n }, (_, k) => {
    const t = TYPES[Math.floor(rnd() * TYPES.length)]!;
    return {
      arn: `arn:aws:ecs:us-east-1:000000000000:container-instance/bench/${k.toString(16).padStart(32, '0')}`,
      ec2InstanceId: `i-${k.toString(16).padStart(17, '0')}`,
      registeredAt: Date.UTC(2024, 0, 1) + k * 1000,
      status: 'ACTIVE',
      agentConnected: true,
      agentVersion: '1.80.0',
      attributes: new Map<string, string | undefined>([
        ['ecs.availability-zone', ZONES[k % ZONES.length]!],
        ['ecs.instance-type', t.type],
        ['ecs.os-type', 'linux'],
        ['ecs.cpu-architecture', 'x86_64'],
        ['ecs.capability.task-eni', undefined],
        ['stack', rnd() < 0.7 ? 'prod' : 'dev'],
      ]),
      remainingCpu: t.cpu,
      remainingMemory: t.memory,
      reservedTcpPorts: new Set([22, 2375, 2376, 51678, 51679, 51680]),
      reservedUdpPorts: new Set<number>(),
      runningTasksCount: 0,
      taskGroups: new Map(),
    };
  });
}

interface Scenario {
  name: string;
  request: (group: string, demand: TaskDemand) => PlacementRequest;
}

const SCENARIOS: Scenario[] = [
  {
    name: '(a) binpack memory',
    request: (group, demand) => ({ count: 1, group, demand, placementStrategy: [{ type: 'binpack', field: 'memory' }] }),
  },
  {
    name: '(b) spread AZ, binpack memory',
    request: (group, demand) => ({
      count: 1,
      group,
      demand,
      placementStrategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
    }),
  },
  {
    name: '(c) memberOf + distinctInstance',
    request: (group, demand) => ({
      count: 1,
      group,
      demand,
      origin: 'service', // ECS's service default: spread AZ, then instances
      placementConstraints: [
        { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ (m5|c5|r5).* and attribute:ecs.os-type == linux' },
        { type: 'distinctInstance' },
      ],
    }),
  },
  {
    name: '(d) RunTask default (random)',
    request: (group, demand) => ({ count: 1, group, demand }),
  },
];

interface Result {
  placed: number;
  failed: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** Places `tasks` tasks, one plan each, `perGroup` consecutive tasks per service group. */
function run(s: Scenario, instances: number, tasks: number, perGroup = 100): Result {
  const state = new ClusterState(cluster(instances));
  const random = seededRandom(7);
  const latencies = new Float64Array(tasks);
  let placed = 0;
  const start = performance.now();
  for (let k = 0; k < tasks; k++) {
    const req = s.request(`service:svc-${Math.floor(k / perGroup)}`, DEMANDS[k % DEMANDS.length]!);
    const t0 = performance.now();
    const plan = planPlacement(state, req, { random });
    latencies[k] = performance.now() - t0;
    takePlan(state, plan);
    placed += plan.placements.length;
  }
  const seconds = (performance.now() - start) / 1000;
  latencies.sort();
  const q = (p: number) => latencies[Math.min(tasks - 1, Math.floor(p * tasks))]! * 1000;
  return { placed, failed: tasks - placed, seconds, p50: q(0.5), p99: q(0.99) };
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function main(): void {
  const INSTANCES = 10_000;
  const TASKS = 100_000;
  console.log(`Wharf scheduler: ${fmt(INSTANCES)} instances (3 AZs, ${TYPES.length} types), ${fmt(TASKS)} tasks,`);
  console.log('one plan per task (plan + commit), 100 tasks per service group; latency = one planPlacement call\n');
  console.log(
    `${pad('scenario', 34)}${lpad('placed', 9)}${lpad('failed', 8)}${lpad('placements/s', 14)}${lpad('p50 µs', 9)}${lpad('p99 µs', 9)}`,
  );
  run(SCENARIOS[0]!, 1000, 5000); // warm the JIT
  const big = new Map<string, Result>();
  for (const s of SCENARIOS) {
    const r = run(s, INSTANCES, TASKS);
    big.set(s.name, r);
    console.log(
      `${pad(s.name, 34)}${lpad(fmt(r.placed), 9)}${lpad(fmt(r.failed), 8)}${lpad(fmt(r.placed / r.seconds), 14)}` +
        `${lpad(fmt(r.p50, 1), 9)}${lpad(fmt(r.p99, 1), 9)}`,
    );
  }
  console.log('\nscaling: same load per instance (10 tasks each), p50 / p99 decision µs');
  console.log(`${pad('scenario', 34)}${lpad('1,000 inst', 16)}${lpad('10,000 inst', 16)}${lpad('p50 ratio', 11)}`);
  for (const s of SCENARIOS) {
    const small = run(s, 1000, 10_000);
    const r = big.get(s.name)!;
    console.log(
      `${pad(s.name, 34)}${lpad(`${fmt(small.p50, 1)} / ${fmt(small.p99, 1)}`, 16)}` +
        `${lpad(`${fmt(r.p50, 1)} / ${fmt(r.p99, 1)}`, 16)}${lpad(`${fmt(r.p50 / small.p50, 2)}x`, 11)}`,
    );
  }
  const a = big.get(SCENARIOS[0]!.name)!;
  const rate = a.placed / a.seconds;
  console.log(`\ngoal (a) >= 37,500 placements/s (10x Nomad's published 3,750/s): ${fmt(rate)}/s, ${rate >= 37_500 ? 'met' : 'NOT met'}`);
}

main();
