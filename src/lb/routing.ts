// The routing view of each listener: its rules in priority order with the default rule last, compiled once from the
// store and rebuilt when the store changes, so a request only walks a small array.
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { idleTimeoutMs } from './attributes.js';
import { ruleMatches, type RequestFacts } from './conditions.js';
import { first, type ElbTables, type ListenerRecord, type LoadBalancerRecord } from './tables.js';

export interface Route {
  conditions: RuleCondition[];
  /** The action that answers: the last one by Order (forward, fixed-response or redirect). */
  action: Action;
}

export interface ListenerView {
  lb: LoadBalancerRecord;
  listener: ListenerRecord;
  routes: Route[];
  idleMs: number;
  xffMode: 'append' | 'preserve' | 'remove';
}

export function finalAction(actions: readonly Action[]): Action {
  return [...actions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0))[actions.length - 1]!;
}

/** As literals: requests compare against them, and literal strings compare by identity. */
function xffMode(value: string | undefined): ListenerView['xffMode'] {
  return value === 'preserve' ? 'preserve' : value === 'remove' ? 'remove' : 'append';
}

export class RouteTable {
  private readonly views = new Map<string, ListenerView | null>();

  constructor(private readonly tables: ElbTables) {}

  invalidate(): void {
    this.views.clear();
  }

  /** The view of a listener by its table id, or undefined when it (or its load balancer) is gone. */
  view(listenerId: string): ListenerView | undefined {
    const cached = this.views.get(listenerId);
    if (cached !== undefined) return cached ?? undefined;
    const v = this.build(listenerId);
    this.views.set(listenerId, v ?? null);
    return v;
  }

  private build(listenerId: string): ListenerView | undefined {
    const listener = this.tables.listeners.get(listenerId)?.value;
    const lb = listener && first(this.tables.loadBalancers.byIndex('arn', listener.loadBalancerArn))?.value;
    if (!listener || !lb) return undefined;
    const rules = [...this.tables.rules.byIndex('listener', listener.arn)].map((r) => r.value).sort((a, b) => a.priority - b.priority);
    const routes: Route[] = rules.map((r) => ({ conditions: r.conditions, action: finalAction(r.actions) }));
    routes.push({ conditions: [], action: finalAction(listener.defaultActions) });
    return {
      lb, listener, routes,
      idleMs: idleTimeoutMs(lb.attributes),
      xffMode: xffMode(lb.attributes['routing.http.xff_header_processing.mode']),
    };
  }
}

export function route(view: ListenerView, facts: RequestFacts): Action {
  for (const r of view.routes) if (ruleMatches(r.conditions, facts)) return r.action;
  return view.routes[view.routes.length - 1]!.action;
}
