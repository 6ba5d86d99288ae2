// ECS-style paging over a sorted list: maxResults bounds a page, nextToken is an opaque cursor after the last item.
import { InvalidParameter } from './errors.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  opts: { maxResults?: number; nextToken?: string; defaultMax?: number; limit?: number },
): Page<T> {
  const limit = opts.limit ?? 100;
  const max = opts.maxResults ?? opts.defaultMax ?? limit;
  if (!Number.isInteger(max) || max < 1 || max > limit) {
    throw new InvalidParameter(`maxResults must be between 1 and ${limit}.`);
  }
  let start = 0;
  if (opts.nextToken !== undefined) {
    const after = decodeToken(opts.nextToken);
    // The first item whose key sorts after the cursor: stable even if items were added or removed meanwhile.
    start = sorted.findIndex((i) => keyOf(i) > after);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + max);
  const more = start + max < sorted.length;
  return more ? { items, nextToken: encodeToken(keyOf(items[items.length - 1]!)) } : { items };
}

function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key })).toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw new InvalidParameter('Invalid nextToken.');
}
