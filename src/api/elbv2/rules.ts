// Listener rules: create with a unique priority (1-50000), describe (the listener's default rule last, as
// `default`), modify (the default rule's actions are the listener's default actions), delete, and reprioritize.
import type {
  CreateRuleInput, CreateRuleOutput, DeleteRuleInput, DescribeRulesInput, DescribeRulesOutput, ModifyRuleInput,
  ModifyRuleOutput, Rule, SetRulePrioritiesInput, SetRulePrioritiesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElbValidationError, OperationNotPermitted, PriorityInUse, RuleNotFound, TooManyRules } from '../../domain/errors.js';
import { first, type ListenerRecord, type RuleRecord } from '../../lb/tables.js';
import { Txn } from '../../store/cache.js';
import { normalizeActions, normalizeConditions } from './actions.js';
import { checkNewTags, type ElbContext, newId, page } from './context.js';
import { defaultRule, defaultRuleArn, presentRule } from './present.js';

const MAX_RULES = 100;

function checkPriority(p: number | undefined): number {
  if (p === undefined || !Number.isInteger(p) || p < 1 || p > 50000) throw new ElbValidationError(`Priority '${p}' must be between 1 and 50000`);
  return p;
}

export function ruleOperations(elb: ElbContext) {
  const { tables } = elb;
  const rulesOf = (listenerArn: string) => [...tables.rules.byIndex('listener', listenerArn)];
  /** The listener whose default rule has this ARN. */
  const defaultOf = (ruleArn: string): { id: string; modRevision: number; value: ListenerRecord } | undefined => {
    for (const l of tables.listeners.values()) if (defaultRuleArn(l.value) === ruleArn) return l;
    return undefined;
  };
  return {
    async CreateRule(input: CreateRuleInput): Promise<CreateRuleOutput> {
      const priority = checkPriority(input.Priority);
      const tags = checkNewTags(input.Tags);
      const conditions = normalizeConditions(input.Conditions);
      return elb.cache.update(() => {
        const l = elb.listener(input.ListenerArn);
        const actions = normalizeActions(elb, input.Actions);
        const rules = rulesOf(l.value.arn);
        if (rules.some((r) => r.value.priority === priority)) throw new PriorityInUse(`Priority '${priority}' is currently in use`);
        if (rules.length >= MAX_RULES) throw new TooManyRules(`A listener can have at most ${MAX_RULES} rules`);
        const id = newId();
        const rec: RuleRecord = { arn: l.value.arn.replace(':listener/', ':listener-rule/') + '/' + id, listenerArn: l.value.arn, priority, conditions, actions, tags };
        const txn = new Txn().guard(tables.listeners, l.id, l.modRevision).put(tables.rules, id, rec, 0);
        for (const r of rules) txn.guard(tables.rules, r.id, r.modRevision);
        return { txn, result: { Rules: [presentRule(rec)] } };
      });
    },

    DescribeRules(input: DescribeRulesInput): DescribeRulesOutput {
      let all: Rule[];
      if (input.RuleArns?.length) {
        all = input.RuleArns.map((arn) => {
          const l = defaultOf(arn);
          return l ? defaultRule(l.value) : presentRule(elb.rule(arn).value);
        });
      } else if (input.ListenerArn) {
        const l = elb.listener(input.ListenerArn).value;
        all = rulesOf(l.arn).map((r) => r.value).sort((a, b) => a.priority - b.priority).map(presentRule);
        all.push(defaultRule(l));
      } else throw new ElbValidationError('You must specify either listener ARNs or rule ARNs');
      const p = page(all, input.Marker, input.PageSize);
      return { Rules: p.items, NextMarker: p.next };
    },

    async ModifyRule(input: ModifyRuleInput): Promise<ModifyRuleOutput> {
      const conditions = input.Conditions ? normalizeConditions(input.Conditions) : undefined;
      return elb.cache.update(() => {
        const l = defaultOf(input.RuleArn!);
        if (l) {
          if (conditions) throw new OperationNotPermitted('The default rule cannot have conditions');
          const next = { ...l.value, defaultActions: input.Actions ? normalizeActions(elb, input.Actions) : l.value.defaultActions };
          return { txn: new Txn().put(tables.listeners, l.id, next, l.modRevision), result: { Rules: [defaultRule(next)] } };
        }
        const row = elb.rule(input.RuleArn);
        const next: RuleRecord = {
          ...row.value, conditions: conditions ?? row.value.conditions,
          actions: input.Actions ? normalizeActions(elb, input.Actions) : row.value.actions,
        };
        return { txn: new Txn().put(tables.rules, row.id, next, row.modRevision), result: { Rules: [presentRule(next)] } };
      });
    },

    async DeleteRule(input: DeleteRuleInput): Promise<object> {
      if (defaultOf(input.RuleArn!)) throw new OperationNotPermitted('Default rule cannot be deleted');
      await elb.cache.update(() => {
        const row = elb.rule(input.RuleArn);
        return { txn: new Txn().delete(tables.rules, row.id, row.modRevision), result: undefined };
      });
      return {};
    },

    async SetRulePriorities(input: SetRulePrioritiesInput): Promise<SetRulePrioritiesOutput> {
      return elb.cache.update(() => {
        const txn = new Txn();
        const changed = new Map<string, RuleRecord>();
        for (const rp of input.RulePriorities ?? []) {
          if (defaultOf(rp.RuleArn!)) throw new OperationNotPermitted('The default rule\'s priority cannot be changed');
          const row = first(tables.rules.byIndex('arn', rp.RuleArn!));
          if (!row) throw new RuleNotFound('One or more rules not found');
          changed.set(row.id, { ...row.value, priority: checkPriority(rp.Priority) });
        }
        const listeners = new Set([...changed.values()].map((r) => r.listenerArn));
        for (const la of listeners) {
          const seen = new Map<number, string>();
          for (const row of rulesOf(la)) {
            const r = changed.get(row.id) ?? row.value;
            if (seen.has(r.priority)) throw new PriorityInUse(`Priority '${r.priority}' is currently in use`);
            seen.set(r.priority, row.id);
            if (changed.has(row.id)) txn.put(tables.rules, row.id, r, row.modRevision);
            else txn.guard(tables.rules, row.id, row.modRevision);
          }
        }
        return { txn, result: { Rules: [...changed.values()].sort((a, b) => a.priority - b.priority).map(presentRule) } };
      });
    },
  };
}

