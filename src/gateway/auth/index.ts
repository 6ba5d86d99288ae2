// The gateway's entry point to request authentication: SigV4 verification and the pre-routing scope peek.

export { verifySigV4, peekScope } from './sigv4.js';
export type { IncomingSignedRequest, Principal, SecretLookup } from './sigv4.js';
