// Values are stored as JSON; Dates survive the round trip (the API model uses Date for every timestamp).

const DATE_TAG = '$date';

export function encodeValue(value: unknown): string {
  // One walk that tags the dates (copying only the objects and arrays on the way to one), then a plain stringify: a
  // replacer function called for every value made encoding about twice as slow, and every placed task is encoded.
  return JSON.stringify(tag(value));
}

/** The value with each Date as { $date: ms }; what holds no date is returned as it is, uncopied. */
function tag(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return { [DATE_TAG]: v.getTime() };
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as unknown;
      const t = tag(x);
      if (t !== x && !out) out = v.slice(0, i);
      if (out) out.push(t);
    }
    return out ?? v;
  }
  // An object with its own toJSON (other than a date's) is left to it, as JSON.stringify would.
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = o[k];
    const t = tag(x);
    if (t !== x && !out) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
    }
    if (out) out[k] = t;
  }
  return out ?? o;
}

export function decodeValue<T>(text: string): T {
  // A plain parse and one walk, only when a date is in there, costs a fraction of a reviver called on every value:
  // start-up decodes every row of the store (10,000 stopped tasks: about a third of its time with a reviver).
  const value = JSON.parse(text) as unknown;
  return (text.includes(DATE_TAG) ? revive(value) : value) as T;
}

function revive(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === DATE_TAG && typeof o[DATE_TAG] === 'number') return new Date(o[DATE_TAG]);
  for (const k of keys) o[k] = revive(o[k]);
  return o;
}
