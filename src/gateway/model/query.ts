// Why this exists: ELBv2 and CloudWatch speak the AWS query protocol: form parameters in (`Tags.member.1.Key=k`),
// XML out. This decodes parameters into the model's input shape (then validates it like a JSON body) and encodes
// handler output and errors as the XML documents AWS returns.

import { UnknownOperation } from '../../domain/errors.js';
import { compiledOperation, Kind, type Node } from './compile.js';
import { formatPath, MAX_REPORTED, type Segment, validationError, violation } from './messages.js';
import type { ServiceModel } from './types.js';
import { checkStructure, toDate } from './validate.js';
import { escapeXml, writeStructure } from './xml.js';

export interface QueryDecodeOptions {
  /** Code for type and constraint violations; ELBv2 and CloudWatch use `ValidationError`. */
  validationErrorCode?: string;
}

/** Parameter names nest at most this deep (`A.member.1.B...`); deeper ones are ignored as unknown. */
const MAX_SEGMENTS = 64;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INDEX = /^[1-9]\d{0,8}$/;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_LIMIT = 2 ** 63;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parameters grouped by their dotted name: `Tags.member.1.Key` is root → Tags → member → 1 → Key. */
interface Trie {
  value: string | undefined;
  children: Map<string, Trie> | undefined;
}

/**
 * The operation's input from query parameters (the form body or URL query), typed per the model: lists from
 * `Name.member.N` (`Name.N` when flattened; `Name=` is an empty list), maps from `Name.entry.N.key`/`.value`, nested
 * structures from `A.B`, numbers, booleans and ISO 8601 timestamps converted. `Action`, `Version` and unknown names are
 * ignored. Then validated like a JSON body; every problem is reported under the validation code.
 */
export function decodeQueryInput(
  model: ServiceModel,
  operationName: string,
  params: URLSearchParams,
  opts: QueryDecodeOptions = {},
): Record<string, unknown> {
  const op = compiledOperation(model, operationName);
  if (!op) throw new UnknownOperation(`Operation ${operationName} is not part of this service's model.`);
  const code = opts.validationErrorCode ?? 'ValidationError';
  if (!op.input) return {};
  const decoder = new Decoder();
  const raw = decoder.structure(op.input, buildTrie(params), 0);
  if (decoder.violations.length) throw validationError(code, decoder.violations);
  return checkStructure(op.input, raw, code);
}

function buildTrie(params: URLSearchParams): Trie {
  const root: Trie = { value: undefined, children: undefined };
  for (const [name, value] of params) {
    const parts = name.split('.');
    if (parts.length > MAX_SEGMENTS) continue;
    let node = root;
    for (const part of parts) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = { value: undefined, children: undefined }));
      node = next;
    }
    node.value ??= value; // the first of repeated names wins
  }
  return root;
}

class Decoder {
  readonly violations: string[] = [];
  private readonly path: Segment[] = [];

  structure(node: Node, trie: Trie, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!trie.children || depth > MAX_SEGMENTS) return out;
    for (const [name, child] of trie.children) {
      const m = node.byQueryName.get(name);
      if (!m) continue;
      this.path.push(m.label);
      const v = this.value(m.node, child, m.flattened, depth + 1);
      this.path.pop();
      if (v !== undefined) out[m.name] = v;
    }
    return out;
  }

  private value(node: Node, trie: Trie, flattened: boolean, depth: number): unknown {
    switch (node.kind) {
      case Kind.Structure:
        return trie.children ? this.structure(node, trie, depth) : undefined;
      case Kind.List: {
        const holder = flattened ? trie : trie.children?.get(node.itemName);
        if (!holder?.children) return trie.value === '' ? [] : undefined;
        const out: unknown[] = [];
        for (const [i, child] of indexed(holder)) {
          this.path.push(i);
          const v = this.value(node.item!, child, false, depth + 1);
          this.path.pop();
          if (v !== undefined) out.push(v);
        }
        return out;
      }
      case Kind.Map: {
        const holder = flattened ? trie : trie.children?.get('entry');
        const out: Record<string, unknown> = Object.create(null);
        if (holder?.children) {
          for (const [, child] of indexed(holder)) {
            const k = child.children?.get(node.keyName)?.value;
            const x = child.children?.get(node.valueName);
            if (k === undefined || !x) continue;
            this.path.push({ key: k });
            const v = this.value(node.value!, x, false, depth + 1);
            this.path.pop();
            if (v !== undefined) out[k] = v;
          }
        }
        return { ...out };
      }
      default:
        return trie.value === undefined ? undefined : this.scalar(node, trie.value);
    }
  }

  private scalar(node: Node, s: string): unknown {
    switch (node.kind) {
      case Kind.String:
        return s;
      case Kind.Integer:
      case Kind.Long: {
        const n = INTEGER.test(s) ? Number(s) : NaN;
        if (node.kind === Kind.Integer ? n >= INT_MIN && n <= INT_MAX : n >= -LONG_LIMIT && n < LONG_LIMIT) return n;
        return this.bad(s, 'Member must be an integer');
      }
      case Kind.Float:
      case Kind.Double:
        if (NUMBER.test(s)) return Number(s);
        if (s === 'NaN' || s === 'Infinity' || s === '-Infinity') return Number(s);
        return this.bad(s, 'Member must be a number');
      case Kind.Boolean: {
        const b = s.toLowerCase();
        if (b === 'true' || b === 'false') return b === 'true';
        return this.bad(s, 'Member must be true or false');
      }
      case Kind.Timestamp:
        return toDate(s) ?? this.bad(s, 'Member must be an ISO 8601 timestamp');
      case Kind.Blob:
        if (BASE64.test(s)) return Buffer.from(s, 'base64');
        return this.bad(s, 'Member must be base64-encoded');
      default:
        return s;
    }
  }

  private bad(s: string, constraint: string): undefined {
    if (this.violations.length < MAX_REPORTED) this.violations.push(violation(s, formatPath(this.path), constraint));
    return undefined;
  }
}

