// The words AWS answers with when a SigV4 check fails, kept in one place so tests and callers see the same text.
// Sources: AWS responses quoted in public issue threads (aws-sdk-js #254, aws/chalice #828, amazonka #316,
// aws-sdk-go #289), and scratchstack-aws-signature, which mirrors AWS's wording and check order.

export const MISSING_TOKEN = 'Missing Authentication Token';
export const INVALID_TOKEN = 'The security token included in the request is invalid.';
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
  'and signing method. Consult the service documentation for details.';
export const HOST_MUST_BE_SIGNED = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";

// Authorization header form: each missing part adds a sentence, then AWS echoes the header back.
export const AUTH_REQUIRES_CREDENTIAL = "Authorization header requires 'Credential' parameter.";
export const AUTH_REQUIRES_SIGNATURE = "Authorization header requires 'Signature' parameter.";
export const AUTH_REQUIRES_SIGNED_HEADERS = "Authorization header requires 'SignedHeaders' parameter.";
export const AUTH_REQUIRES_DATE = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";

export const missingAuthParts = (missing: readonly string[], header: string) =>
  `${missing.join(' ')} Authorization=${header}`;

export const notKeyValue = (pair: string, header: string) =>
  `'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`;

export const unsupportedAlgorithm = (algorithm: string) => `Unsupported AWS 'algorithm': '${algorithm}'.`;

// Presigned (query string) form.
export const QUERY_REQUIRES_CREDENTIAL = "AWS query-string parameters must include 'X-Amz-Credential'.";
export const QUERY_REQUIRES_SIGNATURE = "AWS query-string parameters must include 'X-Amz-Signature'.";
export const QUERY_REQUIRES_SIGNED_HEADERS = "AWS query-string parameters must include 'X-Amz-SignedHeaders'.";
export const QUERY_REQUIRES_DATE = "AWS query-string parameters must include 'X-Amz-Date'.";

export const missingQueryParts = (missing: readonly string[]) =>
  `${missing.join(' ')} Re-examine the query-string parameters.`;

// X-Amz-Expires problems: S3's wording (the only AWS wording on record for them).
export const EXPIRES_NOT_A_NUMBER = 'X-Amz-Expires should be a number';
export const EXPIRES_NEGATIVE = 'X-Amz-Expires must be non-negative';
export const EXPIRES_OVER_A_WEEK =
  'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds';

// Dates and credential scope.
export const badDate = (value: string) =>
  `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`;

/**
 * `window` is "15 min." for the clock-skew window, as AWS prints it. For an expired presigned URL it is
 * "<X-Amz-Expires> sec.": no non-S3 AWS wording for that case is on record, so it follows the same sentence.
 */
export const signatureExpired = (signed: string, earliest: string, now: string, window: string) =>
  `Signature expired: ${signed} is now earlier than ${earliest} (${now} - ${window})`;

export const signatureNotYetCurrent = (signed: string, latest: string, now: string, window: string) =>
  `Signature not yet current: ${signed} is still later than ${latest} (${now} + ${window})`;

export const credentialParts = (credential: string) =>
  `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`;

export const badRegion = (region: string) => `Credential should be scoped to a valid region, not '${region}'.`;

export const badTerminator = (term: string) =>
  `Credential should be scoped with a valid terminator: 'aws4_request', not '${term}'.`;

export const scopeDateMismatch = (scopeDate: string, requestDay: string, requestDate: string) =>
  `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != ` +
  `'${requestDay}', from '${requestDate}'.`;

/**
 * A header that steers the request but was left out of SignedHeaders. AWS's only wording on record for this is the
 * Host sentence above; the same sentence names the other headers, in their usual capitalization (X-Amz-Target).
 */
export const mustBeSigned = (lowercaseName: string) =>
  `'${lowercaseName.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())}' must be a ` +
  "'SignedHeader' in the AWS Authorization.";
