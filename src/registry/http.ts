// Small HTTP helpers for the registry routes: bounded body reads, Range parsing, and the headers every answer carries.
import type http from 'node:http';
import { RegistryError } from './errors.js';
import { readBoundedBody } from '../gateway/body.js';

export const API_VERSION = { 'docker-distribution-api-version': 'registry/2.0' };

/** Reads at most `limit` bytes; a larger body is refused with 413 before it is buffered. */
export function readBounded(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return readBoundedBody(req, limit, () => new RegistryError('MANIFEST_INVALID', `body exceeds ${limit} bytes`, undefined, 413));
}

/** `Range: bytes=a-b`, `bytes=a-`, `bytes=-n` against a blob of `size` bytes; undefined for the whole blob. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw rangeInvalid(size);
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) throw rangeInvalid(size);
  return { start, end };
}

const rangeInvalid = (size: number) =>
  new RegistryError('RANGE_INVALID', 'requested range not satisfiable', { size });

/** Whether a request carries a body to read (a PUT that finishes an upload may or may not). */
export function hasBody(req: http.IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** `0-(size-1)`, as the upload endpoints report progress (`0-0` when empty, as distribution does). */
export const uploadRange = (size: number) => `0-${Math.max(0, size - 1)}`;

export function reply(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders = {}, body?: string | Buffer) {
  res.writeHead(status, { ...API_VERSION, 'content-length': body ? Buffer.byteLength(body) : 0, ...headers });
  res.end(body);
}

export function replyJson(res: http.ServerResponse, value: unknown, headers: http.OutgoingHttpHeaders = {}) {
  reply(res, 200, { 'content-type': 'application/json', ...headers }, JSON.stringify(value));
}
