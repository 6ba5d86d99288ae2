// Warm pause containers between the pool and the tasks: a task takes one (renamed to its pause container's name, its
// ports published on its address), a restarted agent finds the ones its tasks had taken, and a taken one leaves with
// its published ports. The engine only asks; the pool (warmPause.ts) keeps the ready ones.
import type { AgentTask } from '../protocol.js';
import { PAUSE_IMAGE } from '../runtime/pause.js';
import type { ContainerRuntime, CreateSpec } from '../runtime/types.js';
import { publishedFor, publishPorts, unpublishPorts } from '../network/portProxy.js';
import { WARM_PAUSE_LABEL, WarmPausePool, taskPorts, warmPauseFits, type WarmPause } from './warmPause.js';

export interface WarmPauseHandoffOptions {
  runtime: ContainerRuntime;
  instanceArn: string;
  /** How many to keep ready; 0, no docker-proxy or a runtime that cannot rename: none are made. */
  size: number;
  dockerProxy: string | undefined;
  /** The DNS servers of an awsvpc task's pause container, if the engine sets them. */
  dns: () => string[] | undefined;
  ensureImage: () => Promise<void>;
  busy: () => boolean;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

export class WarmPauseHandoff {
  private pool?: WarmPausePool;
  /** Taken by a task before this agent started: Docker name (the task's pause name) -> runtime id. */
  private readonly claimed = new Map<string, string>();

  constructor(private readonly o: WarmPauseHandoffOptions) {}

  /**
   * Sorts what an earlier agent left: taken ones wait for their task (claimedBy), the others join the pool or, with no
   * pool, are removed.
   */
  async start(): Promise<void> {
    const unclaimed: string[] = [];
    for (const c of await this.o.runtime.list({ [WARM_PAUSE_LABEL]: this.o.instanceArn })) {
      if (c.name.startsWith('ecs-')) this.claimed.set(c.name, c.id);
      else unclaimed.push(c.id);
    }
    const { size, dockerProxy, runtime } = this.o;
    if (size > 0 && dockerProxy && runtime.rename) {
      this.pool = new WarmPausePool({ runtime, size, spec: (name) => this.spec(name), ensureImage: this.o.ensureImage, busy: this.o.busy, log: this.o.log });
      await this.pool.adopt(unclaimed);
    } else for (const id of unclaimed) await runtime.remove(id).catch(() => {});
  }

  /** Ready for awsvpc tasks (tests, the bench). */
  get ready(): number {
    return this.pool?.size ?? 0;
  }

  /** The runtime id of the warm pause container an earlier agent gave the pause container named `dockerName`. */
  claimedBy(dockerName: string): string | undefined {
    const id = this.claimed.get(dockerName);
    if (id) this.claimed.delete(dockerName);
    return id;
  }

  /** Removes the taken ones whose task this host no longer runs (`pauseNames`: the pause names of those it does). */
  dropUnwanted(pauseNames: Set<string>): void {
    for (const [name, id] of this.claimed) {
      if (pauseNames.has(name)) continue;
      this.claimed.delete(name);
      void this.o.runtime.remove(id).then(() => unpublishPorts(id)).catch(() => {});
    }
  }

  /**
   * A running warm pause container made the task's: renamed to `dockerName`, the task's ports published on `hostIp`.
   * Undefined (the usual create follows) when none is ready, the task cannot use one, or it cannot be made the task's;
   * then it is gone before the caller creates the task's own under the same name.
   */
  async take(task: AgentTask, dockerName: string, hostIp: string): Promise<string | undefined> {
    if (!this.pool || !warmPauseFits(task)) return undefined;
    const w = this.pool.take();
    if (!w) return undefined;
    try {
      await Promise.all([this.o.runtime.rename!(w.id, dockerName), this.publish(task, w, hostIp)]);
      return w.id;
    } catch (err) {
      this.o.log('warm pause container not usable; creating one', { task: task.taskArn, error: (err as Error).message });
      await this.o.runtime.remove(w.id).catch(() => {});
      await unpublishPorts(w.id);
      return undefined;
    }
  }

  /** An adopted taken one's ports: its proxies normally outlived the agent; if not, they start again. */
  async republish(task: AgentTask, id: string, hostIp: string): Promise<void> {
    const info = await this.o.runtime.inspect(id).catch(() => undefined);
    if (!info?.pid || !info.ipv4Address || (await publishedFor(id)).length) return;
    await this.publish(task, { id, pid: info.pid, ipv4Address: info.ipv4Address }, hostIp).catch((err: Error) =>
      this.o.log('cannot publish the ports of an adopted warm pause container', { task: task.taskArn, error: err.message }),
    );
  }

  /** A taken one whose task stopped before its start step: it runs, so it is stopped. */
  stopUnstarted(id: string): void {
    void this.o.runtime
      .stop(id, 0)
      .then(() => unpublishPorts(id))
      .catch((err: Error) => this.o.log('cannot stop a warm pause container', { error: err.message }));
  }

  /** A taken one exited or was removed: its published ports go with it. */
  released(id: string): Promise<void> {
    return unpublishPorts(id);
  }

  /** Removes the ready ones no task took. */
  close(): Promise<void> {
    return this.pool?.close() ?? Promise.resolve();
  }

  /** The create body of a warm pause container: what every awsvpc task's pause has before its ports are known. */
  private spec(name: string): CreateSpec {
    const dns = this.o.dns();
    return { name, Image: PAUSE_IMAGE, Labels: { [WARM_PAUSE_LABEL]: this.o.instanceArn }, HostConfig: { NetworkMode: 'bridge', ...(dns ? { Dns: dns } : {}) } };
  }

  private publish(task: AgentTask, w: WarmPause, hostIp: string): Promise<void> {
    return publishPorts(this.o.dockerProxy!, { containerId: w.id, pid: w.pid, containerIp: w.ipv4Address, hostIp, ports: taskPorts(task) });
  }
}
