// RFC 3986 percent-encoding as SigV4 needs it: unreserved characters stay, everything else becomes %XY (uppercase).
// Written by hand because encodeURIComponent leaves !'()* alone and cannot re-encode an already-encoded string.

const HEX = '0123456789ABCDEF';

/** %XY for every byte value, built once so encoding is a table lookup. */
const PERCENT: readonly string[] = Array.from({ length: 256 }, (_, b) => `%${HEX[b >> 4]}${HEX[b & 15]}`);

/** Unreserved characters (A-Z a-z 0-9 - . _ ~) by char code. */
const UNRESERVED: readonly boolean[] = Array.from({ length: 128 }, (_, c) => /[A-Za-z0-9\-._~]/.test(String.fromCharCode(c)));

const ALL_UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const ALL_UNRESERVED_OR_SLASH = /^[A-Za-z0-9\-._~/]*$/;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Encodes one character at s[i] (a UTF-16 code unit or surrogate pair) as UTF-8 %XY triplets; returns units used. */
function encodeWide(s: string, i: number, out: string[]): number {
  const cp = s.codePointAt(i)!;
  // Node hands URLs over as ASCII only (it refuses raw non-ASCII bytes), so this only serves callers passing text.
  for (const byte of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(PERCENT[byte]!);
  return cp > 0xffff ? 2 : 1;
}

/**
 * Encodes every character except unreserved ones and '/': the canonical URI of a non-S3 request is the path as
 * received, encoded once more (the SDKs escape an already-escaped path), so '%' here becomes '%25'.
 */
export function encodePath(path: string): string {
  if (ALL_UNRESERVED_OR_SLASH.test(path)) return path;
  const out: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 128) out.push(c === 47 || UNRESERVED[c] ? path[i]! : PERCENT[c]!);
    else i += encodeWide(path, i, out) - 1;
  }
  return out.join('');
}

/**
 * Re-encodes a query name or value as received into canonical form: valid %XY escapes are decoded to their byte and
 * re-encoded (so %7e becomes ~ and %2f becomes %2F), '+' means a space as in any form decoder, a stray '%' is literal.
 */
export function normalizeQueryPart(part: string): string {
  if (ALL_UNRESERVED.test(part)) return part;
  const out: string[] = [];
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c === 37 /* % */) {
      const hi = hexValue(part.charCodeAt(i + 1));
      const lo = hi < 0 ? -1 : hexValue(part.charCodeAt(i + 2));
      if (lo >= 0) {
        const byte = (hi << 4) | lo;
        out.push(byte < 128 && UNRESERVED[byte] ? String.fromCharCode(byte) : PERCENT[byte]!);
        i += 2;
      } else {
        out.push('%25');
      }
    } else if (c === 43 /* + */) {
      out.push('%20');
    } else if (c < 128) {
      out.push(UNRESERVED[c] ? part[i]! : PERCENT[c]!);
    } else {
      i += encodeWide(part, i, out) - 1;
    }
  }
  return out.join('');
}

/** Decodes a canonical (normalized) query part back to text, for reading X-Amz-* parameters. */
export function decodeQueryPart(canonical: string): string {
  if (canonical.indexOf('%') < 0) return canonical;
  try {
    return decodeURIComponent(canonical);
  } catch {
    return canonical; // not UTF-8 underneath: keep the escaped form, which can then only fail to match
  }
}
