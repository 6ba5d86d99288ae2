// Parsed expressions by text. A service's memberOf expression is re-read on every placement, and parsing it
// each time would cost more than evaluating it; bounded so arbitrary filters cannot grow it without end.

import { parseExpression, type ParseResult } from './parser.js';

const LIMIT = 1024;
const cache = new Map<string, ParseResult>();

export function parseExpressionCached(text: string): ParseResult {
  let r = cache.get(text);
  if (r === undefined) {
    if (cache.size >= LIMIT) cache.clear();
    r = parseExpression(text);
    cache.set(text, r);
  }
  return r;
}
