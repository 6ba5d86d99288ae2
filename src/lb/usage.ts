// Which target groups a load balancer actually uses (through a listener's default actions or a rule): only those
// are health checked and shown as anything but `unused`, as in ELBv2.
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ElbTables } from './tables.js';

/** Target group ARNs an action forwards to, with their weights (a plain TargetGroupArn weighs 1). */
export function forwardTargets(a: Action): { arn: string; weight: number }[] {
  if (a.Type !== 'forward') return [];
  const tgs = a.ForwardConfig?.TargetGroups;
  if (tgs?.length) return tgs.map((t) => ({ arn: t.TargetGroupArn!, weight: t.Weight ?? 1 }));
  return a.TargetGroupArn ? [{ arn: a.TargetGroupArn, weight: 1 }] : [];
}

export function targetGroupsInUse(tables: ElbTables): Set<string> {
  const used = new Set<string>();
  const add = (actions: readonly Action[]) => {
    for (const a of actions) for (const t of forwardTargets(a)) used.add(t.arn);
  };
  for (const l of tables.listeners.values()) add(l.value.defaultActions);
  for (const r of tables.rules.values()) add(r.value.actions);
  return used;
}
