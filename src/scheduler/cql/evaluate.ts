// Evaluates a parsed cluster query against one container instance. Shared by memberOf constraints and by
// ListContainerInstances' `filter`, so both agree on what an expression means.

import type { InstanceView } from '../types.js';
import type { Comparison, Expression, Literal } from './ast.js';
import { compareValues, compareVersions } from './values.js';

/** The instance facts a query can read; an InstanceView is one. */
export type QueryTarget = Pick<
  InstanceView,
  'ec2InstanceId' | 'registeredAt' | 'agentConnected' | 'agentVersion' | 'attributes' | 'runningTasksCount' | 'taskGroups'
>;

export function evaluate(e: Expression, target: QueryTarget): boolean {
  switch (e.kind) {
    case 'and':
      return evaluate(e.left, target) && evaluate(e.right, target);
    case 'or':
      return evaluate(e.left, target) || evaluate(e.right, target);
    case 'not':
      return !evaluate(e.operand, target);
    case 'compare':
      return e.subject.kind === 'taskGroup' ? compareGroups(e, target) : compareOne(e, target);
  }
}

/** A single-valued subject: absent values (no such attribute, no agent version) satisfy only the negative forms. */
function compareOne(c: Comparison, t: QueryTarget): boolean {
  const s = c.subject;
  if (c.op === 'exists' || c.op === '!exists') {
    const has = s.kind === 'attribute' ? t.attributes.has(s.name) : subjectText(c, t) !== undefined;
    return has === (c.op === 'exists');
  }
  const actual = subjectText(c, t);
  switch (c.op) {
    case '==':
      return actual !== undefined && equal(c, actual, c.value!, t);
    case '!=':
      return actual === undefined || !equal(c, actual, c.value!, t);
    case 'in':
      return actual !== undefined && c.list!.some((v) => equal(c, actual, v, t));
    case '!in':
      return actual === undefined || !c.list!.some((v) => equal(c, actual, v, t));
    case '=~':
      return actual !== undefined && c.regex!.test(actual);
    case '!~':
      return actual === undefined || !c.regex!.test(actual);
    default:
      return actual !== undefined && ordered(c.op, order(c, actual, c.value!, t));
  }
}

/**
 * task:group is many-valued (every group with a task on the instance): the positive operators hold if some
 * group satisfies them, the negative ones if none does, so `task:group != database` is `not(task:group == database)`.
 */
function compareGroups(c: Comparison, t: QueryTarget): boolean {
  const has = (g: string) => (t.taskGroups.get(g) ?? 0) > 0;
  switch (c.op) {
    case 'exists':
    case '!exists':
      return someGroup(t, () => true) === (c.op === 'exists');
    case '==':
    case '!=':
      return has(c.value!.text) === (c.op === '==');
    case 'in':
    case '!in':
      return c.list!.some((v) => has(v.text)) === (c.op === 'in');
    case '=~':
    case '!~':
      return someGroup(t, (g) => c.regex!.test(g)) === (c.op === '=~');
    default:
      return false;
  }
}

function someGroup(t: QueryTarget, p: (g: string) => boolean): boolean {
  for (const [g, n] of t.taskGroups) if (n > 0 && p(g)) return true;
  return false;
}

/** The subject's value as text, or undefined when the instance has none (no attribute value counts as none). */
function subjectText(c: Comparison, t: QueryTarget): string | undefined {
  const s = c.subject;
  switch (s.kind) {
    case 'attribute':
      return t.attributes.get(s.name);
    case 'agentConnected':
      return String(t.agentConnected);
    case 'agentVersion':
      return t.agentVersion;
    case 'ec2InstanceId':
      return t.ec2InstanceId;
    case 'registeredAt':
      return String(t.registeredAt);
    case 'runningTasksCount':
      return String(t.runningTasksCount);
    case 'taskGroup':
      return undefined;
  }
}

function equal(c: Comparison, actual: string, v: Literal, t: QueryTarget): boolean {
  return v.number !== undefined ? order(c, actual, v, t) === 0 : actual === v.text;
}

/** Sign of actual - literal, in the subject's own order (instants, counts, versions, or general values). */
function order(c: Comparison, actual: string, v: Literal, t: QueryTarget): number {
  switch (c.subject.kind) {
    case 'registeredAt':
      return t.registeredAt - v.number!;
    case 'runningTasksCount':
      return t.runningTasksCount - v.number!;
    case 'agentVersion':
      return compareVersions(actual, v.text);
    default:
      return compareValues(actual, v.text);
  }
}

function ordered(op: string, d: number): boolean {
  return op === '>' ? d > 0 : op === '>=' ? d >= 0 : op === '<' ? d < 0 : op === '<=' ? d <= 0 : false;
}
