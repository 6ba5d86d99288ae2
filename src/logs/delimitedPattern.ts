// Why this exists: space-delimited filter patterns for access-log style lines: `[ip, id, user, ..., status = 4*,
// size > 1000]`. Fields are split on spaces, "quoted" and [bracketed] fields stay whole; `...` matches any number.
import { InvalidParameter } from '../domain/errors.js';
import { valueTest } from './pattern.js';

interface Field {
  ellipsis: boolean;
  test?: (v: unknown) => boolean;
}

export function compileDelimitedPattern(p: string): (message: string) => boolean {
  const inner = p.trim();
  if (!inner.endsWith(']')) throw new InvalidParameter(`Invalid filter pattern: ${p}`);
  const fields: Field[] = inner.slice(1, -1).split(',').map((f) => {
    const t = f.trim();
    if (t === '...') return { ellipsis: true };
    const m = /^[A-Za-z_][\w]*\s*(!=|<=|>=|=|<|>)\s*(.+)$/.exec(t);
    if (m) return { ellipsis: false, test: valueTest(m[1]!, m[2]!.trim()) };
    if (/^[A-Za-z_][\w]*$/.test(t) || t === '') return { ellipsis: false };
    throw new InvalidParameter(`Invalid filter pattern field: ${t}`);
  });
  return (message) => matchFrom(fields, 0, split(message), 0);
}

function matchFrom(fields: Field[], fi: number, words: string[], wi: number): boolean {
  if (fi === fields.length) return wi === words.length;
  const f = fields[fi]!;
  if (f.ellipsis) {
    for (let k = wi; k <= words.length; k++) if (matchFrom(fields, fi + 1, words, k)) return true;
    return false;
  }
  if (wi >= words.length) return false;
  if (f.test && !f.test(words[wi])) return false;
  return matchFrom(fields, fi + 1, words, wi + 1);
}

function split(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|\[([^\]]*)\]|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}
