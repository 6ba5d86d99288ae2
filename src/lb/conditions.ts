// Rule conditions as an ALB evaluates them. Values inside one condition are alternatives (OR); the conditions of a
// rule must all hold (AND). Wildcards `*` and `?` everywhere but the method and source IP; paths match case-sensitively,
// hosts, header values and query strings case-insensitively. Pure functions over a request's facts.
import { BlockList, isIPv4 } from 'node:net';
import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';

export interface RequestFacts {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The raw query string without `?` ('' when none). */
  query: string;
  /** The Host header without its port, lowercased. */
  host: string;
  headers: Record<string, string | string[] | undefined>;
  sourceIp: string;
}

const compiled = new Map<string, RegExp>();

/** `*` any run, `?` one character; everything else literal. Compiled once per pattern. */
export function wildcard(pattern: string, caseInsensitive: boolean): RegExp {
  const key = (caseInsensitive ? 'i' : 's') + pattern;
  let re = compiled.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

const blockLists = new Map<string, BlockList>();
function cidrs(values: readonly string[]): BlockList {
  const key = values.join(',');
  let list = blockLists.get(key);
  if (!list) {
    list = new BlockList();
    for (const v of values) {
      const [addr, bits] = v.split('/');
      const type = isIPv4(addr!) ? 'ipv4' : 'ipv6';
      list.addSubnet(addr!, Number(bits ?? (type === 'ipv4' ? 32 : 128)), type);
    }
    blockLists.set(key, list);
  }
  return list;
}

function valuesOf(c: RuleCondition): string[] {
  switch (c.Field) {
    case 'path-pattern': return c.PathPatternConfig?.Values ?? c.Values ?? [];
    case 'host-header': return c.HostHeaderConfig?.Values ?? c.Values ?? [];
    default: return c.Values ?? [];
  }
}

export function conditionMatches(c: RuleCondition, r: RequestFacts): boolean {
  switch (c.Field) {
    case 'path-pattern':
      return valuesOf(c).some((v) => wildcard(v, false).test(r.path));
    case 'host-header':
      return valuesOf(c).some((v) => wildcard(v, true).test(r.host));
    case 'http-header': {
      const name = (c.HttpHeaderConfig?.HttpHeaderName ?? '').toLowerCase();
      const raw = r.headers[name];
      const got = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      return (c.HttpHeaderConfig?.Values ?? []).some((v) => got.some((g) => wildcard(v, true).test(g)));
    }
    case 'http-request-method':
      return (c.HttpRequestMethodConfig?.Values ?? []).includes(r.method);
    case 'query-string': {
      const pairs = [...new URLSearchParams(r.query)];
      return (c.QueryStringConfig?.Values ?? []).some((kv) =>
        pairs.some(([k, v]) => (kv.Key === undefined || wildcard(kv.Key, true).test(k)) && wildcard(kv.Value ?? '', true).test(v)),
      );
    }
    case 'source-ip': {
      const ip = r.sourceIp.startsWith('::ffff:') ? r.sourceIp.slice(7) : r.sourceIp;
      return cidrs(c.SourceIpConfig?.Values ?? []).check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
    }
    default:
      return false;
  }
}

export function ruleMatches(conditions: readonly RuleCondition[], r: RequestFacts): boolean {
  for (const c of conditions) if (!conditionMatches(c, r)) return false;
  return true;
}
