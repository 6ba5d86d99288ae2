// Why this exists: AWS-exact input checking for every JSON-protocol API, driven by the real service model: wrong JSON
// types fail as SerializationException, constraint violations (required, enum, length, range, pattern) as the
// service's validation code, and the handler gets back a clean copy (unknown members dropped, nulls removed,
// timestamps as Date, blobs as Buffer).

import { UnknownOperation } from '../../domain/errors.js';
import { compiledOperation, Kind, type Node } from './compile.js';
import {
  formatPath, lengthViolation, MAX_REPORTED, mismatchMessage, scalarViolations, type Segment, serializationError,
  validationError, violation,
} from './messages.js';
import type { ServiceModel } from './types.js';

export interface ValidateOptions {
  /** The code for constraint violations: `InvalidParameterException` (ECS, Logs), `ValidationException`, ... */
  validationErrorCode: string;
}

/** Deepest nesting of structures, lists, maps and documents accepted; real models nest well under 20. */
export const MAX_DEPTH = 64;

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_LIMIT = 2 ** 63;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const EPOCH = /^-?\d+(?:\.\d+)?$/;
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Check a parsed JSON request body against the operation's input shape and return the normalized input.
 * Throws SerializationException for a body or member of the wrong JSON type, and `opts.validationErrorCode` listing
 * every constraint violation (Coral style: `1 validation error detected: Value null at 'cluster' failed to satisfy
 * constraint: Member must not be null`). An `undefined` body (empty request) counts as `{}`.
 */
export function validateInput(
  model: ServiceModel,
  operationName: string,
  input: unknown,
  opts: ValidateOptions,
): Record<string, unknown> {
  const op = compiledOperation(model, operationName);
  if (!op) throw new UnknownOperation(`Operation ${operationName} is not part of this service's model.`);
  if (input === undefined) input = {};
  if (!isObject(input)) {
    throw serializationError(Array.isArray(input) ? mismatchMessage(Kind.Structure, input) : 'Expected a JSON object');
  }
  if (!op.input) return {};
  return checkStructure(op.input, input, opts.validationErrorCode);
}

/** Validate an already-typed value tree against a structure node (shared with the query decoder). */
export function checkStructure(node: Node, input: Record<string, unknown>, code: string): Record<string, unknown> {
  const walk = new Walk();
  const out = walk.structure(node, input, 1);
  if (walk.violations.length) throw validationError(code, walk.violations);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

class Walk {
  readonly violations: string[] = [];
  private readonly path: Segment[] = [];

  private report(value: unknown, constraint: string, kind?: Kind, extra?: Segment): void {
    if (this.violations.length >= MAX_REPORTED) return;
    const path = extra === undefined ? this.path : [...this.path, extra];
    this.violations.push(violation(value, formatPath(path), constraint, kind));
  }

  structure(node: Node, v: Record<string, unknown>, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw tooDeep();
    const out: Record<string, unknown> = {};
    for (const m of node.members) {
      let x = v[m.name];
      if (x !== undefined && INHERITED.has(m.name) && !Object.hasOwn(v, m.name)) x = undefined;
      if (x === undefined || x === null) {
        if (m.required) this.report(null, 'Member must not be null', undefined, m.label);
        continue;
      }
      this.path.push(m.label);
      out[m.name] = this.value(m.node, x, depth);
      this.path.pop();
    }
    return out;
  }

  /** Convert and check one present (non-null) value. */
  private value(node: Node, v: unknown, depth: number): unknown {
    switch (node.kind) {
      case Kind.Structure:
        if (!isObject(v)) throw serializationError(mismatchMessage(node.kind, v));
        return this.structure(node, v, depth + 1);
      case Kind.List:
        return this.list(node, v, depth + 1);
      case Kind.Map:
        return this.map(node, v, depth + 1);
      case Kind.Document:
        checkDocumentDepth(v, depth + 1);
        return v;
      default: {
        const x = scalar(node, v);
        if (node.checks) {
          const bad = scalarViolations(node, x);
          if (bad) for (const c of bad) this.report(x, c, node.kind);
        }
        return x;
      }
    }
  }

  private list(node: Node, v: unknown, depth: number): unknown[] {
    if (!Array.isArray(v)) throw serializationError(mismatchMessage(Kind.List, v));
    if (depth > MAX_DEPTH) throw tooDeep();
    const item = node.item!;
    const out: unknown[] = [];
    const scalarItems = item.kind < Kind.Structure;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === null || x === undefined) continue; // Coral skips null elements
      if (scalarItems) {
        const y = scalar(item, x);
        if (item.checks) {
          const bad = scalarViolations(item, y);
          if (bad) this.report(v, `Member must satisfy constraint: [${bad.join(', ')}]`);
        }
        out.push(y);
      } else {
        this.path.push(out.length);
        out.push(this.value(item, x, depth));
        this.path.pop();
      }
    }
    if (node.checks) lengthViolation(node, out.length, (c) => this.report(out, c));
    return out;
  }

  private map(node: Node, v: unknown, depth: number): Record<string, unknown> {
    if (!isObject(v)) throw serializationError(mismatchMessage(Kind.Map, v));
    if (depth > MAX_DEPTH) throw tooDeep();
    const keyNode = node.key!;
    const valueNode = node.value!;
    const scalarValues = valueNode.kind < Kind.Structure;
    const out: Record<string, unknown> = Object.create(null);
    let count = 0;
    for (const k of Object.keys(v)) {
      const x = v[k];
      if (x === null || x === undefined) continue;
      if (keyNode.checks) {
        const bad = scalarViolations(keyNode, k);
        if (bad) this.report({ [k]: x }, `Map keys must satisfy constraint: [${bad.join(', ')}]`);
      }
      if (scalarValues) {
        const y = scalar(valueNode, x);
        if (valueNode.checks) {
          const bad = scalarViolations(valueNode, y);
          if (bad) this.report({ [k]: y }, `Map value must satisfy constraint: [${bad.join(', ')}]`);
        }
        out[k] = y;
      } else {
        this.path.push({ key: k });
        out[k] = this.value(valueNode, x, depth);
        this.path.pop();
      }
      count++;
    }
    if (node.checks) lengthViolation(node, count, (c) => this.report(out, c));
    return { ...out };
  }
}

