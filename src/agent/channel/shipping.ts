// What the agent sends the control plane besides state changes: container output (batched per container) and
// resource use per task (sampled from the runtime), both as channel messages so they need no second connection.
import type { TaskEngine } from '../engine/engine.js';
import { Status } from '../engine/status.js';
import type { LogEvent, LogSink } from '../logs/sink.js';
import type { ContainerRuntime } from '../runtime/types.js';

type Send = (msg: object) => void;

/** Batches log lines per task and container; flushes every `flushMs` or at `maxBatch` lines. */
export class ChannelLogSink implements LogSink {
  private readonly pending = new Map<string, { taskArn: string; containerName: string; events: { timestamp: number; message: string }[] }>();
  private readonly timer: NodeJS.Timeout;
  private readonly limits = new Map<string, number>();
  /** Lines dropped by a full non-blocking buffer, per container (what Docker's ring buffer would lose). */
  readonly dropped = new Map<string, number>();

  constructor(private readonly send: Send, private readonly flushMs = 500, private readonly maxBatch = 500) {
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
  }

  write(e: LogEvent): void {
    const key = `${e.taskArn}|${e.containerName}`;
    let batch = this.pending.get(key);
    if (!batch) this.pending.set(key, (batch = { taskArn: e.taskArn, containerName: e.containerName, events: [] }));
    batch.events.push({ timestamp: e.timestamp.getTime(), message: e.message });
    const limit = this.limits.get(key);
    if (limit !== undefined) {
      let bytes = batch.events.reduce((n, ev) => n + Buffer.byteLength(ev.message), 0);
      while (bytes > limit && batch.events.length > 0) {
        bytes -= Buffer.byteLength(batch.events.shift()!.message);
        this.dropped.set(key, (this.dropped.get(key) ?? 0) + 1);
      }
    }
    if (batch.events.length >= this.maxBatch) this.flushOne(key);
  }

  limit(taskArn: string, containerName: string, bytes: number): void {
    this.limits.set(`${taskArn}|${containerName}`, bytes);
  }

  flush(): void {
    for (const key of [...this.pending.keys()]) this.flushOne(key);
  }

  close(): void {
    this.flush();
    clearInterval(this.timer);
  }

  private flushOne(key: string): void {
    const batch = this.pending.get(key);
    this.pending.delete(key);
    if (batch && batch.events.length > 0) this.send({ type: 'Logs', ...batch });
  }
}

/** Samples CPU (as ECS CPU units: 1024 = one core busy) and memory of every running task. */
export class StatsSampler {
  private readonly last = new Map<string, { cpuNs: number; at: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly engine: TaskEngine,
    private readonly runtime: ContainerRuntime,
    private readonly send: Send,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => void this.sample(), intervalMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  async sample(): Promise<void> {
    const running = this.engine.allTasks().filter((ts) => ts.known === Status.RUNNING);
    await Promise.all(running.map((ts) => this.sampleTask(ts)));
  }

  private async sampleTask(ts: ReturnType<TaskEngine['allTasks']>[number]): Promise<void> {
    const containers = ts.containers.filter((c) => c.runtimeId && c.known >= Status.RUNNING && c.known < Status.STOPPED);
    let cpuUnits = 0;
    let memoryMiB = 0;
    let complete = containers.length > 0;
    let at = Date.now();
    await Promise.all(
      containers.map(async (c) => {
        try {
          const st = await this.runtime.stats(c.runtimeId!);
          const read = st.read.getTime() || Date.now();
          const prev = this.last.get(c.runtimeId!);
          this.last.set(c.runtimeId!, { cpuNs: st.cpuTotalNs, at: read });
          // CPU units: the share of one core used over the interval, times 1024 (1024 = one core busy).
          if (!prev || read <= prev.at) complete = false;
          else cpuUnits += ((st.cpuTotalNs - prev.cpuNs) / ((read - prev.at) * 1e6)) * 1024;
          memoryMiB += st.memoryBytes / 1024 / 1024;
          at = read;
        } catch {
          complete = false;
        }
      }),
    );
    // The first sample of a container only sets its baseline.
    if (complete) this.send({ type: 'TaskStats', taskArn: ts.task.taskArn, cpuUnitsUsed: cpuUnits, memoryUsedMiB: memoryMiB, at });
  }
}
