// Warm pause containers for awsvpc tasks. An awsvpc task's start is two container starts in sequence: the pause
// container that owns the task's network namespace (Docker's network set-up, the slower of the two), then the
// application joining it. A pause container started ahead, while the host is idle, takes the first off the task's
// start. When a task takes one, the engine renames it to the task's pause container name and publishes the task's
// ports on the task's address (network/portProxy.ts), as Docker would have at its start.
import { randomBytes } from 'node:crypto';
import type { ContainerRuntime, CreateSpec } from '../runtime/types.js';
import type { AgentTask } from '../protocol.js';
import { publishedPorts } from './portRanges.js';
import type { PortToPublish } from '../network/portProxy.js';

/**
 * The label of a warm pause container, naming its agent's instance. It keeps it once taken (Docker cannot change
 * labels), so a restarted agent knows what it is. Not the instance label task containers carry: a warm pause
 * container is not a task's container until it is taken.
 */
export const WARM_PAUSE_LABEL = 'wharf.warm-pause';
/** Docker starts one docker-proxy per published port; a task with more ports takes the usual path. */
const MAX_PORTS = 16;

export interface WarmPause {
  id: string;
  pid: number;
  ipv4Address: string;
}

export interface WarmPauseOptions {
  runtime: ContainerRuntime;
  /** How many to keep ready. */
  size: number;
  /** The create body of a new one (the engine's: image, labels, DNS). */
  spec: (name: string) => CreateSpec;
  /** Builds the pause image when it is missing. */
  ensureImage: () => Promise<void>;
  /** True while a task is starting: a refill waits, so it never competes with a task's own start. */
  busy: () => boolean;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Whether a task's pause container can be a warm one: awsvpc, no IPC namespace of its own to share, few ports. */
export function warmPauseFits(task: AgentTask): boolean {
  return task.networkMode === 'awsvpc' && task.ipcMode !== 'task' && taskPorts(task).length <= MAX_PORTS;
}

/** Every port of the task's containers, each published at its own number on the task's address (awsvpc). */
export function taskPorts(task: AgentTask): PortToPublish[] {
  return task.containers.flatMap((c) => publishedPorts(c.definition, c.hostPorts ?? [], true)).map((p) => ({ protocol: p.protocol, port: p.containerPort }));
}

export class WarmPausePool {
  private ready: WarmPause[] = [];
  private filling = false;
  private closed = false;
  private timer?: NodeJS.Timeout;

  constructor(private readonly o: WarmPauseOptions) {}

  /** Warm pause containers an earlier agent left unclaimed: kept when still running, removed otherwise. */
  async adopt(ids: string[]): Promise<void> {
    for (const id of ids) {
      const info = await this.o.runtime.inspect(id).catch(() => undefined);
      if (info?.running && info.pid && info.ipv4Address && this.ready.length < this.o.size) this.ready.push({ id, pid: info.pid, ipv4Address: info.ipv4Address });
      else await this.o.runtime.remove(id).catch(() => {});
    }
    // Not at once: the host is busy starting the agent and the control plane.
    this.schedule(1000);
  }

  /** A running warm pause container, now the caller's; the pool refills once the host is idle. */
  take(): WarmPause | undefined {
    const w = this.ready.shift();
    this.schedule(250);
    return w;
  }

  /** How many are ready (tests, the bench). */
  get size(): number {
    return this.ready.length;
  }

  /** Removes the unclaimed ones. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const left = this.ready;
    this.ready = [];
    await Promise.all(left.map((w) => this.o.runtime.remove(w.id).catch(() => {})));
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fill();
    }, delayMs);
    this.timer.unref();
  }

  private async fill(): Promise<void> {
    if (this.closed || this.filling || this.ready.length >= this.o.size) return;
    if (this.o.busy()) return this.schedule(250);
    this.filling = true;
    try {
      await this.o.ensureImage();
      const id = await this.o.runtime.create(this.o.spec(`wharf-warm-pause-${randomBytes(6).toString('hex')}`));
      try {
        await this.o.runtime.start(id);
        const info = await this.o.runtime.inspect(id);
        if (!info.running || !info.pid || !info.ipv4Address) throw new Error(`it is ${info.status}, without an address on the bridge`);
        if (this.closed) throw new Error('the pool is closed');
        this.ready.push({ id, pid: info.pid, ipv4Address: info.ipv4Address });
      } catch (err) {
        await this.o.runtime.remove(id).catch(() => {});
        throw err;
      }
      this.filling = false;
      this.schedule(0);
    } catch (err) {
      this.filling = false;
      if (this.closed) return;
      this.o.log('cannot start a warm pause container; trying again in 30 s', { error: (err as Error).message });
      this.schedule(30_000);
    }
  }
}
