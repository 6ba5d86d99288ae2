// Upload bytes are hashed and appended to their files on a worker thread, not on the event loop: a push's cost on
// the main thread is then reading the socket and handing chunks over, so the event loop stays free for the rest of
// the control plane and the hashing runs on a second core. What one turn of the event loop reads goes over as one
// message (at most BATCH_BYTES), and several may be on their way, so the worker never waits for the main thread to
// be scheduled; past INFLIGHT_BYTES the request's socket is paused. The worker hashes and writes a quarter megabyte
// at a time, while those bytes are still in its cache. It keeps each session's running sha256 between requests, so
// a chunked upload is hashed once, as it arrives. A running hash is trusted only while it has followed every byte
// of its file (it counts them); otherwise (a failed write, a restart, another replica appended to the shared file)
// the file is hashed again when the upload finishes, on the worker too.
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';

/** Bytes of one upload sent to the worker and not yet written, beyond which its request's socket is paused. */
const INFLIGHT_BYTES = 8 * 1024 * 1024;
/** At most this much goes to the worker in one message. */
const BATCH_BYTES = 1024 * 1024;

// The worker's source, evaluated as a CommonJS script: a file of its own would not load where Wharf runs from its
// TypeScript sources (the tests). Each message is handled to the end before the next, so an upload's writes land
// in the order they were sent.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const hashes = new Map(); // upload id -> { h: running sha256, n: bytes it has followed }
const fds = new Map(); // upload id -> fd open for appending, while a request writes
const failed = new Set(); // upload ids whose write failed, until their file is closed
const GROUP = 256 * 1024;
function writeAll(fd, bufs) {
  let left = bufs.reduce((n, b) => n + b.length, 0);
  while (left > 0) {
    let n = fs.writevSync(fd, bufs);
    left -= n;
    while (n > 0 && bufs.length) {
      if (n >= bufs[0].length) { n -= bufs[0].length; bufs.shift(); }
      else { bufs[0] = bufs[0].subarray(n); n = 0; }
    }
  }
}
function hashFile(file, alg) {
  const h = createHash(alg);
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return alg + ':' + h.digest('hex');
}
function close(id) {
  failed.delete(id);
  const fd = fds.get(id);
  if (fd === undefined) return undefined;
  fds.delete(id);
  try { return fs.fstatSync(fd).size; } finally { fs.closeSync(fd); }
}
const ops = {
  write({ id, file, chunks }) {
    // After a failed write nothing more is appended, so the file never has a gap in it.
    if (failed.has(id)) throw new Error('an earlier write to this upload failed');
    let fd = fds.get(id);
    if (fd === undefined) {
      fd = fs.openSync(file, 'a', 0o600);
      fds.set(id, fd);
      // A running hash must cover the file from its first byte: start one only for an empty file.
      const size = fs.fstatSync(fd).size;
      if (hashes.get(id)?.n !== size) hashes.delete(id);
      if (size === 0) hashes.set(id, { h: createHash('sha256'), n: 0 });
    }
    const h = hashes.get(id);
    // Hashed and written a quarter megabyte at a time, so the bytes are still in this core's cache when written.
    let group = [];
    let bytes = 0;
    try {
      for (let i = 0; i < chunks.length; i++) {
        const c = chunks[i];
        const b = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
        if (h) { h.h.update(b); h.n += b.length; }
        group.push(b);
        bytes += b.length;
        if (bytes >= GROUP || i === chunks.length - 1) {
          writeAll(fd, group);
          group = [];
          bytes = 0;
        }
      }
    } catch (err) {
      hashes.delete(id);
      failed.add(id);
      throw err;
    }
  },
  close({ id }) { return close(id); },
  digest({ id, file, alg }) {
    const h = hashes.get(id);
    hashes.delete(id);
    return alg === 'sha256' && h && h.n === fs.statSync(file).size ? 'sha256:' + h.h.digest('hex') : hashFile(file, alg);
  },
  drop({ id }) { hashes.delete(id); close(id); },
};
parentPort.on('message', (m) => {
  try {
    parentPort.postMessage({ call: m.call, value: ops[m.op](m) });
  } catch (err) {
    parentPort.postMessage({ call: m.call, error: { message: err.message, code: err.code } });
  }
});
`;

type Call = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class UploadWriter {
  private worker: Worker | undefined;
  private nextCall = 1;
  private readonly calls = new Map<number, Call>();

  /**
   * A sink for one request's body: its chunks are appended to `file` and followed by the session's running hash.
   * `transfer`: the chunks belong to no one else (a request's body), so their memory moves to the worker instead of
   * being copied. `written` is told of each batch once it is in the file. Finishing the sink closes the file.
   */
  sink(id: string, file: string, transfer: boolean, written?: (bytes: number) => void): Writable {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let inflight = 0;
    let scheduled = false;
    let failed: Error | undefined;
    let blocked: ((err?: Error) => void) | undefined;
    const unblock = () => {
      const b = blocked;
      if (b && (failed || inflight + pendingBytes < INFLIGHT_BYTES)) {
        blocked = undefined;
        b(failed);
      }
    };
    const flush = () => {
      scheduled = false;
      if (pendingBytes === 0 || failed) return;
      const chunks = pending;
      const bytes = pendingBytes;
      pending = [];
      pendingBytes = 0;
      inflight += bytes;
      // Posting a view copies its whole ArrayBuffer: a slice of a larger one is copied out first, and then moved.
      const views = chunks.map((c) => (c.byteOffset === 0 && c.byteLength === c.buffer.byteLength ? c : new Uint8Array(c)));
      const moved = views.filter((v, i) => transfer || v !== chunks[i]).map((v) => v.buffer as ArrayBuffer);
      this.call({ op: 'write', id, file, chunks: views }, moved).then(
        () => {
          inflight -= bytes;
          written?.(bytes);
          unblock();
        },
        (err: Error) => {
          failed ??= err;
          unblock();
        },
      );
    };
    return new Writable({
      // The sink's own limit is INFLIGHT_BYTES; the stream's buffer in front of it stays small.
      highWaterMark: 64 * 1024,
      write: (chunk: Buffer, _enc, done) => {
        if (failed) return done(failed);
        pending.push(chunk);
        pendingBytes += chunk.length;
        // What one turn of the event loop read goes over as one batch (or sooner, once it is large).
        if (pendingBytes >= BATCH_BYTES) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
        if (inflight + pendingBytes < INFLIGHT_BYTES) done();
        else blocked = done;
      },
      destroy: (err, done) => {
        // A request that ended early (the client went away): what was not yet sent is dropped, as a write stream
        // drops its buffer, and nothing is sent after this.
        pending = [];
        pendingBytes = 0;
        failed ??= err ?? new Error('the upload ended early');
        done(err);
      },
      final: (done) => {
        flush();
        // The worker answers in order, so every write has settled by the time the file is closed.
        this.call({ op: 'close', id }).then(() => done(failed), done);
      },
    });
  }

  /** Closes the session's file if a request left it open; returns its size (undefined when it was not open). */
  close(id: string): Promise<number | undefined> {
    return this.call({ op: 'close', id }) as Promise<number | undefined>;
  }

  /** `alg:hex` of the session's bytes: its running hash when it has one (sha256), else its file hashed again. */
  digest(id: string, file: string, alg: 'sha256' | 'sha512'): Promise<string> {
    return this.call({ op: 'digest', id, file, alg }) as Promise<string>;
  }

  /** Forgets a session (its running hash, an open file). */
  async drop(id: string): Promise<void> {
    if (this.worker) await this.call({ op: 'drop', id });
  }

  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    this.fail(new Error('upload worker stopped'));
    await w.terminate();
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', (m: { call: number; value?: unknown; error?: { message: string; code?: string } }) => {
      const c = this.calls.get(m.call);
      this.calls.delete(m.call);
      if (this.calls.size === 0) w.unref();
      if (!c) return;
      if (m.error) c.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
      else c.resolve(m.value);
    });
    const gone = (err: Error) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.fail(err);
    };
    w.on('error', gone);
    w.on('exit', (code) => gone(new Error(`upload worker exited with ${code}`)));
    this.worker = w;
    return w;
  }

  private fail(err: Error): void {
    for (const c of this.calls.values()) c.reject(err);
    this.calls.clear();
  }

  private call(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const w = this.spawn();
    const call = this.nextCall++;
    return new Promise((resolve, reject) => {
      if (this.calls.size === 0) w.ref();
      this.calls.set(call, { resolve, reject });
      w.postMessage({ ...msg, call }, transfer);
    });
  }
}
