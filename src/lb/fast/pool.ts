// Keep-alive connections to targets, per address and port, most recently used first. Each connection has its
// listeners attached once and forwards events to the exchange that currently owns it; an idle one that the target
// closes or talks on simply leaves the pool.
import net from 'node:net';
import { idleSweep, type Idler } from './idle.js';

export interface UpstreamOwner {
  upData(d: Buffer): void;
  upGone(): void;
  upTimeout(): void;
}

/**
 * Every target connection of this process reads into one buffer (net's `onread`): no allocation and no stream
 * machinery per read. What the owner gets in upData is valid only during the call; it copies what it keeps or writes.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class Upstream implements Idler {
  owner: UpstreamOwner | undefined;
  dead = false;
  seen = 0;
  readonly socket: net.Socket;

  constructor(host: string, port: number, private readonly onIdleClose: (u: Upstream) => void) {
    const s = (this.socket = net.connect({
      host, port, noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          this.seen = idleSweep.tick;
          if (this.owner) this.owner.upData((buf as Buffer).subarray(0, n));
          else this.kill();
          return true;
        },
      },
    }));
    s.resume(); // flowing, so that the end of the stream is seen (data itself never goes through the stream)
    s.on('end', () => this.gone());
    s.on('error', () => this.gone());
    s.on('close', () => this.gone());
    idleSweep.add(this);
  }

  private timeoutMs = 0;

  /** Sets the connection's idle timeout (the sweep's, not the socket's: see idle.ts). */
  idleTimeout(ms: number): void {
    this.timeoutMs = ms;
  }

  idleMs(): number {
    return this.timeoutMs;
  }

  expire(): void {
    if (this.owner) this.owner.upTimeout();
    else this.kill();
  }

  /** Writes to the target (request head and body), counting as activity. */
  write(data: string | Buffer, encoding: BufferEncoding = 'latin1'): void {
    this.seen = idleSweep.tick;
    this.socket.write(data, encoding);
  }

  private gone(): void {
    if (this.dead) return;
    this.dead = true;
    idleSweep.delete(this);
    const o = this.owner;
    this.owner = undefined;
    if (o) o.upGone();
    else this.onIdleClose(this);
  }

  kill(): void {
    this.socket.destroy();
    this.gone();
  }
}

export class UpstreamPool {
  private readonly idle = new Map<string, Upstream[]>();

  constructor(private readonly maxIdlePerTarget = 256, private readonly idleMs = 60_000) {}

  /** An idle connection to `addr` (host:port) (reused: true) or a new one, owned by `owner` from now on. */
  get(addr: string, host: string, port: number, owner: UpstreamOwner): { up: Upstream; reused: boolean } {
    const list = this.idle.get(addr);
    while (list?.length) {
      const up = list.pop()!;
      if (up.dead) continue;
      up.owner = owner;
      return { up, reused: true };
    }
    const up = new Upstream(host, port, (u) => this.forget(addr, u));
    up.owner = owner;
    return { up, reused: false };
  }

  /** Puts a connection whose exchange completed cleanly back in the pool. */
  release(addr: string, up: Upstream): void {
    up.owner = undefined;
    if (up.dead) return;
    let list = this.idle.get(addr);
    if (!list) this.idle.set(addr, (list = []));
    if (list.length >= this.maxIdlePerTarget) return up.kill();
    up.idleTimeout(this.idleMs);
    up.seen = idleSweep.tick;
    list.push(up);
  }

  private forget(addr: string, up: Upstream): void {
    const list = this.idle.get(addr);
    const at = list?.indexOf(up) ?? -1;
    if (at >= 0) list!.splice(at, 1);
  }

  destroy(): void {
    for (const list of this.idle.values()) for (const u of list) u.kill();
    this.idle.clear();
  }
}
