// Formats Cloudscape's English messages, which its package ships already parsed (ICU message syntax as the
// @formatjs parser's tree), for the console's own i18n provider (lib/i18n.tsx). Cloudscape's provider formats them
// with IntlMessageFormat, whose locale resolution (Intl.*.supportedLocalesOf, plural rules, number formats) costs
// about 85 ms of the first render on a slow machine; English needs none of it. This covers what the English messages
// use (text, plain arguments, select, cardinal plural, `#`, tags) and gives what IntlMessageFormat gives for them
// (i18nFormat.test.ts checks every message against it); anything else is refused.

/** One node of a parsed message (the @formatjs ICU parser's element types, as numbers). */
export interface MessageElement {
  type: number;
  value: string;
  options?: Record<string, { value: MessageElement[] }>;
  offset?: number;
  pluralType?: 'cardinal' | 'ordinal';
  children?: MessageElement[];
}

const LITERAL = 0;
const ARGUMENT = 1;
const SELECT = 5;
const PLURAL = 6;
const POUND = 7;
const TAG = 8;

export type FormatValue = unknown;
export type FormatValues = Record<string, FormatValue>;

/** True when this formatter can format every element of the message (and the console's provider can use it). */
export function supported(els: readonly MessageElement[]): boolean {
  return els.every((el) => {
    switch (el.type) {
      case LITERAL:
      case ARGUMENT:
      case POUND:
        return true;
      case SELECT:
        return Object.values(el.options ?? {}).every((o) => supported(o.value));
      case PLURAL:
        return el.pluralType !== 'ordinal' && Object.values(el.options ?? {}).every((o) => supported(o.value));
      case TAG:
        return supported(el.children ?? []);
      default:
        return false;
    }
  });
}

/** English cardinal plural category: "one" for 1 and -1, "other" for everything else (CLDR's rule for en). */
function pluralCategory(n: number): string {
  return Math.abs(n) === 1 ? 'one' : 'other';
}

function parts(els: readonly MessageElement[], values: FormatValues, pluralValue: number | undefined, out: unknown[]): void {
  for (const el of els) {
    if (el.type === LITERAL) {
      out.push(el.value);
      continue;
    }
    if (el.type === POUND) {
      // English groups thousands, as Intl.NumberFormat('en') does.
      if (typeof pluralValue === 'number') out.push(pluralValue.toLocaleString('en'));
      continue;
    }
    if (!(el.value in values)) throw new Error(`The message needs a value for "${el.value}"`);
    const value = values[el.value];
    if (el.type === ARGUMENT) {
      out.push(typeof value === 'string' || typeof value === 'number' ? String(value) : value || '');
    } else if (el.type === SELECT) {
      const opt = el.options?.[value as string] ?? el.options?.other;
      if (!opt) throw new Error(`The message has no case for ${el.value}=${String(value)}`);
      parts(opt.value, values, undefined, out);
    } else if (el.type === PLURAL) {
      const n = (value as number) - (el.offset ?? 0);
      const opt = el.options?.[`=${String(value)}`] ?? el.options?.[pluralCategory(Number(n))] ?? el.options?.other;
      if (!opt) throw new Error(`The message has no case for ${el.value}=${String(value)}`);
      parts(opt.value, values, n, out);
    } else if (el.type === TAG) {
      const fn = value;
      if (typeof fn !== 'function') throw new Error(`The message needs a function for the tag <${el.value}>`);
      const inner: unknown[] = [];
      parts(el.children ?? [], values, pluralValue, inner);
      const chunks: unknown = fn(merge(inner));
      out.push(...(Array.isArray(chunks) ? chunks : [chunks]));
    } else {
      throw new Error(`The console's formatter does not format message elements of type ${el.type}`);
    }
  }
}

/** Adjacent strings joined, as IntlMessageFormat joins its literal parts. */
function merge(xs: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of xs) {
    if (typeof x === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += x;
    else out.push(x);
  }
  return out;
}

/** The message with its values: a string, or (when a tag's function returned something else) the parts as a list. */
export function formatMessage(els: readonly MessageElement[], values: FormatValues = {}): unknown {
  const out: unknown[] = [];
  parts(els, values, undefined, out);
  const merged = merge(out);
  if (merged.length === 1) return merged[0];
  return merged.length === 0 ? '' : merged;
}
