// What a parameter is in Wharf's state, and the rules for its name: allowed characters, fully qualified
// hierarchies of at most 15 levels, the reserved `aws` and `ssm` prefixes, the ARN, and the `name:version` and
// `name:label` selectors that reads accept.
import { AccessDenied, HierarchyLevelLimitExceeded, ValidationError } from '../errors.js';

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type ParameterTier = 'Standard' | 'Advanced';

export interface ParameterVersionRecord {
  version: number;
  type: ParameterType;
  /** Plain for String and StringList; sealed for SecureString. */
  value: string;
  keyId?: string;
  description?: string;
  allowedPattern?: string;
  tier: ParameterTier;
  dataType: string;
  labels: string[];
  lastModifiedDate: Date;
  lastModifiedUser: string;
}

export interface ParameterTag {
  Key: string;
  Value: string;
}

export interface ParameterRecord {
  name: string;
  tags: ParameterTag[];
  /** Oldest first; the last is the current version. */
  versions: ParameterVersionRecord[];
}

export const MAX_HIERARCHY_LEVELS = 15;
/** The name and the ARN prefix before it may not exceed this many characters. */
export const MAX_ARN_LENGTH = 1011;
const BAD_NAME =
  'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';
const NAME = /^[A-Za-z0-9_.\-/]+$/;

export const current = (p: ParameterRecord): ParameterVersionRecord => p.versions[p.versions.length - 1]!;

export function parameterArn(region: string, accountId: string, name: string): string {
  return `arn:aws:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;
}

/** Checks a name a parameter is created under. */
export function validateParameterName(name: string, region: string, accountId: string): void {
  if (!NAME.test(name) || name.includes('//')) throw new ValidationError(BAD_NAME);
  const bare = name.replace(/^\//, '').toLowerCase();
  if (bare.startsWith('aws')) throw new AccessDenied(`No access to reserved parameter name: ${name}.`);
  if (bare.startsWith('ssm')) throw new ValidationError(BAD_NAME);
  if (name.includes('/') && !name.startsWith('/')) throw new ValidationError('Parameter name must be a fully qualified name.');
  if (name.length > 1 && name.endsWith('/')) throw new ValidationError('Parameter name must not end with slash.');
  if (name.split('/').length - (name.startsWith('/') ? 1 : 0) > MAX_HIERARCHY_LEVELS) {
    throw new HierarchyLevelLimitExceeded(`A hierarchy can have a maximum of ${MAX_HIERARCHY_LEVELS} levels.`);
  }
  if (parameterArn(region, accountId, name).length > MAX_ARN_LENGTH) {
    throw new ValidationError(`Parameter name is too long: with its ARN prefix a name can be at most ${MAX_ARN_LENGTH} characters.`);
  }
}

export interface ParsedName {
  /** The names the parameter may be stored under (an ARN's `parameter/a` is `a` or `/a`). */
  candidates: string[];
  /** As written, for messages. */
  written: string;
  /** After the last `:`: a version number or a label. */
  selector?: { version: number } | { label: string };
  selectorText?: string;
}

/** Splits what a read names into the parameter and its selector. */
export function parseParameterRef(ref: string): ParsedName {
  let name = ref;
  let candidates: string[] | undefined;
  const arn = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(ref);
  if (arn) name = arn[1]!;
  const colon = name.indexOf(':');
  let selectorText: string | undefined;
  if (colon >= 0) {
    selectorText = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  if (arn) {
    const bare = name.slice(1);
    candidates = bare.includes('/') ? [name] : [bare, name];
  }
  const selector =
    selectorText === undefined ? undefined : /^[1-9][0-9]*$/.test(selectorText) ? { version: Number(selectorText) } : { label: selectorText };
  return { candidates: candidates ?? [name], written: name, selector, selectorText };
}
