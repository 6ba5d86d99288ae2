// Where captured container output goes. The control plane's log shipping implements LogSink; the in-memory and file
// sinks serve tests and a standalone agent.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface LogEvent {
  taskArn: string;
  containerName: string;
  stream: 'stdout' | 'stderr';
  timestamp: Date;
  message: string;
}

export interface LogSink {
  write(event: LogEvent): void;
  /** awslogs non-blocking mode: hold at most `bytes` of this container's unshipped output, dropping the oldest. */
  limit?(taskArn: string, containerName: string, bytes: number): void;
}

export class MemoryLogSink implements LogSink {
  readonly events: LogEvent[] = [];
  write(event: LogEvent): void {
    this.events.push(event);
  }
  messages(taskArn: string, containerName: string): string[] {
    return this.events.filter((e) => e.taskArn === taskArn && e.containerName === containerName).map((e) => e.message);
  }
}

/** One JSON-lines file per task and container under `dir`. */
export class FileLogSink implements LogSink {
  constructor(private readonly dir: string) {}
  write(e: LogEvent): void {
    const taskId = e.taskArn.split('/').at(-1) ?? 'task';
    const dir = join(this.dir, taskId);
    mkdirSync(dir, { recursive: true });
    appendFileSync(join(dir, `${e.containerName}.log`), JSON.stringify({ t: e.timestamp.toISOString(), s: e.stream, m: e.message }) + '\n');
  }
}

export const NO_LOGS: LogSink = { write() {} };
