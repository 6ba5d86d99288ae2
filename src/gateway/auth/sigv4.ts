// Verifies AWS Signature Version 4 on an incoming request, from its raw parts, so Wharf accepts exactly what the
// AWS SDKs and CLI sign and refuses everything else with the error AWS itself would return.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { IncompleteSignature, InvalidSignature, MissingAuthenticationToken, UnrecognizedClient } from '../../domain/errors.js';
import { ALGORITHM, parseAuthorizationHeader, parsePresignedQuery, type SignatureClaims } from './authorization.js';
import {
  canonicalHeaders, canonicalQuery, canonicalUri, indexHeaders, parseQuery, queryValue, splitUrl, type QueryParam,
} from './canonical.js';
import { formatAmzDate, parseRequestDate } from './dates.js';
import { decodeQueryPart } from './encoding.js';
import * as msg from './messages.js';
import { signingKey } from './signing-key.js';
import { unsignedSteeringHeader } from './steering.js';

export interface IncomingSignedRequest extends SignedRequestHead {
  body: Buffer;
}

/** What can be checked before a body is read: the request line and headers. */
export interface SignedRequestHead {
  method: string;
  /** Path and query exactly as received on the wire (Node's req.url). */
  url: string;
  /** Node's req.rawHeaders: [name, value, name, value, ...], duplicates kept. */
  rawHeaders: string[];
}

export interface Principal {
  accessKeyId: string;
  region: string;
  service: string;
  signedAt: Date;
}

/**
 * A request whose head passed every check that needs no body (form, time, scope, known key, signed headers), waiting
 * for the payload hash the signature covers.
 */
export interface PendingSignature {
  /** Who the request claims to be; not proven until `verify` returns. */
  claimed: Principal;
  /** Lowercase names of the headers the signature covers. */
  signedHeaders: ReadonlySet<string>;
  presigned: boolean;
  /** The client's X-Amz-Content-Sha256 (64 lowercase hex digits), if it sent one: the body must hash to it. */
  declaredHash?: string;
  /** Checks the signature over `payloadHash` (the body's SHA-256 in hex); throws the AWS-shaped 403 otherwise. */
  verify(payloadHash: string): Principal;
}

/** The secret access key for an access key id, or undefined if the id is unknown. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

const SKEW_MS = 15 * 60 * 1000;
const SKEW_TEXT = '15 min.';
const MAX_EXPIRES_SECONDS = 7 * 24 * 60 * 60;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const LOWER_HEX_64 = /^[0-9a-f]{64}$/;

/**
 * Checks the request's SigV4 signature (Authorization header, or presigned X-Amz-* query parameters) against the
 * caller's secret, at time `now`. Returns who signed it and for which scope; throws the AWS-shaped 403 otherwise.
 */
export function verifySigV4(req: IncomingSignedRequest, secretFor: SecretLookup, now: Date): Principal {
  const pending = checkSignedHead(req, secretFor, now);
  const hash = sha256Hex(req.body);
  if (pending.declaredHash !== undefined && pending.declaredHash !== hash) throw new InvalidSignature(msg.SIGNATURE_MISMATCH);
  return pending.verify(hash);
}

/**
 * Everything SigV4 lets a server check before it reads the body. The gateway calls this first, so a request that
 * cannot be authenticated is refused before its body costs anything.
 */
export function checkSignedHead(req: SignedRequestHead, secretFor: SecretLookup, now: Date): PendingSignature {
  const headers = indexHeaders(req.rawHeaders);
  const { path, query } = splitUrl(req.url);
  const params = parseQuery(query);
  const algorithmParam = queryValue(params, 'X-Amz-Algorithm');

  let claims: SignatureClaims;
  const presigned = headers.authorization === undefined && algorithmParam !== undefined;
  if (headers.authorization !== undefined) {
    // Both forms at once leave it unclear what was signed; AWS refuses such a request.
    if (algorithmParam !== undefined) throw new InvalidSignature(msg.SIGNATURE_MISMATCH);
    claims = parseAuthorizationHeader(headers.authorization, headers.amzDate ?? headers.date);
  } else if (presigned) {
    if (decodeQueryPart(algorithmParam!) !== ALGORITHM) throw new MissingAuthenticationToken(msg.MISSING_TOKEN);
    claims = parsePresignedQuery(params);
  } else {
    throw new MissingAuthenticationToken(msg.MISSING_TOKEN);
  }

  // Without the host signed, a signature could be replayed against another endpoint.
  const signedHeaderNames = claims.signedHeaders.split(';');
  const signedSet = new Set(signedHeaderNames.map((n) => n.toLowerCase()));
  if (!signedSet.has('host') && !signedSet.has(':authority')) {
    throw new InvalidSignature(msg.HOST_MUST_BE_SIGNED);
  }
  // A header that steers the request but is not signed could be added or changed by anyone on the way.
  const unsigned = unsignedSteeringHeader(headers.canonical.keys(), signedSet);
  if (unsigned !== undefined) throw new InvalidSignature(msg.mustBeSigned(unsigned));

  const date = parseRequestDate(claims.date, !presigned && headers.amzDate === undefined);
  if (date === undefined) throw new IncompleteSignature(msg.badDate(claims.date));
  checkTime(date.ms, date.amzDate, now.getTime(), presigned ? claims.expires : undefined);
  const { accessKeyId, day, region, service } = checkScope(claims.credential, date.amzDate);

  const secret = secretFor(accessKeyId);
  if (secret === undefined) throw new UnrecognizedClient(msg.INVALID_TOKEN);

  // Outside S3 the signature always covers the body: UNSIGNED-PAYLOAD (or any declared hash that is not a SHA-256)
  // can never match the body's hash, so it is refused here, before the body is read, as AWS would refuse it after.
  const declared = headers.contentSha256 ?? (presigned ? readParam(params, 'X-Amz-Content-Sha256') : undefined);
  if (declared !== undefined && !LOWER_HEX_64.test(declared)) throw new InvalidSignature(msg.SIGNATURE_MISMATCH);

  const canonicalPrefix =
    `${req.method}\n${canonicalUri(path)}\n${canonicalQuery(params, presigned ? 'X-Amz-Signature' : undefined)}\n` +
    `${canonicalHeaders(signedHeaderNames, headers.canonical)}\n${claims.signedHeaders}\n`;
  const stringToSignPrefix = `${ALGORITHM}\n${date.amzDate}\n${day}/${region}/${service}/aws4_request\n`;
  const key = signingKey(secret, day, region, service);
  const provided = LOWER_HEX_64.test(claims.signature) ? Buffer.from(claims.signature, 'hex') : undefined;
  const claimed: Principal = { accessKeyId, region, service, signedAt: new Date(date.ms) };

  return {
    claimed,
    signedHeaders: signedSet,
    presigned,
    declaredHash: declared,
    verify(payloadHash: string): Principal {
      // latin1: header values reach us from Node one char per byte, which is how the client hashed them (as bytes).
      const canonicalHash = createHash('sha256').update(canonicalPrefix + payloadHash, 'latin1').digest('hex');
      const expected = createHmac('sha256', key).update(stringToSignPrefix + canonicalHash, 'utf8').digest();
      if (provided !== undefined && timingSafeEqual(expected, provided)) return claimed;
      throw new InvalidSignature(msg.SIGNATURE_MISMATCH);
    },
  };
}

