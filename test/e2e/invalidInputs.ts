// Inputs that are invalid by a service's own model, made from the model: a declared member of the wrong type, a
// required member missing, a string past its maximum length, a container member nested far too deep. Every one must
// be refused with a 4xx and change nothing, whatever the operation.
import fc from 'fast-check';
import type { Shape, ServiceModel } from '../../src/gateway/model/index.js';

export type Mutation = 'wrongType' | 'missingRequired' | 'oversized' | 'deepNesting';

interface Member {
  name: string;
  shape: Shape;
}

const members = (model: ServiceModel, shapeName: string | undefined): Member[] => {
  const shape = shapeName ? model.shapes[shapeName] : undefined;
  return Object.entries(shape?.members ?? {}).map(([name, ref]) => ({ name, shape: model.shapes[ref.shape]! }));
};

export const requiredOf = (model: ServiceModel, op: string): string[] => {
  const input = model.operations[op]?.input;
  return (input && model.shapes[input]?.required) || [];
};

/** A JSON value of a type the member's shape does not accept (numbers where strings go, strings where numbers go...). */
function wrongJsonValue(shape: Shape): fc.Arbitrary<unknown> {
  switch (shape.type) {
    case 'string':
    case 'blob':
      return fc.oneof(fc.integer(), fc.constant(true), fc.constant({ not: 'a string' }), fc.constant([1]));
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return fc.oneof(fc.constant('ten'), fc.constant({}), fc.constant([]), fc.constant(true));
    case 'boolean':
      return fc.oneof(fc.constant('yes'), fc.integer(), fc.constant({}));
    case 'timestamp':
      return fc.oneof(fc.constant('not a date'), fc.constant({}), fc.constant(true));
    case 'list':
      return fc.oneof(fc.constant('x'), fc.integer(), fc.constant({ a: 1 }));
    case 'structure':
    case 'map':
      return fc.oneof(fc.constant('x'), fc.integer(), fc.constant([1, 2]));
  }
}

/** A value the shape accepts in type (not necessarily in every constraint), to fill the other members. */
function plainJsonValue(shape: Shape): unknown {
  switch (shape.type) {
    case 'string':
      return shape.enum?.[0] ?? 'a';
    case 'blob':
      return 'YQ==';
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return shape.min ?? 1;
    case 'boolean':
      return true;
    case 'timestamp':
      return 1_700_000_000;
    case 'list':
      return [];
    case 'structure':
    case 'map':
      return {};
  }
}

const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/**
 * A JSON body for `op` invalid by the model under `mutation`, or undefined when the operation's input offers no place
 * for it (no members, no required members, no bounded string, no container).
 */
export function invalidJsonBody(model: ServiceModel, op: string, mutation: Mutation): fc.Arbitrary<string> | undefined {
  const all = members(model, model.operations[op]?.input);
  const required = requiredOf(model, op);
  const filled = (except?: string) =>
    Object.fromEntries(all.filter((m) => required.includes(m.name) && m.name !== except).map((m) => [m.name, plainJsonValue(m.shape)]));
  switch (mutation) {
    case 'wrongType': {
      const typed = all.filter((m) => !m.shape.document);
      if (typed.length === 0) return undefined;
      return fc.constantFrom(...typed).chain((m) =>
        wrongJsonValue(m.shape).map((v) => JSON.stringify({ ...filled(m.name), [m.name]: v })),
      );
    }
    case 'missingRequired':
      if (required.length === 0) return undefined;
      return fc.constantFrom(...required).map((name) => JSON.stringify(filled(name)));
    case 'oversized': {
      const bounded = all.filter((m) => m.shape.type === 'string' && m.shape.max !== undefined && m.shape.max < 256 * 1024 && !m.shape.enum);
      if (bounded.length === 0) return undefined;
      return fc.constantFrom(...bounded).map((m) => JSON.stringify({ ...filled(), [m.name]: 'x'.repeat(m.shape.max! + 1) }));
    }
    case 'deepNesting': {
      const containers = all.filter((m) => ['list', 'structure', 'map'].includes(m.shape.type) && !m.shape.document);
      if (containers.length === 0) return undefined;
      return fc
        .tuple(fc.constantFrom(...containers), fc.integer({ min: 100, max: 20_000 }))
        .map(([m, depth]) => `{"${m.name}":${m.shape.type === 'list' ? deepArray(depth) : `[${deepArray(depth)}]`}}`);
    }
  }
}

/**
 * A query-protocol form body for `op` invalid by the model: a non-number where a number, boolean or timestamp goes,
 * a required member missing, or a bounded string one past its maximum. Undefined where the input offers no place.
 */
export function invalidQueryBody(model: ServiceModel, op: string, mutation: Mutation): fc.Arbitrary<string> | undefined {
  const all = members(model, model.operations[op]?.input);
  const required = requiredOf(model, op);
  const form = (params: Record<string, string>) =>
    new URLSearchParams({ Action: op, Version: model.metadata.apiVersion, ...params }).toString();
  const filled = (except?: string) =>
    Object.fromEntries(all.filter((m) => required.includes(m.name) && m.name !== except && m.shape.type === 'string').map((m) => [m.name, m.shape.enum?.[0] ?? 'a']));
  switch (mutation) {
    case 'wrongType': {
      const scalars = all.filter((m) => ['integer', 'long', 'float', 'double', 'boolean', 'timestamp'].includes(m.shape.type));
      if (scalars.length === 0) return undefined;
      return fc.tuple(fc.constantFrom(...scalars), fc.constantFrom('ten', 'yes-no', '1e999x', '')).map(([m, v]) =>
        form({ ...filled(m.name), [m.name]: v === '' ? 'NaN' : v }),
      );
    }
    case 'missingRequired':
      if (required.length === 0) return undefined;
      return fc.constantFrom(...required).map((name) => form(filled(name)));
    case 'oversized': {
      const bounded = all.filter((m) => m.shape.type === 'string' && m.shape.max !== undefined && m.shape.max < 256 * 1024 && !m.shape.enum);
      if (bounded.length === 0) return undefined;
      return fc.constantFrom(...bounded).map((m) => form({ ...filled(), [m.name]: 'x'.repeat(m.shape.max! + 1) }));
    }
    case 'deepNesting': {
      // Deep keys under a list member, with a required member left out so the request can never be valid.
      const lists = all.filter((m) => m.shape.type === 'list');
      if (lists.length === 0 || required.length === 0) return undefined;
      return fc.tuple(fc.constantFrom(...lists), fc.integer({ min: 50, max: 2_000 })).map(([m, depth]) =>
        form({ ...filled(required[0]), [`${m.name}${'.member.1'.repeat(depth)}`]: 'x' }),
      );
    }
  }
}
