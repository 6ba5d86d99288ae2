// Closing a connection whose request body was refused unread. Closing at once would reset it with the client's bytes
// still unread, and a client that meets the reset while it is still writing the body often never reads the answer
// that was already on its way (most of twenty concurrent 15 MB uploads did not, on loopback). So, after the answer:
// a FIN, no more reading (nothing is drained; the kernel's buffers fill and the client's writes block), and the
// connection is dropped after a short grace. Node closes a `Connection: close` response's socket with destroySoon(),
// so that is the one method replaced, on this socket only.
import type { Socket } from 'node:net';

export function lingerOnClose(socket: Socket, graceMs: number): void {
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    this.end();
    // Node resumes the unread request (to discard it) just before closing; stop reading after that has run.
    setImmediate(() => this.pause());
    setTimeout(() => this.destroy(), graceMs).unref();
  };
}

/** Whether the request still has a body on the wire (declared, or chunked). */
export function hasBody(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}
