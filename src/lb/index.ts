// The load balancer feature as the control plane composes it: its tables, the data plane, and the hooks the ECS
// service controller calls to put tasks behind target groups and take them out again.

import { deregistrationDelayMs } from './attributes.js';
import type { TargetHealthInfo } from './health.js';
import { LoadBalancing, type LoadBalancingOptions } from './plane.js';
import { targetKey } from './tables.js';
import { setForward, type WeightedGroup } from './forwardRules.js';
import { markDraining, registerTargets, requireTargetGroup, type TargetRef } from './targets.js';
import { targetGroupsInUse } from './usage.js';

export { createElbTables, type ElbTables } from './tables.js';
export type { TargetHealthInfo, HealthView } from './health.js';
export type { TargetRef } from './targets.js';
export { LoadBalancing, type LoadBalancingOptions } from './plane.js';
export type { WeightedGroup } from './forwardRules.js';

export interface LoadBalancers {
  /** The health view the ELBv2 API's DescribeTargetHealth reads. */
  health: LoadBalancing['book'];
  registerTargets(targetGroupArn: string, targets: readonly TargetRef[]): Promise<void>;
  /**
   * Marks the targets draining (no new requests) and resolves once their deregistration is complete: nothing in
   * flight any more, or the deregistration delay passed. They show `draining` until the delay has passed.
   */
  deregisterTargets(targetGroupArn: string, targets: readonly TargetRef[]): Promise<void>;
  /** A target's health as DescribeTargetHealth shows it (State, Reason, Description). */
  targetHealth(targetGroupArn: string, target: TargetRef): TargetHealthInfo;
  /** The target group's deregistration_delay.timeout_seconds. */
  deregistrationDelaySeconds(targetGroupArn: string): number;
  /** Called on every health state change of a target (key `TGID/ID:PORT`). */
  onHealthChange(fn: (key: string, state: TargetHealthInfo) => void): () => void;
  /** Points a listener rule (or a listener's default actions) at target groups with weights. */
  forwardRule(ruleArn: string, groups: readonly WeightedGroup[]): Promise<void>;
  plane: LoadBalancing;
  stop(): Promise<void>;
}

/** Starts serving every load balancer in the store (and any created later); `stop` closes them all. */
export async function startLoadBalancers(opts: LoadBalancingOptions): Promise<LoadBalancers> {
  const plane = new LoadBalancing(opts);
  await plane.start();
  const { cache, tables } = opts;
  return {
    health: plane.book,
    plane,
    registerTargets: (arn, targets) => registerTargets(cache, tables, arn, targets),
    async deregisterTargets(arn, targets) {
      const keys = await markDraining(cache, tables, arn, targets);
      await Promise.all(keys.map((k) => plane.drainer.whenComplete(k)));
    },
    targetHealth(arn, target) {
      const tg = requireTargetGroup(tables, arn).value;
      const row = tables.targets.get(targetKey(tg, target.Id ?? '', target.Port ?? tg.port));
      return plane.book.describe(tg, row?.value, targetGroupsInUse(tables).has(arn));
    },
    deregistrationDelaySeconds: (arn) => deregistrationDelayMs(requireTargetGroup(tables, arn).value.attributes) / 1000,
    onHealthChange: (fn) => plane.book.onChange(fn),
    forwardRule: (ruleArn, groups) => setForward(cache, tables, ruleArn, groups),
    stop: () => plane.stop(),
  };
}

