// Why this exists: validation runs on every request, so each model's shapes are turned once into linked, typed nodes
// (members resolved, enums as Sets, patterns as RegExps, wire names precomputed) that the validator and the query
// codec walk without any per-request lookups by shape name.

import type { Operation, ServiceModel, Shape, ShapeRef } from './types.js';

export const enum Kind {
  String,
  Integer,
  Long,
  Float,
  Double,
  Boolean,
  Timestamp,
  Blob,
  Structure,
  List,
  Map,
  Document,
}

const KINDS: Record<string, Kind> = {
  string: Kind.String,
  integer: Kind.Integer,
  long: Kind.Long,
  float: Kind.Float,
  double: Kind.Double,
  boolean: Kind.Boolean,
  timestamp: Kind.Timestamp,
  blob: Kind.Blob,
  structure: Kind.Structure,
  list: Kind.List,
  map: Kind.Map,
};

export interface Member {
  /** The member's name in the model and in JSON bodies. */
  name: string;
  /** Its name in validation messages: Coral writes member names lowerCamel (`port`, `metricData`). */
  label: string;
  /** Query protocol: the parameter segment (`Tags`, or a flattened list's member name). */
  queryName: string;
  /** Query protocol: the XML element name in responses. */
  xmlName: string;
  /** Serialization is flattened (query lists/maps without the `member`/`entry` level). */
  flattened: boolean;
  required: boolean;
  node: Node;
}

export interface Node {
  kind: Kind;
  shape: string;
  // Constraints; `checks` is false when the node has none, so the walk can skip them.
  checks: boolean;
  min: number | undefined;
  max: number | undefined;
  enumSet: Set<string> | undefined;
  enumText: string;
  regex: RegExp | undefined;
  pattern: string;
  // Structure.
  members: Member[];
  byQueryName: Map<string, Member>;
  // List (item) and map (key, value), with their query/XML names.
  item: Node | undefined;
  itemName: string;
  flattened: boolean;
  key: Node | undefined;
  keyName: string;
  value: Node | undefined;
  valueName: string;
}

export interface CompiledOperation {
  name: string;
  input: Node | undefined;
  output: Node | undefined;
  resultWrapper: string;
}

export interface CompiledModel {
  model: ServiceModel;
  operations: Map<string, CompiledOperation>;
}

const cache = new WeakMap<ServiceModel, CompiledModel>();

/** The compiled form of a model, built once per model object and then reused. */
export function compileModel(model: ServiceModel): CompiledModel {
  let compiled = cache.get(model);
  if (!compiled) {
    compiled = build(model);
    cache.set(model, compiled);
  }
  return compiled;
}

/** One operation of a compiled model, or undefined if the model has no such operation. */
export function compiledOperation(model: ServiceModel, operation: string): CompiledOperation | undefined {
  return compileModel(model).operations.get(operation);
}

function build(model: ServiceModel): CompiledModel {
  const nodes = new Map<string, Node>();
  const node = (name: string): Node => {
    let n = nodes.get(name);
    if (n) return n;
    const shape = model.shapes[name];
    if (!shape) throw new Error(`model ${model.metadata.serviceId ?? ''}: missing shape ${name}`);
    n = blank(name, shape);
    nodes.set(name, n); // before filling in, so recursive shapes link to themselves
    fill(n, shape, node, model);
    return n;
  };
  const operations = new Map<string, CompiledOperation>();
  for (const [name, op] of Object.entries(model.operations) as [string, Operation][]) {
    operations.set(name, {
      name,
      input: op.input ? node(op.input) : undefined,
      output: op.output ? node(op.output) : undefined,
      resultWrapper: op.resultWrapper ?? `${name}Result`,
    });
  }
  return { model, operations };
}

function blank(name: string, shape: Shape): Node {
  const kind = shape.document ? Kind.Document : KINDS[shape.type];
  if (kind === undefined) throw new Error(`shape ${name}: unsupported type ${shape.type}`);
  const regex = shape.pattern !== undefined ? compilePattern(shape.pattern) : undefined;
  const enumSet = shape.enum ? new Set(shape.enum) : undefined;
  return {
    kind,
    shape: name,
    checks: shape.min !== undefined || shape.max !== undefined || enumSet !== undefined || regex !== undefined,
    min: shape.min,
    max: shape.max,
    enumSet,
    enumText: shape.enum ? `[${shape.enum.join(', ')}]` : '',
    regex,
    pattern: shape.pattern ?? '',
    members: [],
    byQueryName: new Map(),
    item: undefined,
    itemName: 'member',
    flattened: shape.flattened === true,
    key: undefined,
    keyName: 'key',
    value: undefined,
    valueName: 'value',
  };
}

function fill(n: Node, shape: Shape, node: (name: string) => Node, model: ServiceModel): void {
  if (n.kind === Kind.Structure) {
    const required = new Set(shape.required ?? []);
    for (const [name, ref] of Object.entries(shape.members ?? {}) as [string, ShapeRef][]) {
      // Headers/URI/status are not part of JSON or query bodies; REST-JSON gathers them into the input by member name.
      if (ref.location && model.metadata.protocol !== 'rest-json') continue;
      const target = node(ref.shape);
      const targetShape = model.shapes[ref.shape];
      const flattened = ref.flattened ?? targetShape?.flattened ?? false;
      const itemName = targetShape?.member?.locationName;
      // A flattened list with a named member is serialized under that name (botocore's _member_key_name).
      const wire = flattened && target.kind === Kind.List && itemName ? itemName : ref.location ? name : (ref.locationName ?? name);
      const m: Member = {
        name,
        label: name.charAt(0).toLowerCase() + name.slice(1),
        queryName: ref.queryName ?? wire,
        xmlName: wire,
        flattened,
        required: required.has(name),
        node: target,
      };
      n.members.push(m);
      n.byQueryName.set(m.queryName, m);
    }
  } else if (n.kind === Kind.List && shape.member) {
    n.item = node(shape.member.shape);
    n.itemName = shape.member.locationName ?? 'member';
  } else if (n.kind === Kind.Map && shape.key && shape.value) {
    n.key = node(shape.key.shape);
    n.value = node(shape.value.shape);
    n.keyName = shape.key.locationName ?? 'key';
    n.valueName = shape.value.locationName ?? 'value';
  }
}

/**
 * A botocore pattern as a JavaScript RegExp that, like Coral (Java's Matcher.matches), must match the whole value.
 * Java-only syntax is translated; a pattern JavaScript cannot express is dropped (no check) rather than guessed.
 */
export function compilePattern(pattern: string): RegExp | undefined {
  // Java's leading inline flag `(?i)` (SSM's account ids: `(?i)all|[0-9]{12}`) becomes JavaScript's `i` flag.
  const insensitive = pattern.startsWith('(?i)') ? 'i' : '';
  const source = pattern
    .slice(insensitive ? 4 : 0)
    .replace(/\\p\{Print\}/g, '[\\x20-\\x7E]')
    .replace(/\\p\{Alnum\}/g, '[A-Za-z0-9]');
  for (const flags of ['u', '']) {
    try {
      return new RegExp(`^(?:${source})$`, flags + insensitive);
    } catch {
      // try the next flag set
    }
  }
  return undefined;
}