/** The children named 1, 2, 3, ... in numeric order (gaps allowed, other names ignored), as [0-based index, node]. */
function indexed(holder: Trie): [number, Trie][] {
  const found: [number, Trie][] = [];
  for (const [k, child] of holder.children!) if (INDEX.test(k)) found.push([Number(k), child]);
  found.sort((a, b) => a[0] - b[0]);
  return found.map(([, child], i) => [i, child]);
}

/**
 * The XML document AWS returns for a successful query-protocol call:
 * `<OpResponse xmlns="..."><OpResult>...</OpResult><ResponseMetadata><RequestId>id</RequestId></ResponseMetadata>`.
 * Members absent from the model are not written; an operation without output has no result element.
 */
export function encodeQueryOutput(
  model: ServiceModel,
  operationName: string,
  output: unknown,
  requestId: string,
): string {
  const op = compiledOperation(model, operationName);
  if (!op) throw new UnknownOperation(`Operation ${operationName} is not part of this service's model.`);
  const ns = model.metadata.xmlNamespace;
  const out: string[] = [`<${op.name}Response${ns ? ` xmlns="${escapeXml(ns)}"` : ''}>`];
  if (op.output) {
    const at = out.push(`<${op.resultWrapper}>`);
    writeStructure(out, op.output, output);
    if (out.length === at) out[at - 1] = `<${op.resultWrapper}/>`;
    else out.push(`</${op.resultWrapper}>`);
  }
  out.push(`<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${op.name}Response>`);
  return out.join('');
}

/**
 * The XML document AWS returns for a failed query-protocol call. `ns` is the service's model (its xmlNamespace is
 * used) or the namespace itself; without one the root element has no xmlns.
 */
export function encodeQueryError(
  code: string,
  message: string,
  requestId: string,
  fault: 'Sender' | 'Receiver',
  ns?: ServiceModel | string,
): string {
  const xmlns = typeof ns === 'string' ? ns : ns?.metadata.xmlNamespace;
  return (
    `<ErrorResponse${xmlns ? ` xmlns="${escapeXml(xmlns)}"` : ''}><Error><Type>${fault}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}

/**
 * The query-protocol wire code of a modeled exception, e.g. ELBv2's `TargetGroupNotFoundException` is sent as
 * `TargetGroupNotFound`, with its HTTP status and fault. Shapes without an override keep their own name.
 */
export function queryError(
  model: ServiceModel,
  exceptionShape: string,
): { code: string; status: number; fault: 'Sender' | 'Receiver' } {
  const shape = Object.hasOwn(model.shapes, exceptionShape) ? model.shapes[exceptionShape] : undefined;
  const e = shape?.error;
  const status = e?.httpStatusCode ?? (shape?.fault ? 500 : 400);
  return {
    code: e?.code ?? exceptionShape,
    status,
    fault: e?.senderFault || (!shape?.fault && status < 500) ? 'Sender' : 'Receiver',
  };
}
