// Request timestamps: SigV4 signs the compact ISO-8601 form (20150830T123600Z); a bare Date header may be an
// HTTP date instead. Parsed by hand because this runs on every request and Date.parse accepts far too much.

const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Milliseconds since the epoch for YYYYMMDD'T'HHMMSS'Z', or NaN if it is not exactly that (or not a real time). */
export function parseAmzDate(s: string): number {
  if (s.length !== 16 || s[8] !== 'T' || s[15] !== 'Z') return NaN;
  const y = digits(s, 0, 4), mo = digits(s, 4, 2), d = digits(s, 6, 2);
  const h = digits(s, 9, 2), mi = digits(s, 11, 2), sec = digits(s, 13, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  return new Date(ms).getUTCDate() === d ? ms : NaN; // rejects 20150231 rolling over into March
}

/** Formats a time as YYYYMMDD'T'HHMMSS'Z' (whole seconds), the form AWS prints in its messages. */
export function formatAmzDate(ms: number): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString(); // 2015-08-30T12:36:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/**
 * The request time and the exact timestamp string that goes into the string to sign. X-Amz-Date must be compact
 * ISO-8601; a Date header (`httpDateAllowed`) may also be an RFC 7231 HTTP date, then signed in its ISO-8601 form.
 */
export function parseRequestDate(value: string, httpDateAllowed = false): { ms: number; amzDate: string } | undefined {
  const ms = parseAmzDate(value);
  if (!Number.isNaN(ms)) return { ms, amzDate: value };
  if (httpDateAllowed && HTTP_DATE.test(value)) {
    const http = Date.parse(value);
    if (!Number.isNaN(http)) return { ms: http, amzDate: formatAmzDate(http) };
  }
  return undefined;
}
