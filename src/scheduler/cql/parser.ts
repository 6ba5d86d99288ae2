// Recursive-descent parser for ECS's cluster query language (memberOf constraints, ListContainerInstances
// `filter`). Grammar, loosest binding first, as ECS documents it:
//
//   expression := and ( ("or" | "||") and )*
//   and        := unary ( ("and" | "&&") unary )*
//   unary      := ("not" | "!") unary | "(" expression ")" | comparison
//   comparison := subject operator [ value | "[" value ("," value)* "]" ]
//
// Each built-in subject accepts only the operators ECS lists for it, so mistakes surface as errors, not as
// constraints that silently match nothing.

import type { Comparison, Expression, Literal, Operator, Subject, SubjectKind } from './ast.js';
import { Lexer, QuerySyntaxError } from './lexer.js';
import { parseDate } from './values.js';

export type ParseResult = { ok: true; expression: Expression } | { ok: false; error: string; position: number };

const OPERATOR_WORDS: Readonly<Record<string, Operator>> = {
  equals: '==', not_equals: '!=', greater_than: '>', greater_than_equal: '>=', less_than: '<',
  less_than_equal: '<=', exists: 'exists', not_exists: '!exists', in: 'in', not_in: '!in', matches: '=~',
  not_matches: '!~',
};

const EQUALITY: readonly Operator[] = ['==', '!=', 'in', '!in', '=~', '!~'];
const ORDERING: readonly Operator[] = ['==', '!=', '>', '>=', '<', '<='];
const ALL: readonly Operator[] = [...EQUALITY, '>', '>=', '<', '<=', 'exists', '!exists'];

/** Valid operators per subject, from ECS's cluster query language reference (task:group is not listed there). */
const VALID: Readonly<Record<SubjectKind, readonly Operator[]>> = {
  attribute: ALL,
  agentConnected: EQUALITY,
  agentVersion: ORDERING,
  ec2InstanceId: EQUALITY,
  registeredAt: ORDERING,
  runningTasksCount: ORDERING,
  taskGroup: [...EQUALITY, 'exists', '!exists'],
};

const NAMED: Readonly<Record<string, Subject>> = {
  agentConnected: { kind: 'agentConnected' },
  agentVersion: { kind: 'agentVersion' },
  ec2InstanceId: { kind: 'ec2InstanceId' },
  registeredAt: { kind: 'registeredAt' },
  runningTasksCount: { kind: 'runningTasksCount' },
  'task:group': { kind: 'taskGroup' },
};

/** Parses a cluster query language expression. Never throws: syntax errors come back as a message. */
export function parseExpression(text: string): ParseResult {
  try {
    const lx = new Lexer(text);
    if (lx.atEnd()) lx.fail('empty expression');
    const expression = parseOr(lx);
    if (!lx.atEnd()) lx.fail(`unexpected "${text.slice(lx.position, lx.position + 10)}"`);
    return { ok: true, expression };
  } catch (e) {
    if (e instanceof QuerySyntaxError) return { ok: false, error: e.message, position: e.position };
    throw e;
  }
}

function parseOr(lx: Lexer): Expression {
  let left = parseAnd(lx);
  while (lx.eat('||') || lx.eatKeyword('or')) left = { kind: 'or', left, right: parseAnd(lx) };
  return left;
}

function parseAnd(lx: Lexer): Expression {
  let left = parseUnary(lx);
  while (lx.eat('&&') || lx.eatKeyword('and')) left = { kind: 'and', left, right: parseUnary(lx) };
  return left;
}

function parseUnary(lx: Lexer): Expression {
  if (lx.atEnd()) lx.fail('expected an expression');
  if (lx.eatKeyword('not') || lx.eat('!')) return { kind: 'not', operand: parseUnary(lx) };
  if (lx.eat('(')) {
    const inner = parseOr(lx);
    if (!lx.eat(')')) lx.fail('expected ")"');
    return inner;
  }
  return parseComparison(lx);
}

function parseComparison(lx: Lexer): Comparison {
  lx.skipSpace();
  const at = lx.position;
  const subject = parseSubject(lx);
  lx.skipSpace();
  const opAt = lx.position;
  const op = (lx.symbol() as Operator | '') || own(OPERATOR_WORDS, lx.word());
  if (!op) lx.fail(`expected an operator after ${describe(subject)}`, opAt);
  if (!VALID[subject.kind].includes(op)) {
    lx.fail(`operator ${op} is not valid for ${describe(subject)} (valid: ${VALID[subject.kind].join(' ')})`, opAt);
  }
  if (op === 'exists' || op === '!exists') return { kind: 'compare', subject, op };
  if (op === 'in' || op === '!in') return { kind: 'compare', subject, op, list: parseList(lx, subject) };
  if (lx.atEnd()) lx.fail(`expected a value after ${op}`);
  const value = literal(lx, subject, lx.value(false), at);
  if (op !== '=~' && op !== '!~') return { kind: 'compare', subject, op, value };
  try {
    // Java's Pattern.matches() semantics: the whole value must match.
    return { kind: 'compare', subject, op, value, regex: new RegExp(`^(?:${value.text})$`) };
  } catch {
    return lx.fail(`invalid regular expression "${value.text}"`);
  }
}

function parseSubject(lx: Lexer): Subject {
  lx.skipSpace();
  const at = lx.position;
  const w = lx.word();
  if (w.startsWith('attribute:')) {
    const name = w.slice('attribute:'.length);
    if (!name) lx.fail('expected an attribute name after "attribute:"', at);
    return { kind: 'attribute', name };
  }
  const subject = own(NAMED, w);
  if (!subject) {
    lx.fail(
      w ? `unknown subject "${w}" (expected attribute:NAME, agentConnected, agentVersion, ec2InstanceId, ` +
        'registeredAt, runningTasksCount or task:group)' : 'expected a subject',
      at,
    );
  }
  return subject;
}

function parseList(lx: Lexer, subject: Subject): Literal[] {
  lx.skipSpace();
  const at = lx.position;
  if (!lx.eat('[')) lx.fail('expected "[" to open the argument list');
  const out: Literal[] = [];
  if (lx.eat(']')) return out;
  do out.push(literal(lx, subject, lx.value(true), at));
  while (lx.eat(','));
  if (!lx.eat(']')) lx.fail('expected "," or "]" in the argument list');
  return out;
}

/** Reads the literal the way its subject needs it, so a bad date or count is a parse error, not a silent false. */
function literal(lx: Lexer, subject: Subject, text: string, at: number): Literal {
  if (subject.kind === 'runningTasksCount') {
    if (!/^\d+$/.test(text)) lx.fail(`runningTasksCount needs a whole number, got "${text}"`, at);
    return { text, number: Number(text) };
  }
  if (subject.kind === 'registeredAt') {
    const ms = parseDate(text);
    if (ms === undefined) {
      lx.fail(`registeredAt needs a date like 2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, ` +
        `2018-06-18T22:28:28 or 2018-06-18, got "${text}"`, at);
    }
    return { text, number: ms };
  }
  if (subject.kind === 'agentConnected' && text !== 'true' && text !== 'false') {
    lx.fail(`agentConnected is true or false, got "${text}"`, at);
  }
  return { text };
}

/** Looks `key` up in a table without reaching into Object.prototype (`constructor` is no operator). */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function describe(s: Subject): string {
  return s.kind === 'attribute' ? `attribute:${s.name}` : s.kind === 'taskGroup' ? 'task:group' : s.kind;
}
