// Reads the signature's claims (credential, signed headers, signature, date) from either place SigV4 puts them:
// the Authorization header or a presigned URL's X-Amz-* query parameters, refusing malformed ones as AWS does.

import { IncompleteSignature } from '../../domain/errors.js';
import { decodeQueryPart } from './encoding.js';
import { queryValue, type QueryParam } from './canonical.js';
import * as msg from './messages.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

export interface SignatureClaims {
  /** AKID/YYYYMMDD/region/service/aws4_request */
  credential: string;
  /** Lowercase header names joined by ';', exactly as the client sent them (they are part of what it signed). */
  signedHeaders: string;
  signature: string;
  /** The request timestamp as sent: X-Amz-Date, or the Date header. */
  date: string;
  /** Presigned only: the X-Amz-Expires value as sent, if any. */
  expires?: string;
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. Parameters may be separated by commas,
 * spaces or both (AWS accepts either); a repeated parameter keeps its last value.
 */
export function parseAuthorizationHeader(header: string, date: string | undefined): SignatureClaims {
  const value = header.trim();
  const space = value.search(/[ \t]/);
  const algorithm = space < 0 ? value : value.slice(0, space);
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;

  if (algorithm === ALGORITHM) {
    for (const pair of value.slice(algorithm.length).split(/[\s,]+/)) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq < 0) throw new IncompleteSignature(msg.notKeyValue(pair, value));
      const key = pair.slice(0, eq);
      if (key === 'Credential') credential = pair.slice(eq + 1);
      else if (key === 'SignedHeaders') signedHeaders = pair.slice(eq + 1);
      else if (key === 'Signature') signature = pair.slice(eq + 1);
    }
  } else if (algorithm.startsWith('AWS4-')) {
    throw new IncompleteSignature(msg.unsupportedAlgorithm(algorithm));
  }
  // Anything else (Bearer tokens, SigV2 "AWS key:sig") is read as a SigV4 header missing all its parts, as AWS does.

  const missing: string[] = [];
  if (credential === undefined) missing.push(msg.AUTH_REQUIRES_CREDENTIAL);
  if (signature === undefined) missing.push(msg.AUTH_REQUIRES_SIGNATURE);
  if (signedHeaders === undefined) missing.push(msg.AUTH_REQUIRES_SIGNED_HEADERS);
  if (date === undefined) missing.push(msg.AUTH_REQUIRES_DATE);
  if (missing.length > 0) throw new IncompleteSignature(msg.missingAuthParts(missing, value));
  return { credential: credential!, signedHeaders: signedHeaders!, signature: signature!, date: date! };
}

/** Reads the X-Amz-* parameters of a presigned URL (X-Amz-Algorithm already checked); the first of a repeat wins. */
export function parsePresignedQuery(params: readonly QueryParam[]): SignatureClaims {
  const read = (name: string) => {
    const v = queryValue(params, name);
    return v === undefined ? undefined : decodeQueryPart(v);
  };
  const credential = read('X-Amz-Credential');
  const signature = read('X-Amz-Signature');
  const signedHeaders = read('X-Amz-SignedHeaders');
  const date = read('X-Amz-Date');

  const missing: string[] = [];
  if (credential === undefined) missing.push(msg.QUERY_REQUIRES_CREDENTIAL);
  if (signature === undefined) missing.push(msg.QUERY_REQUIRES_SIGNATURE);
  if (signedHeaders === undefined) missing.push(msg.QUERY_REQUIRES_SIGNED_HEADERS);
  if (date === undefined) missing.push(msg.QUERY_REQUIRES_DATE);
  if (missing.length > 0) throw new IncompleteSignature(msg.missingQueryParts(missing));
  return { credential: credential!, signedHeaders: signedHeaders!, signature: signature!, date: date!, expires: read('X-Amz-Expires') };
}

