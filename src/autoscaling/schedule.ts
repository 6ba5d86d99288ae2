// Why this exists: scheduled actions' three schedule forms, as Application Auto Scaling writes them: at(yyyy-mm-ddThh:mm:ss),
// rate(N minutes|hours|days) and cron(minutes hours day-of-month month day-of-week year), in a time zone (UTC by
// default). `latestFire` answers "did it fire in (from, to], and when last?", which is all the engine asks.
import { ValidationError } from '../domain/errors.js';

export type Schedule =
  | { kind: 'at'; wall: string }
  | { kind: 'rate'; ms: number }
  | { kind: 'cron'; fields: ((v: number, ctx: WallTime) => boolean)[] };

interface WallTime {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number; // 1 = SUN … 7 = SAT, as AWS cron counts
  year: number;
  daysInMonth: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3600_000, hours: 3600_000, day: 86400_000, days: 86400_000 };

export function parseSchedule(s: string): Schedule {
  const bad = (why: string): never => {
    throw new ValidationError(`Invalid schedule ${s}: ${why}`);
  };
  let m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(s);
  if (m) return { kind: 'at', wall: m[1]! };
  m = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(s);
  if (m) {
    const n = Number(m[1]);
    if (n < 1 || (n === 1) !== !m[2]!.endsWith('s')) bad('use "1 minute" or "N minutes"');
    return { kind: 'rate', ms: n * UNITS[m[2]!]! };
  }
  m = /^cron\((.+)\)$/.exec(s);
  if (!m) return bad('expected at(...), rate(...) or cron(...)');
  const parts = m[1]!.trim().split(/\s+/);
  if (parts.length !== 6) bad('cron needs six fields');
  const ranges: [number, number, string[]?][] = [[0, 59], [0, 23], [1, 31], [1, 12, MONTHS], [1, 7, DAYS], [1970, 2199]];
  return { kind: 'cron', fields: parts.map((p, i) => cronField(p, ranges[i]![0], ranges[i]![1], ranges[i]![2], i, bad)) };
}

function cronField(p: string, lo: number, hi: number, names: string[] | undefined, index: number, bad: (w: string) => never) {
  if (p === '*' || p === '?') return () => true;
  if (index === 2 && p === 'L') return (v: number, w: WallTime) => v === w.daysInMonth;
  const value = (t: string) => {
    const named = names?.indexOf(t.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + lo : Number(t);
    if (!Number.isInteger(n) || n < lo || n > hi) bad(`${t} is out of range`);
    return n;
  };
  const allowed = new Set<number>();
  for (const part of p.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    if (!(step >= 1)) bad(`bad step in ${part}`);
    const [a, b] = range === '*' ? [lo, hi] : range!.includes('-') ? range!.split('-').map(value) : [value(range!), stepText ? hi : value(range!)];
    for (let v = a!; v <= b!; v += step) allowed.add(v);
  }
  return (v: number) => allowed.has(v);
}

function wallTime(ms: number, tz: string): WallTime {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const year = Number(p.year);
  const month = Number(p.month);
  return { minute: Number(p.minute), hour: Number(p.hour), day: Number(p.day), month, year, weekday: DAYS.indexOf(p.weekday!.toUpperCase().slice(0, 3)) + 1, daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate() };
}

/** The epoch ms of a wall-clock time in a zone (the zone's offset taken at that moment). */
function zonedToEpoch(wall: string, tz: string): number {
  const asUtc = Date.parse(`${wall}Z`);
  const w = wallTime(asUtc, tz);
  const seen = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return asUtc - (seen - Math.floor(asUtc / 60_000) * 60_000);
}

/** The last time in (fromMs, toMs] the schedule fires (rate counts from `anchorMs`), or undefined. */
export function latestFire(s: Schedule, fromMs: number, toMs: number, anchorMs: number, tz = 'UTC'): number | undefined {
  if (toMs <= fromMs) return undefined;
  if (s.kind === 'at') {
    const t = zonedToEpoch(s.wall, tz);
    return t > fromMs && t <= toMs ? t : undefined;
  }
  if (s.kind === 'rate') {
    if (toMs < anchorMs + s.ms) return undefined;
    const t = anchorMs + Math.floor((toMs - anchorMs) / s.ms) * s.ms;
    return t > fromMs ? t : undefined;
  }
  // Cron: whole minutes in the window, newest first; the engine's windows are seconds long, so this loop is short.
  const first = Math.floor(fromMs / 60_000) * 60_000 + 60_000;
  const start = Math.max(first, Math.floor(toMs / 60_000) * 60_000 - 366 * 86400_000);
  for (let t = Math.floor(toMs / 60_000) * 60_000; t >= start; t -= 60_000) {
    const w = wallTime(t, tz);
    const vals = [w.minute, w.hour, w.day, w.month, w.weekday, w.year];
    if (s.fields.every((f, i) => f(vals[i]!, w))) return t;
  }
  return undefined;
}
