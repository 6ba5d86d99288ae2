// Bounded request body reads, shared by the AWS APIs and the plain-HTTP routes (the registry): a body that declares
// more than the limit is refused before anything is buffered, one that streams past it is cut off.
import type http from 'node:http';

/** Reads at most `limit` bytes; rejects with `tooBig()` otherwise. */
export function readBoundedBody(req: http.IncomingMessage, limit: number, tooBig: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      reject(tooBig());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // Stop buffering and let the rest drain, so the error can still be answered on this connection.
        req.off('data', onData);
        req.resume();
        reject(tooBig());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
