// Policy documents: parsed and checked once (MalformedPolicyDocument for what IAM refuses), kept as the text the
// caller sent, and compiled into matchers the evaluator runs without re-reading any JSON.
import { IamMalformedPolicyDocument as MalformedPolicyDocument } from '../domain/errors.js';
import { CONDITION_OPERATORS, compileCondition, type CompiledCondition } from './conditions.js';
import { anyOf, type Matcher } from './wildcard.js';

export type Effect = 'Allow' | 'Deny';

export interface CompiledStatement {
  effect: Effect;
  /** Whether the action is covered (Action, or the complement of NotAction). */
  action: Matcher;
  resource: Matcher;
  conditions: CompiledCondition[];
}

export interface CompiledPolicy {
  statements: CompiledStatement[];
  /** Whether a condition reads the clock (aws:CurrentTime, aws:EpochTime): its decisions cannot be remembered. */
  readsClock: boolean;
}

const CLOCK_KEYS = new Set(['aws:currenttime', 'aws:epochtime']);

/** Identity policies (user, role, managed) or a role's trust policy, which IAM checks by other rules. */
export type PolicyKind = 'identity' | 'trust';

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const TOP_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition',
]);

interface RawStatement {
  Sid?: unknown;
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: unknown;
}

export interface ParsedPolicy {
  statements: RawStatement[];
}

const malformed = (message: string) => new MalformedPolicyDocument(message);

/** Parses and checks a policy document as IAM does before storing it; throws MalformedPolicyDocument. */
export function parsePolicy(text: string, kind: PolicyKind = 'identity'): ParsedPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed('Syntax errors in policy.');
  }
  if (!isObject(doc)) throw malformed('Syntax errors in policy.');
  for (const k of Object.keys(doc)) if (!TOP_FIELDS.has(k)) throw malformed('Syntax errors in policy.');
  if (doc.Version !== undefined && (typeof doc.Version !== 'string' || !VERSIONS.has(doc.Version))) {
    throw malformed('The policy must contain a valid version string');
  }
  if (doc.Statement === undefined) throw malformed('Syntax errors in policy.');
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (list.length === 0) throw malformed('Syntax errors in policy.');
  const sids = new Set<string>();
  for (const s of list) {
    if (!isObject(s)) throw malformed('Syntax errors in policy.');
    for (const k of Object.keys(s)) if (!STATEMENT_FIELDS.has(k)) throw malformed('Syntax errors in policy.');
    checkStatement(s as RawStatement, kind, sids);
  }
  return { statements: list as RawStatement[] };
}

function checkStatement(s: RawStatement, kind: PolicyKind, sids: Set<string>): void {
  if (s.Sid !== undefined) {
    if (typeof s.Sid !== 'string') throw malformed('Syntax errors in policy.');
    if (s.Sid !== '' && sids.has(s.Sid)) throw malformed('Statement IDs (SID) in a single policy must be unique.');
    sids.add(s.Sid);
  }
  if (s.Effect === undefined) throw malformed('Missing required field Effect');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed('Invalid effect: ' + String(s.Effect));
  if (s.Action === undefined && s.NotAction === undefined) throw malformed('Missing required field Action');
  if (s.Action !== undefined && s.NotAction !== undefined) throw malformed('Syntax errors in policy.');
  for (const a of strings(s.Action ?? s.NotAction)) {
    if (a !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]*$/.test(a)) {
      throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    }
  }
  if (kind === 'identity') {
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) throw malformed('Policy document should not specify a principal.');
    if (s.Resource === undefined && s.NotResource === undefined) throw malformed('Policy statement must contain resources.');
    if (s.Resource !== undefined && s.NotResource !== undefined) throw malformed('Syntax errors in policy.');
    for (const r of strings(s.Resource ?? s.NotResource)) {
      if (r !== '*' && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$/.test(r) && !r.startsWith('arn:*')) {
        throw malformed(`Resource ${r} must be in ARN format or "*".`);
      }
    }
  } else {
    if (s.Resource !== undefined || s.NotResource !== undefined) throw malformed('Has prohibited field Resource');
    if (s.Principal === undefined && s.NotPrincipal === undefined) throw malformed('Missing required field Principal');
    checkPrincipal(s.Principal ?? s.NotPrincipal);
  }
  if (s.Condition !== undefined) {
    if (!isObject(s.Condition)) throw malformed('Syntax errors in policy.');
    for (const [op, block] of Object.entries(s.Condition)) {
      const base = op.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
      if (!CONDITION_OPERATORS.has(base)) throw malformed(`Invalid Condition type : ${op}.`);
      if (!isObject(block)) throw malformed('Syntax errors in policy.');
      for (const v of Object.values(block)) {
        const vs = Array.isArray(v) ? v : [v];
        if (vs.some((x) => typeof x !== 'string' && typeof x !== 'boolean' && typeof x !== 'number')) {
          throw malformed('Syntax errors in policy.');
        }
      }
    }
  }
}

function checkPrincipal(p: unknown): void {
  if (p === '*') return;
  if (!isObject(p)) throw malformed('Invalid principal in policy');
  for (const [k, v] of Object.entries(p)) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(k)) throw malformed('Invalid principal in policy');
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x !== 'string' || x === '') throw malformed('Invalid principal in policy');
  }
}

/** Compiles a checked identity policy for the evaluator. */
export function compilePolicy(parsed: ParsedPolicy): CompiledPolicy {
  const readsClock = parsed.statements.some((s) =>
    Object.values((s.Condition ?? {}) as Record<string, Record<string, unknown>>).some((block) =>
      Object.keys(block).some((k) => CLOCK_KEYS.has(k.toLowerCase())),
    ),
  );
  return {
    readsClock,
    statements: parsed.statements.map((s) => {
      const action = s.Action !== undefined ? anyOf(strings(s.Action), true) : not(anyOf(strings(s.NotAction), true));
      const resource = s.Resource !== undefined ? anyOf(strings(s.Resource)) : s.NotResource !== undefined ? not(anyOf(strings(s.NotResource))) : () => true;
      const conditions = Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([op, block]) =>
        Object.entries(block).map(([key, v]) => compileCondition(op, key, (Array.isArray(v) ? v : [v]).map(String))),
      );
      return { effect: s.Effect as Effect, action, resource, conditions };
    }),
  };
}

/** The principals a trust policy's statements name, for AssumeRole (Allow and Deny separately). */
export function trustPrincipals(
  parsed: ParsedPolicy,
): { effect: Effect; action: Matcher; aws: string[]; services: string[]; any: boolean; conditions: CompiledCondition[] }[] {
  return parsed.statements.map((s) => {
    const p = s.Principal;
    const named = (k: string) => {
      const v = p === '*' ? undefined : (p as Record<string, unknown> | undefined)?.[k];
      return v === undefined ? [] : strings(v);
    };
    const aws = named('AWS');
    const services = named('Service');
    const action = s.Action !== undefined ? anyOf(strings(s.Action), true) : not(anyOf(strings(s.NotAction), true));
    const conditions = Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([op, block]) =>
      Object.entries(block).map(([key, v]) => compileCondition(op, key, (Array.isArray(v) ? v : [v]).map(String))),
    );
    return { effect: s.Effect as Effect, action, aws, services, any: p === '*' || aws.includes('*'), conditions };
  });
}

const not = (m: Matcher): Matcher => (v) => !m(v);

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  throw malformed('Syntax errors in policy.');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
