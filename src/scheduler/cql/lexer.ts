// The cluster query language's tokenizer. Values are bare words full of characters that are operators elsewhere
// (`us-east-1a`, `t2.*`, `2018-06-18T22:28:28+00:00`, `(t2|m5).*`), so the lexer is pulled by the parser, which
// says what it expects next (a keyword, a subject, an operator, a value); each read is one token.

export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

/** Characters of subjects and keywords: attribute names allow letters, digits, `-`, `_`, `/`, `\`, `.`, and `:`. */
const WORD = /[A-Za-z0-9_.:\-/\\]/;

export class Lexer {
  private pos = 0;

  constructor(readonly text: string) {}

  get position(): number {
    return this.pos;
  }

  fail(message: string, at = this.pos): never {
    throw new QuerySyntaxError(`${message} at position ${at + 1} of "${this.text}"`, at);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  /** Consumes `s` if the input continues with it (after spaces). */
  eat(s: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  /** Consumes the keyword `word` (case-insensitive) if it stands alone, e.g. `and` but not `android`. */
  eatKeyword(word: string): boolean {
    this.skipSpace();
    const end = this.pos + word.length;
    if (this.text.slice(this.pos, end).toLowerCase() !== word) return false;
    if (end < this.text.length && WORD.test(this.text[end]!)) return false;
    this.pos = end;
    return true;
  }

  /** Reads a subject or word operator; empty string if none is there. */
  word(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.text.length && WORD.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Reads a symbolic operator (`==`, `!=`, `>=`, `<=`, `>`, `<`, `=~`, `!~`, `!in`, `!exists`), or ''. */
  symbol(): string {
    this.skipSpace();
    for (const s of ['!exists', '!in', '==', '!=', '>=', '<=', '=~', '!~', '>', '<']) {
      if (!this.text.startsWith(s, this.pos)) continue;
      const end = this.pos + s.length;
      // `!in` and `!exists` are words: `!inside` is not `!in` followed by `side`.
      if (/[a-z]$/.test(s) && end < this.text.length && WORD.test(this.text[end]!)) continue;
      this.pos = end;
      return s;
    }
    return '';
  }

  /**
   * Reads one literal: quoted ('...' or "...", backslash escapes the quote) or bare. A bare value runs to
   * whitespace, to `&&`/`||`, to a `)` that closes an outer group, and inside a list to `,` or `]`; parentheses
   * and brackets that open inside the value (regex groups and classes) are kept with it.
   */
  value(inList: boolean): string {
    this.skipSpace();
    const start = this.pos;
    const q = this.text[this.pos];
    if (q === "'" || q === '"') return this.quoted(q);
    let depth = 0;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (/\s/.test(c)) break;
      if (this.text.startsWith('&&', this.pos) || this.text.startsWith('||', this.pos)) break;
      if (c === '(' || (c === '[' && !inList)) depth++;
      else if (c === ')' || (c === ']' && !inList)) {
        if (depth === 0) break;
        depth--;
      } else if (inList && (c === ',' || c === ']')) break;
      this.pos++;
    }
    if (this.pos === start) this.fail('expected a value');
    return this.text.slice(start, this.pos);
  }

  private quoted(q: string): string {
    const start = this.pos;
    let out = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++]!;
      if (c === q) return out;
      if (c === '\\' && this.pos < this.text.length) {
        const n = this.text[this.pos]!;
        // Only the quote and the backslash are escapes; `\d` in a quoted regex stays `\d`.
        if (n === q || n === '\\') {
          out += n;
          this.pos++;
          continue;
        }
      }
      out += c;
    }
    this.fail('unterminated quoted value', start);
  }
}