/** Cheap pre-routing peek (no verification): the signing service and region from the Authorization header's or X-Amz-Credential's scope, if any. */
export function peekScope(req: IncomingSignedRequest): { service: string; region: string } | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length !== 13 || raw[i]!.toLowerCase() !== 'authorization') continue;
    const header = raw[i + 1]!;
    const at = header.indexOf('Credential=');
    if (at < 0) return undefined;
    const start = at + 'Credential='.length;
    let end = start;
    while (end < header.length && header[end] !== ',' && header[end] !== ' ' && header[end] !== '\t') end++;
    return scopeOf(header.slice(start, end));
  }
  const { query } = splitUrl(req.url);
  for (const pair of query.split('&')) {
    if (pair.startsWith('X-Amz-Credential=')) return scopeOf(decodeQueryPart(pair.slice('X-Amz-Credential='.length)));
  }
  return undefined;
}

function scopeOf(credential: string): { service: string; region: string } | undefined {
  const parts = credential.split('/');
  return parts.length === 5 && parts[2] && parts[3] ? { service: parts[3], region: parts[2] } : undefined;
}

function readParam(params: readonly QueryParam[], name: string): string | undefined {
  const value = queryValue(params, name);
  return value === undefined ? undefined : decodeQueryPart(value);
}

/** The payload hash SigV4 signs: the body's SHA-256 in lowercase hex. */
export function sha256Hex(body: Buffer): string {
  return body.length === 0 ? EMPTY_SHA256 : createHash('sha256').update(body).digest('hex');
}

/** Refuses a request signed too long ago (15 minutes, or a presigned URL's X-Amz-Expires) or too far ahead. */
function checkTime(signedMs: number, amzDate: string, nowMs: number, expires: string | undefined): void {
  let windowMs = SKEW_MS;
  let windowText = SKEW_TEXT;
  if (expires !== undefined) {
    const seconds = expiresSeconds(expires);
    windowMs = seconds * 1000;
    windowText = `${seconds} sec.`;
  }
  if (signedMs < nowMs - windowMs) {
    throw new InvalidSignature(msg.signatureExpired(amzDate, formatAmzDate(nowMs - windowMs), formatAmzDate(nowMs), windowText));
  }
  if (signedMs > nowMs + SKEW_MS) {
    throw new InvalidSignature(msg.signatureNotYetCurrent(amzDate, formatAmzDate(nowMs + SKEW_MS), formatAmzDate(nowMs), SKEW_TEXT));
  }
}

function expiresSeconds(expires: string): number {
  if (/^\d{1,15}$/.test(expires)) {
    const seconds = Number(expires);
    if (seconds > MAX_EXPIRES_SECONDS) throw new IncompleteSignature(msg.EXPIRES_OVER_A_WEEK);
    return seconds;
  }
  throw new IncompleteSignature(/^-\d+$/.test(expires) ? msg.EXPIRES_NEGATIVE : msg.EXPIRES_NOT_A_NUMBER);
}

/** Splits AKID/day/region/service/aws4_request and checks what can be checked without knowing the endpoint. */
function checkScope(credential: string, amzDate: string) {
  const parts = credential.split('/');
  if (parts.length !== 5) throw new IncompleteSignature(msg.credentialParts(credential));
  const [accessKeyId, day, region, service, terminator] = parts as [string, string, string, string, string];
  const problems: string[] = [];
  if (region === '') problems.push(msg.badRegion(region));
  if (terminator !== 'aws4_request') problems.push(msg.badTerminator(terminator));
  const requestDay = amzDate.slice(0, 8);
  if (day !== requestDay) problems.push(msg.scopeDateMismatch(day, requestDay, amzDate));
  if (problems.length > 0) throw new InvalidSignature(problems.join(' '));
  return { accessKeyId, day, region, service };
}
