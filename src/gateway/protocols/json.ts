// The AWS JSON 1.0/1.1 protocol: operation from X-Amz-Target, JSON bodies, timestamps as epoch seconds, errors as
// `{"__type": code, "message": text}`.
import { AwsError, SerializationError, UnknownOperation } from '../../domain/errors.js';
import type { ServiceDefinition } from '../service.js';

export function operationFromTarget(service: ServiceDefinition, target: string | undefined): string {
  const prefix = `${service.targetPrefix}.`;
  if (!target || !target.startsWith(prefix) || !Object.hasOwn(service.operations, target.slice(prefix.length))) {
    throw new UnknownOperation(target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header');
  }
  return target.slice(prefix.length);
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new SerializationError('Start of structure or map found where not expected: the request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SerializationError('The request body must be a JSON object.');
  }
  return parsed;
}

export function encodeJson(output: unknown): string {
  return JSON.stringify(output ?? {}, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    // AWS JSON protocols send timestamps as epoch seconds with fractional milliseconds.
    if (raw instanceof Date) return raw.getTime() / 1000;
    if (Buffer.isBuffer(raw)) return raw.toString('base64');
    return value;
  });
}

export function encodeJsonError(err: AwsError): string {
  return JSON.stringify({ __type: err.code, message: err.message });
}

export const jsonContentType = (service: ServiceDefinition) => `application/x-amz-json-${service.jsonVersion ?? '1.1'}`;
