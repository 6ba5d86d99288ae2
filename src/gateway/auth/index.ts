// The gateway's entry point to request authentication: SigV4 verification and the pre-routing scope peek.

export { checkSignedHead, peekScope, sha256Hex, verifySigV4 } from './sigv4.js';
export type { IncomingSignedRequest, PendingSignature, Principal, SecretLookup, SignedRequestHead } from './sigv4.js';
