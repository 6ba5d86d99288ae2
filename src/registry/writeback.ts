// Starts an upload's writeback to disk while its bytes are still arriving: every EVERY bytes written, an fdatasync
// (on libuv's thread pool, at most MAX at once across uploads) puts what the file holds so far on disk, so the fsync
// that finishes the upload (uploads.ts) has only the tail left and the client waits less for its PUT ?digest. Only a
// head start: a failure here is ignored, as the final fsync is the one a blob's visibility depends on.
import { open, type FileHandle } from 'node:fs/promises';

const EVERY = 16 * 1024 * 1024;
const MAX = 2;

export class Writeback {
  private running = 0;

  /** Follows one request's appends to `file`: `written` after each batch reaches it, `done` when the request ends. */
  follow(file: string): { written: (bytes: number) => void; done: () => Promise<void> } {
    let since = 0;
    let fh: FileHandle | undefined;
    let current: Promise<void> | undefined;
    let ended = false;
    const written = (bytes: number) => {
      since += bytes;
      if (current || ended || since < EVERY || this.running >= MAX) return;
      since = 0;
      this.running++;
      current = (async () => {
        fh ??= await open(file, 'r');
        await fh.datasync();
      })()
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          current = undefined;
        });
    };
    const done = async () => {
      ended = true;
      await current;
      await fh?.close().catch(() => undefined);
    };
    return { written, done };
  }
}
