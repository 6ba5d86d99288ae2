// DescribeParameters and GetParametersByPath filters: the legacy Filters (Name, Type, KeyId) and ParameterFilters
// (Name, Type, KeyId, Path, Label, Tier, DataType, tag:KEY) with their options; GetParametersByPath takes only the
// keys that make sense under a path.
import { InvalidFilterKey, InvalidFilterOption, InvalidFilterValue, ValidationError } from '../errors.js';
import { current, type ParameterRecord } from './parameter.js';

export interface StringFilter {
  Key?: string;
  Option?: string;
  Values?: string[];
}

const OPTIONS: Record<string, string[]> = {
  Name: ['Equals', 'BeginsWith', 'Contains'],
  Path: ['Recursive', 'OneLevel'],
  Type: ['Equals'],
  KeyId: ['Equals'],
  Label: ['Equals'],
  Tier: ['Equals'],
  DataType: ['Equals'],
  tag: ['Equals', 'BeginsWith', 'Contains'],
};
const BY_PATH_KEYS = ['Type', 'KeyId', 'Label', 'tag'];

/** Checks filters once at the edge; `byPath` limits the keys to those GetParametersByPath takes. */
export function checkFilters(filters: readonly StringFilter[] | undefined, byPath: boolean): void {
  for (const f of filters ?? []) {
    const key = f.Key!.startsWith('tag:') ? 'tag' : f.Key!;
    const allowed = OPTIONS[key];
    if (!allowed || (byPath && !BY_PATH_KEYS.includes(key))) {
      throw new InvalidFilterKey(`The following filter key is not valid: ${f.Key}. Valid filter keys include: [${(byPath ? BY_PATH_KEYS : Object.keys(OPTIONS)).map((k) => (k === 'tag' ? 'tag:KEY' : k)).join(', ')}].`);
    }
    if (f.Option !== undefined && !allowed.includes(f.Option)) {
      throw new InvalidFilterOption(`The following filter option is not valid: ${f.Option}. Valid options include: [${allowed.join(', ')}].`);
    }
    if (key !== 'tag' && !(f.Values?.length)) throw new InvalidFilterValue(`The following filter values are missing : null for filter key ${f.Key}.`);
    if (key === 'Path') {
      for (const v of f.Values ?? []) if (!v.startsWith('/')) throw new InvalidFilterValue(`The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/". Invalid path: ${v}`);
    }
  }
}

export function matchesFilters(p: ParameterRecord, filters: readonly StringFilter[] | undefined): boolean {
  return (filters ?? []).every((f) => matchesOne(p, f));
}

function matchesOne(p: ParameterRecord, f: StringFilter): boolean {
  const v = current(p);
  const values = f.Values ?? [];
  const option = f.Option ?? 'Equals';
  const text = (s: string | undefined) =>
    values.some((x) => (option === 'BeginsWith' ? (s ?? '').startsWith(x) : option === 'Contains' ? (s ?? '').includes(x) : s === x));
  if (f.Key!.startsWith('tag:')) {
    const tag = p.tags.find((t) => t.Key === f.Key!.slice(4));
    return tag !== undefined && (values.length === 0 || text(tag.Value));
  }
  switch (f.Key) {
    case 'Name':
      // Names match with or without their leading slash, as on AWS.
      return values.some((x) => nameMatches(p.name, x, option));
    case 'Path':
      return values.some((x) => underPath(p.name, x, option === 'Recursive'));
    case 'Type':
      return text(v.type);
    case 'KeyId':
      return text(v.keyId);
    case 'Label':
      return p.versions.some((x) => x.labels.some((l) => values.includes(l)));
    case 'Tier':
      return text(v.tier);
    case 'DataType':
      return text(v.dataType);
    default:
      return false;
  }
}

function nameMatches(name: string, value: string, option: string): boolean {
  const a = name.replace(/^\//, '');
  const b = value.replace(/^\//, '');
  if (option === 'BeginsWith') return a.startsWith(b);
  if (option === 'Contains') return name.includes(value);
  return a === b;
}

/** Names directly under `path` (one level) or anywhere beneath it (recursive). */
export function underPath(name: string, path: string, recursive: boolean): boolean {
  const base = path.endsWith('/') ? path : `${path}/`;
  if (path === '/') return name.startsWith('/') ? recursive || !name.slice(1).includes('/') : false;
  if (!name.startsWith(base)) return false;
  return recursive || !name.slice(base.length).includes('/');
}

/** The legacy Filters of DescribeParameters as ParameterFilters (Name begins with, Type and KeyId equal). */
export function legacyFilters(filters: readonly { Key?: string; Values?: string[] }[] | undefined, also: readonly StringFilter[] | undefined): StringFilter[] {
  if (filters?.length && also?.length) {
    throw new ValidationError('You can use either Filters or ParameterFilters in a single request, but not both.');
  }
  return (filters ?? []).map((f) => ({ Key: f.Key, Option: f.Key === 'Name' ? 'BeginsWith' : 'Equals', Values: f.Values }));
}
