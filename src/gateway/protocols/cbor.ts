// Why this exists: the Smithy RPC v2 CBOR protocol (current botocore and boto3 speak it to CloudWatch): POST
// /service/SERVICE/operation/OP with `smithy-protocol: rpc-v2-cbor`, CBOR bodies, timestamps as tag 1 epoch seconds,
// errors as `{"__type": "namespace#Code", "message"}`.
import { decode, encode, Token, Type } from 'cborg';
import { SerializationError, UnknownOperation } from '../../domain/errors.js';
import type { ServiceDefinition } from '../service.js';

// Timestamps travel as CBOR tag 1 (epoch seconds), both ways.
// cborg hands a tag decoder a function that decodes the tagged value.
const tags: ((inner: unknown) => unknown)[] = [];
tags[1] = (inner) => new Date(Number(typeof inner === 'function' ? (inner as () => unknown)() : inner) * 1000);
const typeEncoders = {
  Date: (d: unknown) => [new Token(Type.tag, 1), new Token(Type.float, (d as Date).getTime() / 1000)],
};

export const CBOR_CONTENT_TYPE = 'application/cbor';

export function isCborRequest(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['smithy-protocol'] === 'rpc-v2-cbor';
}

export function operationFromPath(service: ServiceDefinition, url: string): string {
  const m = /^\/service\/([^/]+)\/operation\/([^/?]+)/.exec(url);
  if (!m || m[1] !== service.targetPrefix || !Object.hasOwn(service.operations, m[2]!)) {
    throw new UnknownOperation(`Unknown operation at ${url.split('?')[0]}`);
  }
  return m[2]!;
}

export function parseCborBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = decode(body, { tags, useMaps: false });
  } catch {
    throw new SerializationError('The request body is not valid CBOR.');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SerializationError('The request body must be a CBOR map.');
  return v;
}

/** CBOR output without undefined members (smithy clients reject CBOR `undefined`). */
export function encodeCbor(output: unknown): Buffer {
  return Buffer.from(encode(clean(output ?? {}), { typeEncoders }));
}

function clean(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Date || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(clean);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clean(x);
  return out;
}
