// GetRandomPassword: 32 characters by default from letters, digits and punctuation; each class can be left out,
// characters can be excluded, a space can be let in, and (by default) every class in use appears at least once.
import { InvalidParameter } from '../errors.js';

export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';
export const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export interface PasswordOptions {
  PasswordLength?: number;
  ExcludeCharacters?: string;
  ExcludeNumbers?: boolean;
  ExcludePunctuation?: boolean;
  ExcludeUppercase?: boolean;
  ExcludeLowercase?: boolean;
  IncludeSpace?: boolean;
  RequireEachIncludedType?: boolean;
}

/** `random(n)` returns an integer in [0, n) from a cryptographic source. */
export function randomPassword(opts: PasswordOptions, random: (n: number) => number): string {
  const length = opts.PasswordLength ?? 32;
  const excluded = new Set(opts.ExcludeCharacters ?? '');
  const classes = [
    opts.ExcludeLowercase ? '' : LOWER,
    opts.ExcludeUppercase ? '' : UPPER,
    opts.ExcludeNumbers ? '' : DIGITS,
    opts.ExcludePunctuation ? '' : PUNCTUATION,
    opts.IncludeSpace ? ' ' : '',
  ]
    .map((c) => [...c].filter((ch) => !excluded.has(ch)).join(''))
    .filter((c) => c.length > 0);
  if (classes.length === 0) {
    throw new InvalidParameter('The password cannot be generated: every character type is excluded.');
  }
  const require = opts.RequireEachIncludedType ?? true;
  if (require && length < classes.length) {
    throw new InvalidParameter(`The password length must be at least ${classes.length} to include each required character type.`);
  }
  const all = classes.join('');
  const out: string[] = [];
  if (require) for (const c of classes) out.push(c[random(c.length)]!);
  while (out.length < length) out.push(all[random(all.length)]!);
  // Shuffle so the required characters are not always first (Fisher-Yates).
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.join('');
}
