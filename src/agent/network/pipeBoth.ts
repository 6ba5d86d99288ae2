// Two sockets joined both ways, as every relay of the agent joins them: each end's close ends the other's writing,
// and an error on either destroys both.
import type { Socket } from 'node:net';

/** Pipes a to b and b to a; returns what ends both at once. */
export function pipeBoth(a: Socket, b: Socket): () => void {
  a.pipe(b).pipe(a);
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end);
  b.on('error', end);
  a.on('close', () => b.end());
  b.on('close', () => a.end());
  return end;
}
