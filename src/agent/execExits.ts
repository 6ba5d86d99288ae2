// Exit codes of `docker exec` processes from Docker's event stream (`exec_die`, with execID and exitCode), so a
// session's end costs no further call to Docker. Docker sends the event as it closes the exec's streams, about when
// the session's output ends; when it has not come by then (the stream is down, or slow), the caller inspects the exec.
import type Docker from 'dockerode';
import { lineSplitter } from './runtime/lines.js';

export class ExecExits {
  /** exec_die codes of tracked execs that died before anyone asked. */
  private readonly codes = new Map<string, number>();
  private readonly waiting = new Map<string, (code: number | undefined) => void>();
  private readonly tracked = new Set<string>();
  private stream?: NodeJS.ReadableStream & { destroy(): void };
  private opening = false;
  private closed = false;

  constructor(private readonly docker: Docker) {
    this.open();
  }

  /** Whether the event stream is open (so an exec's exit will be heard). */
  get listening(): boolean {
    return this.stream !== undefined;
  }

  /** Keeps the exit code of this exec when it comes. */
  track(execId: string): void {
    this.tracked.add(execId);
    if (!this.stream) this.open();
  }

  /** The tracked exec's exit code: at once if it has died, else when its event comes, or undefined after `ms`. */
  wait(execId: string, ms: number): Promise<number | undefined> {
    const code = this.codes.get(execId);
    if (code !== undefined || !this.stream) {
      this.forget(execId);
      return Promise.resolve(code);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), ms);
      const done = (c: number | undefined) => {
        clearTimeout(timer);
        this.forget(execId);
        resolve(c);
      };
      this.waiting.set(execId, done);
    });
  }

  forget(execId: string): void {
    this.tracked.delete(execId);
    this.codes.delete(execId);
    this.waiting.delete(execId);
  }

  close(): void {
    this.closed = true;
    this.stream?.destroy();
    this.stream = undefined;
    for (const done of [...this.waiting.values()]) done(undefined);
  }

  private open(): void {
    if (this.opening || this.closed) return;
    this.opening = true;
    const split = lineSplitter((line) => {
      if (!line.trim()) return;
      const attrs = (JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } }).Actor?.Attributes ?? {};
      const id = attrs.execID;
      if (!id || !this.tracked.has(id) || attrs.exitCode === undefined) return;
      const code = Number(attrs.exitCode);
      const done = this.waiting.get(id);
      if (done) done(code);
      else this.codes.set(id, code);
    });
    this.docker
      .getEvents({ filters: { type: ['container'], event: ['exec_die'] } })
      .then((s) => {
        const stream = s as unknown as NodeJS.ReadableStream & { destroy(): void };
        this.opening = false;
        if (this.closed) return stream.destroy();
        this.stream = stream;
        const down = () => {
          if (this.stream !== stream) return;
          // Waiters fall back to inspecting; the stream is opened again at the next exec.
          this.stream = undefined;
          for (const done of [...this.waiting.values()]) done(undefined);
        };
        stream.on('data', (chunk: Buffer) => split.push(chunk));
        stream.on('error', down);
        stream.on('end', down);
        stream.on('close', down);
      })
      .catch(() => {
        this.opening = false;
      });
  }
}
