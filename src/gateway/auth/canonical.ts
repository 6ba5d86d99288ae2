// The pieces of a SigV4 canonical request (URI, query, headers) rebuilt from the request exactly as it arrived.
// The client signed its own canonical form; any byte we derive differently is a false "signature does not match".

import { encodePath, normalizeQueryPart } from './encoding.js';

/** A query parameter, name and value both in canonical (normalized percent-encoded) form. */
export type QueryParam = [name: string, value: string];

/** Splits Node's req.url into raw path and raw query; tolerates the absolute form a proxy may send. */
export function splitUrl(url: string): { path: string; query: string } {
  if (url.charCodeAt(0) !== 47 /* / */) {
    const scheme = url.indexOf('://');
    if (scheme > 0) {
      let end = scheme + 3;
      while (end < url.length && url[end] !== '/' && url[end] !== '?') end++;
      url = url.slice(end); // drop "scheme://authority"; the path may now be empty
    }
  }
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/**
 * Drops empty, '.' and '..' segments the way the SDKs do before signing (AWS normalizes non-S3 paths), keeping a
 * leading and a trailing slash.
 */
export function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

/** The canonical URI: the raw path, normalized, then URI-encoded again with '/' kept. */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '/') return rawPath; // the JSON and query protocols always POST to "/"
  const path = rawPath === '' || rawPath.includes('//') || rawPath.includes('/.') || rawPath.charCodeAt(0) !== 47
    ? normalizePath(rawPath)
    : rawPath;
  return encodePath(path);
}

/** Parses a raw query string into canonical parameters, in arrival order, duplicates kept. */
export function parseQuery(query: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (query === '') return params;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    params.push(eq < 0
      ? [normalizeQueryPart(pair), '']
      : [normalizeQueryPart(pair.slice(0, eq)), normalizeQueryPart(pair.slice(eq + 1))]);
  }
  return params;
}

/** First value of a parameter (names compare exactly, as AWS does), still in canonical form. */
export function queryValue(params: readonly QueryParam[], name: string): string | undefined {
  for (const [k, v] of params) if (k === name) return v;
  return undefined;
}

const byNameThenValue = (a: QueryParam, b: QueryParam) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

/** The canonical query string: sorted by encoded name then value; `skip` drops the presigned X-Amz-Signature. */
export function canonicalQuery(params: readonly QueryParam[], skip?: string): string {
  if (params.length === 0) return '';
  const kept = skip === undefined ? params.slice() : params.filter((p) => p[0] !== skip);
  kept.sort(byNameThenValue);
  let out = '';
  for (let i = 0; i < kept.length; i++) out += (i === 0 ? '' : '&') + kept[i]![0] + '=' + kept[i]![1];
  return out;
}

const NEEDS_SQUEEZE = /^[ \t]|[ \t]$|[ \t][ \t]|\t/;

/**
 * A header value in canonical form: outer spaces trimmed, inner runs of spaces and tabs collapsed to one space.
 * Only space and tab count: String.trim would also eat U+00A0, which is a legitimate byte (Node hands values over
 * as latin1, so UTF-8 "à" arrives ending in \u00a0).
 */
export function canonicalHeaderValue(value: string): string {
  return NEEDS_SQUEEZE.test(value) ? value.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '') : value;
}

/** Headers as the verifier needs them, gathered in one pass over Node's rawHeaders. */
export interface HeaderIndex {
  /** Lowercased name to canonical value; repeated headers joined by ',' in arrival order. */
  canonical: Map<string, string>;
  /** First raw values of the headers that steer verification. */
  authorization?: string;
  amzDate?: string;
  date?: string;
  contentSha256?: string;
}

export function indexHeaders(rawHeaders: readonly string[]): HeaderIndex {
  const index: HeaderIndex = { canonical: new Map() };
  const { canonical } = index;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const raw = rawHeaders[i + 1]!;
    const value = canonicalHeaderValue(raw);
    const seen = canonical.get(name);
    canonical.set(name, seen === undefined ? value : `${seen},${value}`);
    if (seen !== undefined) continue;
    switch (name) {
      case 'authorization': index.authorization = raw; break;
      case 'x-amz-date': index.amzDate = raw; break;
      case 'date': index.date = raw; break;
      case 'x-amz-content-sha256': index.contentSha256 = raw; break;
    }
  }
  return index;
}

/** The canonical headers block (one "name:value\n" line per signed header, in the order the client listed them). */
export function canonicalHeaders(names: readonly string[], headers: ReadonlyMap<string, string>): string {
  let out = '';
  for (const name of names) out += `${name}:${headers.get(name.toLowerCase()) ?? ''}\n`;
  return out;
}
