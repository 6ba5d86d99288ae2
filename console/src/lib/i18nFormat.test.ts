import { describe, expect, it } from 'vitest';
import IntlMessageFormat from 'intl-messageformat';
import enMessages from '@cloudscape-design/components/i18n/messages/all.en.json';
import { formatMessage, supported, type FormatValues, type MessageElement } from './i18nFormat';

type Messages = Record<string, Record<string, Record<string, Record<string, MessageElement[]>>>>;
const all = Object.entries((enMessages as unknown as Messages)['cloudscape-design-components']!['en']!).flatMap(([component, keys]) =>
  Object.entries(keys).map(([key, els]) => ({ name: `${component}.${key}`, els })),
);

/** Every value each argument of the message might take: each case of a select (and one it has none for), plural
 * counts around the English categories, a string and a number for plain arguments, and for tags a function that
 * returns strings and one that returns an object (as Cloudscape's React links do). */
function candidates(els: readonly MessageElement[], out = new Map<string, unknown[]>()): Map<string, unknown[]> {
  const add = (name: string, vs: unknown[]) => out.set(name, [...new Set([...(out.get(name) ?? []), ...vs])]);
  for (const el of els) {
    if (el.type === 1) add(el.value, ['text', 1234, 0]);
    if (el.type === 5) add(el.value, [...Object.keys(el.options ?? {}), 'no-such-case']);
    if (el.type === 6) add(el.value, [0, 1, 2, 1000, -1]);
    if (el.type === 8) add(el.value, [(c: unknown[]) => `<${el.value}>${c.join('')}</${el.value}>`, (c: unknown[]) => ({ tag: el.value, c })]);
    for (const o of Object.values(el.options ?? {})) candidates(o.value, out);
    candidates(el.children ?? [], out);
  }
  return out;
}

function* combinations(choices: [string, unknown[]][], at = 0, acc: FormatValues = {}): Generator<FormatValues> {
  if (at === choices.length) return yield { ...acc };
  const [name, vs] = choices[at]!;
  for (const v of vs) yield* combinations(choices, at + 1, { ...acc, [name]: v });
}

/** The outcome of a call: its value, or that it threw (the two formatters' messages differ; throwing is what counts). */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch {
    return 'throws';
  }
}

describe("the console's English message formatter", () => {
  it("formats every one of Cloudscape's English messages", () => {
    expect(all.length).toBeGreaterThan(300);
    expect(all.filter((m) => !supported(m.els)).map((m) => m.name)).toEqual([]);
  });

  it('gives what IntlMessageFormat gives for every message, with every combination of its values', () => {
    let checked = 0;
    for (const { name, els } of all) {
      const reference = new IntlMessageFormat(els as never, 'en');
      for (const values of combinations([...candidates(els)])) {
        const ours = outcome(() => formatMessage(els, values));
        const theirs = outcome(() => reference.format(values as never));
        expect(ours, `${name} with ${JSON.stringify(values)}`).toEqual(theirs);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(all.length);
  });

  it('refuses a message with a value missing, as IntlMessageFormat does', () => {
    const stepCounter = all.find((m) => m.name === 'annotation-context.i18nStrings.stepCounterText')!;
    expect(() => formatMessage(stepCounter.els, { stepNumber: 1 })).toThrow(/totalStepCount/);
    expect(formatMessage(stepCounter.els, { stepNumber: 1, totalStepCount: 3 })).toBe('Step 1 of 3');
  });

  it('formats # in a plural with English number grouping', () => {
    const els: MessageElement[] = [{ type: 6, value: 'n', pluralType: 'cardinal', offset: 0, options: { one: { value: [{ type: 0, value: 'one item' }] }, other: { value: [{ type: 7, value: '' }, { type: 0, value: ' items' }] } } }];
    const reference = new IntlMessageFormat(els as never, 'en');
    for (const n of [0, 1, 2, 1234567, 1.5]) expect(formatMessage(els, { n })).toBe(reference.format({ n }));
  });
});