/** Convert a scalar JSON (or already-typed) value to the node's type, or throw SerializationException. */
export function scalar(node: Node, v: unknown): unknown {
  switch (node.kind) {
    case Kind.String:
      if (typeof v === 'string') return v;
      break;
    case Kind.Integer:
    case Kind.Long:
      if (typeof v === 'number' && Number.isFinite(v)) {
        const n = Math.trunc(v) || 0; // Coral truncates a fraction rather than rejecting it
        if (node.kind === Kind.Integer ? n >= INT_MIN && n <= INT_MAX : n >= -LONG_LIMIT && n < LONG_LIMIT) return n;
      }
      break;
    case Kind.Float:
    case Kind.Double:
      if (typeof v === 'number') return v;
      if (v === 'NaN') return NaN;
      if (v === 'Infinity') return Infinity;
      if (v === '-Infinity') return -Infinity;
      break;
    case Kind.Boolean:
      if (typeof v === 'boolean') return v;
      break;
    case Kind.Timestamp: {
      const d = toDate(v);
      if (d) return d;
      break;
    }
    case Kind.Blob:
      if (Buffer.isBuffer(v)) return v;
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      if (typeof v === 'string') return decodeBase64(v);
      break;
  }
  throw serializationError(mismatchMessage(node.kind, v));
}

/** A timestamp from epoch seconds (JSON/CBOR), an ISO 8601 string, an epoch-seconds string, or a Date. */
export function toDate(v: unknown): Date | undefined {
  let ms: number;
  if (typeof v === 'number') ms = v * 1000;
  else if (v instanceof Date) ms = v.getTime();
  else if (typeof v === 'string' && ISO_8601.test(v)) ms = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  else if (typeof v === 'string' && EPOCH.test(v)) ms = Number(v) * 1000;
  else return undefined;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms) : undefined;
}

function decodeBase64(v: string): Buffer {
  if (v.length % 4 !== 0) {
    throw serializationError(
      `'${v}' can not be converted to a Blob: ` +
        `Base64 encoded length is expected a multiple of 4 bytes but found: ${v.length}`,
    );
  }
  if (!BASE64.test(v)) {
    const bad = [...v].find((c, i) => !/[A-Za-z0-9+/]/.test(c) && !(c === '=' && i >= v.length - 2)) ?? '=';
    throw serializationError(`'${v}' can not be converted to a Blob: Invalid Base64 character: '${bad}'`);
  }
  return Buffer.from(v, 'base64');
}

/** A document is free-form JSON; only its nesting is bounded (iteratively, so depth cannot overflow the stack). */
function checkDocumentDepth(v: unknown, depth: number): void {
  const stack: [unknown, number][] = [[v, depth]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d > MAX_DEPTH) throw tooDeep();
    for (const y of Array.isArray(x) ? x : Object.values(x)) {
      if (typeof y === 'object' && y !== null) stack.push([y, d + 1]);
    }
  }
}

function tooDeep() {
  return serializationError(`Request nesting exceeds the maximum depth of ${MAX_DEPTH}`);
}
