// IAM's wildcard matching: `*` any run of characters, `?` any one character, everything else literal. Patterns are
// compiled once into a regular expression (or an exact string when they hold no wildcard).

export interface Matcher {
  (value: string): boolean;
}

/** Compiles an IAM pattern; `ignoreCase` for actions, which IAM compares case-insensitively. */
export function wildcard(pattern: string, ignoreCase = false): Matcher {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    if (!ignoreCase) return (v) => v === pattern;
    const lower = pattern.toLowerCase();
    return (v) => v.length === lower.length && v.toLowerCase() === lower;
  }
  let src = '^';
  for (const ch of pattern) {
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else src += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  const re = new RegExp(src + '$', ignoreCase ? 'is' : 's');
  return (v) => re.test(v);
}

/** Any of several patterns. */
export function anyOf(patterns: readonly string[], ignoreCase = false): Matcher {
  const ms = patterns.map((p) => wildcard(p, ignoreCase));
  if (ms.length === 1) return ms[0]!;
  return (v) => ms.some((m) => m(v));
}
