// `memberOf` constraints: the instance must satisfy a cluster query language expression. Binding, unlike
// strategies. Expressions are parsed once (cached by text); a bad one is the caller's InvalidParameterException.

import { dependsOnTasks, type Expression } from '../cql/ast.js';
import { parseExpressionCached } from '../cql/cache.js';
import { evaluate } from '../cql/evaluate.js';
import { Reason } from '../reasons.js';
import type { Stage } from './stage.js';

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

export function parseConstraint(text: string): Expression {
  const r = parseExpressionCached(text);
  if (!r.ok) throw new ExpressionError(r.error);
  return r.expression;
}

/**
 * Splits expressions into those that only an instance update can change (attributes, ids, registration time:
 * cacheable per instance) and those that placing tasks changes (task:group, runningTasksCount: re-evaluated).
 */
export function memberOfStages(expressions: readonly Expression[]): { fixed?: Stage; live?: Stage } {
  const fixed = expressions.filter((e) => !dependsOnTasks(e));
  const live = expressions.filter((e) => dependsOnTasks(e));
  return { fixed: stageOf(fixed), live: stageOf(live) };
}

function stageOf(exprs: readonly Expression[]): Stage | undefined {
  if (exprs.length === 0) return undefined;
  return (s) => {
    for (const e of exprs) if (!evaluate(e, s)) return Reason.MEMBER_OF;
    return undefined;
  };
}
