// Why this exists: CloudWatch Logs filter patterns, compiled once per request into a matcher: terms (all must
// appear, case-sensitive), "quoted phrases", ?optional terms (any one), -excluded terms, JSON patterns
// (`{ $.level = "error" && $.ms > 100 }`) and space-delimited patterns (`[ip, user, ..., status = 5*]`).
// `required` lists substrings every match contains, so the store can prefilter in SQL.
import { InvalidParameter } from '../domain/errors.js';
import { compileJsonPattern } from './jsonPattern.js';
import { compileDelimitedPattern } from './delimitedPattern.js';

export interface CompiledPattern {
  match(message: string): boolean;
  required: string[];
}

export const MATCH_ALL: CompiledPattern = { match: () => true, required: [] };

export function compilePattern(pattern: string | undefined): CompiledPattern {
  const p = (pattern ?? '').trim();
  if (p === '' || p === '""') return MATCH_ALL;
  if (p.startsWith('{')) return { match: compileJsonPattern(p), required: [] };
  if (p.startsWith('[')) return { match: compileDelimitedPattern(p), required: [] };
  return compileTerms(p);
}

function compileTerms(p: string): CompiledPattern {
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  const re = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(p))) {
    consumed = re.lastIndex;
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    (m[1] === '?' ? any : m[1] === '-' ? none : all).push(term);
  }
  if (p.slice(consumed).trim()) throw new InvalidParameter('Invalid filter pattern: unbalanced quotes.');
  return {
    required: all,
    match: (msg) =>
      all.every((t) => msg.includes(t)) && (any.length === 0 || any.some((t) => msg.includes(t))) && !none.some((t) => msg.includes(t)),
  };
}

/** A value test shared by JSON and space-delimited patterns: `= x`, `!= "a b"`, `> 5`, wildcards with `*`. */
export function valueTest(op: string, raw: string): (v: unknown) => boolean {
  const quoted = /^"(.*)"$/.exec(raw);
  const text = quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : raw;
  const num = !quoted && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
  if (op === '<' || op === '>' || op === '<=' || op === '>=') {
    if (num === undefined) throw new InvalidParameter(`Invalid filter pattern: ${op} needs a number, got ${raw}.`);
    return (v) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isNaN(n)) return false;
      return op === '<' ? n < num : op === '>' ? n > num : op === '<=' ? n <= num : n >= num;
    };
  }
  let eq: (v: unknown) => boolean;
  if (num !== undefined) eq = (v) => (typeof v === 'number' ? v === num : typeof v === 'string' && v.trim() !== '' && Number(v) === num);
  else if (text.includes('*')) {
    const rx = new RegExp(`^${text.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
    eq = (v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && rx.test(String(v));
  } else eq = (v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && String(v) === text;
  if (op === '=') return eq;
  if (op === '!=') return (v) => v !== undefined && !eq(v);
  throw new InvalidParameter(`Invalid filter pattern: unknown operator ${op}.`);
}
