// Streams part of an open file to an HTTP response through two reused buffers: the next read from the file overlaps
// the write of the one before to the socket, and a buffer is read into again only once the socket has taken it. A
// read stream would allocate a fresh megabyte for every read, and the kernel would clear and map those pages each
// time; reusing them about halves the registry's CPU per byte served.
import type { FileHandle } from 'node:fs/promises';
import type http from 'node:http';

const CHUNK = 1024 * 1024;
/** Buffers kept for the next download (two per download in flight). */
const KEEP = 8;
const free: Buffer[] = [];

/** Writes bytes [start, end] of `fh` to `res` (whose head is already set); rejects when the client goes away. */
export async function sendFile(fh: FileHandle, res: http.ServerResponse, start: number, end: number): Promise<void> {
  const bufs = [free.pop() ?? Buffer.allocUnsafeSlow(CHUNK), free.pop() ?? Buffer.allocUnsafeSlow(CHUNK)];
  let writing: Promise<void> | undefined;
  for (let pos = start, i = 0; pos <= end; i ^= 1) {
    const buf = bufs[i]!;
    const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, end + 1 - pos), pos);
    if (bytesRead === 0) throw new Error('the blob file is shorter than its size');
    pos += bytesRead;
    await writing;
    writing = write(res, bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead));
    writing.catch(() => undefined); // awaited on the next turn; this only keeps it from counting as unhandled
  }
  await writing;
  // Only now does no write hold them; on a failure they are left to the garbage collector.
  for (const b of bufs) if (free.length < KEEP) free.push(b);
}

function write(res: http.ServerResponse, chunk: Buffer): Promise<void> {
  if (res.destroyed) return Promise.reject(new Error('the client went away'));
  return new Promise((resolve, reject) => {
    const gone = () => reject(new Error('the client went away'));
    res.once('close', gone);
    res.write(chunk, (err) => {
      res.off('close', gone);
      if (err) reject(err);
      else resolve();
    });
  });
}
