// The AWS REST-JSON protocol (EFS): the operation is found from the method and path against the model's request URIs,
// input members come from URI labels, the query string, headers and the JSON body (as each member's `location` says),
// and the answer's status is the operation's responseCode. Errors carry `x-amzn-errortype` and an
// `{"ErrorCode", "Message"}` body, the form EFS's own exception shapes have.
import { UnknownOperation } from '../../domain/errors.js';
import type { ServiceModel, Shape } from '../model/types.js';
import { parseJsonBody } from './json.js';

interface Route {
  operation: string;
  method: string;
  pattern: RegExp;
  labels: string[];
  responseCode: number;
}

const ROUTES = new WeakMap<ServiceModel, Route[]>();

function routes(model: ServiceModel): Route[] {
  let out = ROUTES.get(model);
  if (out) return out;
  out = [];
  for (const [operation, op] of Object.entries(model.operations)) {
    const http = op.http;
    if (!http) continue;
    const path = http.requestUri.split('?')[0]!.replace(/\/+$/, '');
    const labels: string[] = [];
    const source = path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const m = /^\{([^}+]+)(\+?)\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        labels.push(m[1]!);
        return m[2] ? '(.+)' : '([^/]+)';
      })
      .join('');
    out.push({ operation, method: http.method, pattern: new RegExp(`^${source}/?$`), labels, responseCode: http.responseCode ?? 200 });
  }
  // Literal paths before labelled ones, so /file-systems/replication-configurations never reads as a file system id.
  out.sort((a, b) => a.labels.length - b.labels.length);
  ROUTES.set(model, out);
  return out;
}

/** The operation a method and path name, with the values of the path's labels. */
export function matchRoute(model: ServiceModel, method: string, url: string): { operation: string; labels: Record<string, string> } {
  const path = url.split('?')[0]!;
  for (const r of routes(model)) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const labels: Record<string, string> = {};
    r.labels.forEach((l, i) => (labels[l] = decodeURIComponent(m[i + 1]!)));
    return { operation: r.operation, labels };
  }
  throw new UnknownOperation(`No operation of this API answers ${method} ${path}.`);
}

export function responseCodeOf(model: ServiceModel, operation: string): number {
  return routes(model).find((r) => r.operation === operation)?.responseCode ?? 200;
}

/** The operation's raw input, gathered from every location, ready for the model's validation. */
export function restJsonInput(
  model: ServiceModel,
  method: string,
  url: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): { operation: string; raw: Record<string, unknown> } {
  const { operation, labels } = matchRoute(model, method, url);
  const inputName = model.operations[operation]?.input;
  const shape = inputName ? model.shapes[inputName] : undefined;
  const raw = (body.length ? parseJsonBody(body) : {}) as Record<string, unknown>;
  const q = url.indexOf('?');
  const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  for (const [member, ref] of Object.entries(shape?.members ?? {})) {
    const name = ref.locationName ?? member;
    const target = model.shapes[ref.shape];
    if (ref.location === 'uri') {
      delete raw[member];
      if (labels[name] !== undefined) raw[member] = scalar(target, labels[name]);
    } else if (ref.location === 'querystring') {
      delete raw[member];
      const values = query.getAll(name);
      if (values.length === 0) continue;
      raw[member] = target?.type === 'list' ? values : scalar(target, values[0]!);
    } else if (ref.location === 'header') {
      delete raw[member];
      const h = headers[name.toLowerCase()];
      if (h !== undefined) raw[member] = scalar(target, Array.isArray(h) ? h[0]! : h);
    }
  }
  return { operation, raw };
}

/** A string from the URI, query or a header as the member's type (the validator then checks ranges). */
function scalar(shape: Shape | undefined, v: string): unknown {
  switch (shape?.type) {
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : v;
    default:
      return v;
  }
}
