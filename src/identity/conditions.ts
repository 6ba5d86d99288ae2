// Condition operators of IAM policies, over the request context keys Wharf can provide (see context.ts). A key's
// name is case-insensitive; a key absent from the request matches only negated operators and `...IfExists`.
import { wildcard, type Matcher } from './wildcard.js';

/** Request context: lowercased key -> its values (a Map will do). */
export interface RequestContext {
  get(key: string): readonly string[] | undefined;
}

export type CompiledCondition = (ctx: RequestContext) => boolean;

type Test = (patterns: readonly string[]) => (value: string) => boolean;

const exact: Test = (ps) => (v) => ps.includes(v);
const exactIgnoreCase: Test = (ps) => {
  const lower = ps.map((p) => p.toLowerCase());
  return (v) => lower.includes(v.toLowerCase());
};
const like: Test = (ps) => {
  const ms: Matcher[] = ps.map((p) => wildcard(p));
  return (v) => ms.some((m) => m(v));
};
const bool: Test = (ps) => (v) => ps.some((p) => p.toLowerCase() === v.toLowerCase());

/** Operator -> how a value is tested, and whether the operator is negated. */
const OPERATORS: Record<string, { test: Test; negated: boolean }> = {
  StringEquals: { test: exact, negated: false },
  StringNotEquals: { test: exact, negated: true },
  StringEqualsIgnoreCase: { test: exactIgnoreCase, negated: false },
  StringNotEqualsIgnoreCase: { test: exactIgnoreCase, negated: true },
  StringLike: { test: like, negated: false },
  StringNotLike: { test: like, negated: true },
  ArnEquals: { test: like, negated: false },
  ArnLike: { test: like, negated: false },
  ArnNotEquals: { test: like, negated: true },
  ArnNotLike: { test: like, negated: true },
  Bool: { test: bool, negated: false },
};

export const CONDITION_OPERATORS: ReadonlySet<string> = new Set([...Object.keys(OPERATORS), 'Null']);

/** One operator over one key, e.g. `StringLike` / `aws:username` / `["dev-*"]`. */
export function compileCondition(operator: string, key: string, patterns: readonly string[]): CompiledCondition {
  const setOp = operator.startsWith('ForAnyValue:') ? 'any' : operator.startsWith('ForAllValues:') ? 'all' : undefined;
  let op = setOp ? operator.slice(operator.indexOf(':') + 1) : operator;
  const ifExists = op.endsWith('IfExists');
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  const name = key.toLowerCase();
  if (op === 'Null') {
    const wantAbsent = patterns.some((p) => p.toLowerCase() === 'true');
    return (ctx) => (ctx.get(name) === undefined) === wantAbsent;
  }
  const spec = OPERATORS[op];
  if (!spec) return () => false; // parsePolicy refuses unknown operators; nothing unknown is ever allowed
  const test = spec.test(patterns);
  const one = spec.negated ? (v: string) => !test(v) : test;
  return (ctx) => {
    const values = ctx.get(name);
    if (values === undefined || values.length === 0) {
      if (setOp === 'all') return true;
      return ifExists || (spec.negated && setOp === undefined);
    }
    if (setOp === 'all') return values.every(one);
    return spec.negated && setOp === undefined ? values.every(one) : values.some(one);
  };
}
