// Pointing a listener rule's forward action at target groups with weights: what a traffic-shifting ECS deployment
// (BLUE_GREEN, LINEAR, CANARY) does to its production and test listener rules. The rule is a rule ARN, the ARN of a
// listener's default rule, or a listener ARN (its default actions). Written only when it says something else.
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RuleNotFound } from '../domain/errors.js';
import { Txn, type StateCache } from '../store/cache.js';
import { first, type ElbTables } from './tables.js';

export interface WeightedGroup {
  targetGroupArn: string;
  weight: number;
}

/** The forward action as the ELBv2 API stores it (a single group also as TargetGroupArn). */
export function forwardAction(groups: readonly WeightedGroup[], order?: number): Action {
  return {
    Type: 'forward',
    ...(groups.length === 1 ? { TargetGroupArn: groups[0]!.targetGroupArn } : {}),
    ...(order !== undefined ? { Order: order } : {}),
    ForwardConfig: {
      TargetGroups: groups.map((g) => ({ TargetGroupArn: g.targetGroupArn, Weight: g.weight })),
      TargetGroupStickinessConfig: { Enabled: false },
    },
  };
}

const same = (a: readonly Action[], b: readonly Action[]) => JSON.stringify(a) === JSON.stringify(b);

export async function setForward(cache: StateCache, tables: ElbTables, ruleArn: string, groups: readonly WeightedGroup[]): Promise<void> {
  await cache.update(() => {
    const rule = first(tables.rules.byIndex('arn', ruleArn));
    if (rule) {
      const actions = [forwardAction(groups, rule.value.actions[0]?.Order)];
      if (same(actions, rule.value.actions)) return { txn: new Txn(), result: undefined };
      return { txn: new Txn().put(tables.rules, rule.id, { ...rule.value, actions }, rule.modRevision), result: undefined };
    }
    const listener =
      first(tables.listeners.byIndex('arn', ruleArn)) ??
      [...tables.listeners.values()].find((l) => ruleArn === `${l.value.arn.replace(':listener/', ':listener-rule/')}/${l.value.defaultRuleId}`);
    if (!listener) throw new RuleNotFound(`One or more rules not found: '${ruleArn}'`);
    const actions = [forwardAction(groups, listener.value.defaultActions[0]?.Order)];
    if (same(actions, listener.value.defaultActions)) return { txn: new Txn(), result: undefined };
    return { txn: new Txn().put(tables.listeners, listener.id, { ...listener.value, defaultActions: actions }, listener.modRevision), result: undefined };
  });
}
