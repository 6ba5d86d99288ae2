// Which headers a signature must cover. SigV4 signs only the headers the client lists, so any header Wharf reads to
// decide what a request does (the operation, the protocol, how the body is encoded) must be among them; otherwise a
// captured request could be turned into another one by adding or changing a header the signature never saw.

/** Headers that choose the protocol, the operation or the body's encoding. */
const STEERING = new Set(['content-type', 'content-encoding', 'smithy-protocol', 'x-amz-target']);

/**
 * x-amz-* headers that need no place in SignedHeaders: the date is in the string to sign itself, the payload hash is
 * checked against the body, and a session token only names credentials (Wharf does not read it).
 */
const COVERED_OTHERWISE = new Set(['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']);

/** The first header present that steers the request but is not signed, or undefined when all are signed. */
export function unsignedSteeringHeader(present: Iterable<string>, signed: ReadonlySet<string>): string | undefined {
  for (const name of present) {
    if (signed.has(name)) continue;
    if (STEERING.has(name) || (name.startsWith('x-amz-') && !COVERED_OTHERWISE.has(name))) return name;
  }
  return undefined;
}
