// ListSecrets and BatchGetSecretValue filters, as documented: description (prefix, any case), name, tag-key,
// tag-value, primary-region, owning-service (prefix, exact case) and all (words, any case); a leading `!` negates a
// value. Values of one filter are alternatives; filters all have to hold.
import type { SecretRecord } from './secret.js';

export interface SecretFilter {
  Key?: string;
  Values?: string[];
}

export function matchesFilters(rec: SecretRecord, filters: readonly SecretFilter[] | undefined): boolean {
  return (filters ?? []).every((f) => {
    const values = f.Values ?? [];
    const positive = values.filter((v) => !v.startsWith('!'));
    const negative = values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
    if (negative.some((v) => matchesOne(rec, f.Key ?? '', v))) return false;
    return positive.length === 0 || positive.some((v) => matchesOne(rec, f.Key ?? '', v));
  });
}

function matchesOne(rec: SecretRecord, key: string, value: string): boolean {
  switch (key) {
    case 'description':
      return (rec.description ?? '').toLowerCase().startsWith(value.toLowerCase());
    case 'name':
      return rec.name.startsWith(value);
    case 'tag-key':
      return rec.tags.some((t) => t.Key.startsWith(value));
    case 'tag-value':
      return rec.tags.some((t) => t.Value.startsWith(value));
    case 'primary-region':
    case 'owning-service':
      return false; // Wharf's secrets have no primary region elsewhere and no owning service
    case 'all': {
      const words = [rec.name, rec.description ?? '', ...rec.tags.flatMap((t) => [t.Key, t.Value])]
        .flatMap((s) => s.toLowerCase().split(/[\s/_+=.@:-]+/))
        .filter(Boolean);
      return value
        .toLowerCase()
        .split(/\s+/)
        .filter(Boolean)
        .every((w) => words.some((x) => x.startsWith(w)));
    }
    default:
      return false;
  }
}
