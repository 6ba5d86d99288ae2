// The X-Amz-Target a request is signed for. A header-signed request carries it as a header (the verifier lets no
// unsigned X-Amz-Target through); a presigned URL carries it in its query string, where the SDK presigners hoist
// every x-amz-* header, and the query string is always signed. Both at once must agree.
import type http from 'node:http';
import { UnknownOperation } from '../../domain/errors.js';

export function signedTarget(req: http.IncomingMessage, presigned: boolean): string | undefined {
  const header = req.headers['x-amz-target'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (!presigned) return fromHeader;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let fromQuery: string | undefined;
  if (q >= 0) {
    for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
      if (name.toLowerCase() === 'x-amz-target') {
        fromQuery = value;
        break;
      }
    }
  }
  if (fromHeader !== undefined && fromQuery !== undefined && fromHeader !== fromQuery) {
    throw new UnknownOperation('The X-Amz-Target header and query parameter name different operations.');
  }
  return fromQuery ?? fromHeader;
}
