// Why this exists: the JSON filter pattern language: `{ SELECTOR OP VALUE }` joined by && and || with parentheses,
// selectors `$.a.b[0]`, `$.*` not supported, and `IS TRUE|FALSE|NULL`, `NOT EXISTS`. Messages that are not JSON
// objects never match.
import { InvalidParameter } from '../domain/errors.js';
import { valueTest } from './pattern.js';

type Pred = (doc: unknown) => boolean;

const TOKEN = /\s*(\(|\)|&&|\|\||!=|<=|>=|=|<|>|"(?:[^"\\]|\\.)*"|IS\s+TRUE|IS\s+FALSE|IS\s+NULL|NOT\s+EXISTS|[^\s()=!<>&|"]+)/gy;

export function compileJsonPattern(p: string): (message: string) => boolean {
  const body = p.trim().replace(/^\{/, '').replace(/\}$/, '');
  const tokens: string[] = [];
  let pos = 0;
  for (;;) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(body);
    if (!m) break;
    tokens.push(m[1]!);
    pos = TOKEN.lastIndex;
  }
  if (body.slice(pos).trim()) throw new InvalidParameter(`Invalid JSON filter pattern: ${p}`);
  let i = 0;
  const fail = (): never => {
    throw new InvalidParameter(`Invalid JSON filter pattern: ${p}`);
  };
  const comparison = (): Pred => {
    if (tokens[i] === '(') {
      i++;
      const e = or();
      if (tokens[i++] !== ')') fail();
      return e;
    }
    const sel = tokens[i++];
    if (!sel?.startsWith('$')) return fail();
    const get = selector(sel);
    const op = tokens[i++] ?? fail();
    if (/^IS\s+TRUE$/.test(op)) return (d) => get(d) === true;
    if (/^IS\s+FALSE$/.test(op)) return (d) => get(d) === false;
    if (/^IS\s+NULL$/.test(op)) return (d) => get(d) === null;
    if (/^NOT\s+EXISTS$/.test(op)) return (d) => get(d) === undefined;
    const test = valueTest(op, tokens[i++] ?? fail());
    return (d) => test(get(d));
  };
  const and = (): Pred => {
    let e = comparison();
    while (tokens[i] === '&&') {
      i++;
      const l = e;
      const r = comparison();
      e = (d) => l(d) && r(d);
    }
    return e;
  };
  const or = (): Pred => {
    let e = and();
    while (tokens[i] === '||') {
      i++;
      const l = e;
      const r = and();
      e = (d) => l(d) || r(d);
    }
    return e;
  };
  const pred = or();
  if (i !== tokens.length) fail();
  return (message) => {
    const t = message.trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return false;
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch {
      return false;
    }
    return pred(doc);
  };
}

function selector(sel: string): (doc: unknown) => unknown {
  const parts: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/gy;
  re.lastIndex = 1;
  let m: RegExpExecArray | null;
  while (re.lastIndex < sel.length && (m = re.exec(sel))) parts.push(m[1] !== undefined ? m[1] : Number(m[2]));
  if (re.lastIndex !== sel.length && parts.length === 0) throw new InvalidParameter(`Invalid JSON selector ${sel}`);
  return (doc) => {
    let v: unknown = doc;
    for (const k of parts) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string | number, unknown>)[k];
    }
    return v;
  };
}
