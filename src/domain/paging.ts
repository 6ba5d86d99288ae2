// ECS-style paging over a sorted list: maxResults bounds a page, nextToken is an opaque cursor after the last item.
import { InvalidParameter } from './errors.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Validates maxResults as paginate does; returns the page size. */
function pageSize(opts: { maxResults?: number; defaultMax?: number; limit?: number }): number {
  const limit = opts.limit ?? 100;
  const max = opts.maxResults ?? opts.defaultMax ?? limit;
  if (!Number.isInteger(max) || max < 1 || max > limit) {
    throw new InvalidParameter(`maxResults must be between 1 and ${limit}.`);
  }
  return max;
}

/**
 * The same page as paginate over the items sorted by key, from items in any order: the smallest `max` keys after
 * the cursor are picked in one pass (a bounded insertion list) instead of sorting every item for every page, which
 * made walking a list of thousands page by page quadratic (ListTasks over a cluster's tasks).
 */
export function pageOf<T>(
  items: Iterable<T>,
  keyOf: (item: T) => string,
  opts: { maxResults?: number; nextToken?: string; defaultMax?: number; limit?: number },
): Page<T> {
  const max = pageSize(opts);
  const after = opts.nextToken === undefined ? undefined : decodeToken(opts.nextToken);
  // The max + 1 smallest keys after the cursor, in order: one more than a page says whether another page follows.
  const keep: { key: string; item: T }[] = [];
  for (const item of items) {
    const key = keyOf(item);
    if (after !== undefined && !(key > after)) continue;
    if (keep.length > max && !(key < keep[max]!.key)) continue;
    let lo = 0;
    let hi = keep.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keep[mid]!.key < key) lo = mid + 1;
      else hi = mid;
    }
    keep.splice(lo, 0, { key, item });
    if (keep.length > max + 1) keep.pop();
  }
  const page = keep.slice(0, max).map((k) => k.item);
  return keep.length > max ? { items: page, nextToken: encodeToken(keep[max - 1]!.key) } : { items: page };
}

export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  opts: { maxResults?: number; nextToken?: string; defaultMax?: number; limit?: number },
): Page<T> {
  const max = pageSize(opts);
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
