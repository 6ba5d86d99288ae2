// Closing a connection whose request body was refused unread. Closing at once would reset it with the client's bytes
// still unread, and a client that meets the reset while it is still writing the body often never reads the answer
// that was already on its way (most of twenty concurrent 15 MB uploads did not, on loopback); nor does one that reads
// only once its whole body is sent (urllib3, so the aws CLI). So, after the answer, as nginx's lingering close does:
// a FIN, then what the client still sends is read and thrown away (never held), until it closes, goes quiet for
// `idleMs`, has sent `maxBytes` more, or `maxMs` have passed; then the connection is dropped. Node closes a
// `Connection: close` response's socket with destroySoon(), so that is the one method replaced, on this socket only.
import type { Socket } from 'node:net';

export interface Lingering {
  /** Dropped when nothing more arrives for this long. */
  idleMs: number;
  /** Dropped after this long in all, whatever still arrives. */
  maxMs: number;
  /** Dropped once this many more bytes have been thrown away. */
  maxBytes: number;
}

export function lingerOnClose(socket: Socket, limits: Lingering): void {
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    this.end();
    readIntoOneBuffer(this);
    // Node has resumed the unread request to discard it: its parser keeps reading the body and drops it.
    const started = Date.now();
    const startBytes = this.bytesRead;
    let lastBytes = startBytes;
    let lastChange = started;
    const check = setInterval(() => {
      const now = Date.now();
      if (this.bytesRead !== lastBytes) [lastBytes, lastChange] = [this.bytesRead, now];
      const done = now - lastChange >= limits.idleMs || now - started >= limits.maxMs || lastBytes - startBytes >= limits.maxBytes;
      if (done) this.destroy();
    }, Math.min(250, limits.idleMs)).unref();
    this.once('close', () => clearInterval(check));
    this.once('end', () => this.destroy());
  };
}

/** Whether the request still has a body on the wire (declared, or chunked). */
export function hasBody(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/**
 * What is thrown away is read into one buffer kept for the purpose, not a new one per read: each read's buffer is
 * memory outside V8's heap that only a collection frees, and V8 lets such memory reach tens of MiB before it collects
 * (twenty concurrent 15 MB uploads raised the server's peak RSS by 45-67 MiB). `useUserBuffer` is the handle's method
 * behind net's public `onread` option, which only sockets made by `net.connect` can take; where a Node lacks it, reads
 * go on as before.
 */
const dropBuffer = Buffer.allocUnsafe(64 * 1024);
function readIntoOneBuffer(socket: Socket): void {
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: (b: Buffer) => void } })._handle;
  if (typeof handle?.useUserBuffer === 'function') handle.useUserBuffer(dropBuffer);
}
