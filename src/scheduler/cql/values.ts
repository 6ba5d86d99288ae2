// How the query language compares values: dates as instants, counts as numbers, agent versions and numeric
// attribute values by their numbers, everything else as strings.

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?)?$/;

/** Parses the four date forms ECS documents for registeredAt; no zone means UTC. Epoch ms, or undefined. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone = 'Z'] = m;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const VERSION = /^\d+(\.\d+)+$/;

/** Orders two values: numerically, else as dotted versions (1.14.5 < 1.9.0 is false), else by code units. */
export function compareValues(a: string, b: string): number {
  if (NUMBER.test(a) && NUMBER.test(b)) return Number(a) - Number(b);
  if (VERSION.test(a) && VERSION.test(b)) return compareVersions(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return 0;
}
