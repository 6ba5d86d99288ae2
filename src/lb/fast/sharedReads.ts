// Client connections on the fast path read into one buffer shared by every connection of the process, as target
// connections do (pool.ts). A socket stream allocates a buffer for every read and passes it through the stream
// machinery, which costs about as much per request as all of Wharf's own work. net.Socket accepts `onread` only when
// it creates a socket, so the accepted socket's handle moves to a new socket made with it (the same handle, so the
// connection itself is untouched). When the fast path hands the connection to node:http, node:http reads from the
// handle itself; what still comes to the callback afterwards (after an upgrade) goes into the socket's stream.
import net from 'node:net';

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** True when `b` is (a view of) the shared read buffer: valid only during the read callback. */
export const isShared = (b: Buffer) => b.buffer === READ_BUFFER.buffer;

/**
 * A socket for `accepted`'s connection whose reads call `onData` with a view of the shared buffer, or undefined when
 * the socket cannot be moved (no handle, or data already read into its stream): then use `accepted` as it is.
 */
export function adoptSharedReads(accepted: net.Socket, onData: (d: Buffer) => void): net.Socket | undefined {
  const old = accepted as unknown as { _handle?: object | null };
  const handle = old._handle;
  if (!handle || accepted.destroyed || accepted.readableLength > 0) return undefined;
  const options = { handle, onread: { buffer: READ_BUFFER, callback: (n: number, buf: Uint8Array) => (onData((buf as Buffer).subarray(0, n)), true) } };
  const socket = new net.Socket(options as net.SocketConstructorOpts);
  // Should a Node release stop taking a handle this way, the connection keeps its own socket (stream reads: slower,
  // not broken).
  if ((socket as unknown as { _handle?: object })._handle !== handle) {
    (socket as unknown as { _handle?: object | null })._handle = null;
    socket.destroy();
    return undefined;
  }
  old._handle = null;
  accepted.destroy(); // the old wrapper only: without its handle it leaves the connection open
  return socket;
}
