// Why this exists: one place for the exact wording of model-level errors, so JSON validation and query decoding answer
// the way AWS's Coral framework does: type mismatches as SerializationException, constraint violations as
// "N validation error(s) detected: Value 'x' at 'a.1.member.b' failed to satisfy constraint: ..." under the service's
// own validation code.

import { AwsError, InvalidParameter, SerializationError, ValidationError } from '../../domain/errors.js';
import { Kind, type Node } from './compile.js';

/** At most this many violations are reported in one message (Coral lists all; a bound keeps replies small). */
export const MAX_REPORTED = 100;

/** A path segment: a member label, a list index (0-based, written `N.member`), or a map key (written `key.member`). */
export type Segment = string | number | { key: string };

export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const s of path) {
    const part = typeof s === 'string' ? s : typeof s === 'number' ? `${s + 1}.member` : `${s.key}.member`;
    out = out ? `${out}.${part}` : part;
  }
  return out;
}

/** The value as Coral prints it inside `Value '...'` (Java toString style). */
export function renderValue(v: unknown, kind?: Kind): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return renderNumber(v, kind);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return `[${v.map((x) => renderValue(x)).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${renderValue(x)}`).join(', ')}}`;
  }
  return String(v);
}

/** Java prints doubles with a fraction (`1.0`); integers print plainly. */
export function renderNumber(n: number, kind?: Kind): string {
  if ((kind === Kind.Float || kind === Kind.Double) && Number.isInteger(n) && Math.abs(n) < 1e7) return n.toFixed(1);
  return String(n);
}

/** The constraint texts a scalar value violates (enum, length/range, pattern), or undefined when it satisfies all. */
export function scalarViolations(node: Node, v: unknown): string[] | undefined {
  let out: string[] | undefined;
  const add = (text: string) => (out ??= []).push(text);
  if (typeof v === 'string') {
    if (node.enumSet && !node.enumSet.has(v)) add(`Member must satisfy enum value set: ${node.enumText}`);
    lengthViolation(node, v.length, add);
    if (node.regex && !node.regex.test(v)) add(`Member must satisfy regular expression pattern: ${node.pattern}`);
  } else if (typeof v === 'number') {
    if (node.max !== undefined && v > node.max) {
      add(`Member must have value less than or equal to ${renderNumber(node.max, node.kind)}`);
    }
    if (node.min !== undefined && v < node.min) {
      add(`Member must have value greater than or equal to ${renderNumber(node.min, node.kind)}`);
    }
  } else if (Buffer.isBuffer(v)) {
    lengthViolation(node, v.length, add);
  }
  return out;
}

export function lengthViolation(node: Node, length: number, add: (text: string) => void): void {
  if (node.max !== undefined && length > node.max) add(`Member must have length less than or equal to ${node.max}`);
  if (node.min !== undefined && length < node.min) add(`Member must have length greater than or equal to ${node.min}`);
}

/**
 * How Coral names the offending value: `Value null`, `Value 'x'`, `Value '[a, b]'`; a container holding structures is
 * named without its contents (`Value at 'x'`), since its Java toString is not AWS's to copy.
 */
export function describeValue(v: unknown, kind?: Kind): string {
  if (v === null || v === undefined) return 'Value null';
  if (typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    const items = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const x of items) {
      if (typeof x === 'object' && x !== null && !(x instanceof Date) && !Buffer.isBuffer(x)) return 'Value';
    }
  }
  return `Value '${renderValue(v, kind)}'`;
}

/** One Coral violation line. */
export function violation(value: unknown, path: string, constraint: string, kind?: Kind): string {
  return `${describeValue(value, kind)} at '${path}' failed to satisfy constraint: ${constraint}`;
}

/** The service's validation error carrying every collected violation. */
export function validationError(code: string, violations: readonly string[]): AwsError {
  const n = violations.length;
  const message = `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
  if (code === InvalidParameter.code) return new InvalidParameter(message);
  if (code === ValidationError.code) return new ValidationError(message);
  return new AwsError(code, message, 400);
}

export function serializationError(message: string): AwsError {
  return new SerializationError(message);
}

// Coral's type-mismatch wording, by what the JSON held and what the model wanted.
const TARGET: Record<number, string> = {
  [Kind.String]: 'a String',
  [Kind.Integer]: 'an Integer',
  [Kind.Long]: 'a Long',
  [Kind.Float]: 'a Float',
  [Kind.Double]: 'a Double',
  [Kind.Boolean]: 'a Boolean',
  [Kind.Timestamp]: 'a Timestamp',
  [Kind.Blob]: 'a Blob',
};

export const START_OF_LIST = 'Start of list found where not expected';
export const START_OF_MAP = 'Start of structure or map found where not expected.';

/** The SerializationException message for a JSON value `v` that does not fit a node of kind `kind`. */
export function mismatchMessage(kind: Kind, v: unknown): string {
  if (Array.isArray(v)) return START_OF_LIST;
  const isObject = typeof v === 'object' && v !== null && !(v instanceof Date) && !Buffer.isBuffer(v);
  if (kind === Kind.List) return isObject ? START_OF_MAP : 'Expected list or null';
  if (kind === Kind.Map) return 'Expected map or null';
  if (kind === Kind.Structure) return 'Expected null';
  if (isObject) return START_OF_MAP;
  const found =
    typeof v === 'string' ? 'STRING_VALUE' : typeof v === 'number' ? 'NUMBER_VALUE' : v === true ? 'TRUE_VALUE'
      : v === false ? 'FALSE_VALUE' : 'VALUE';
  return `${found} can not be converted to ${TARGET[kind] ?? 'the expected type'}`;
}
