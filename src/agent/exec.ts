// ECS Exec on the agent: runs `docker exec` in a task's container for a session the control plane relays, streams
// its output back on the channel, feeds it the client's input (with a TTY when interactive), and reports the exit code.
// A session announced with ExecPrepare has its exec created before the client joins; ExecStart then only starts it.
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import { ExecExits } from './execExits.js';
import type { ExecFromAgent, ExecPrepare, ExecStart, ExecToAgent } from './protocol.js';

export interface ExecHostDeps {
  docker: Docker | undefined;
  /** The Docker id of a running container of a task, or undefined. */
  containerId: (taskArn: string, containerName: string) => string | undefined;
  send: (msg: ExecFromAgent) => void;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  /** How long a prepared exec waits for its ExecStart before it is dropped (60 s). */
  prepareWithinMs?: number;
}

/** How long after a session's output ends its exec_die event may take before the exec is inspected instead. */
const EXIT_EVENT_WAIT_MS = 500;

interface Running {
  /** The Docker exec ExecPrepare created, for the tty it was made with, until ExecStart takes it. */
  prepared?: { tty: boolean; exec: Promise<Docker.Exec> };
  /** When an unstarted prepared exec is dropped. */
  expires?: NodeJS.Timeout;
  started: boolean;
  exec?: Docker.Exec;
  stream?: Duplex;
  closed: boolean;
}

export class ExecHost {
  private readonly sessions = new Map<string, Running>();
  private readonly exits: ExecExits | undefined;

  constructor(private readonly deps: ExecHostDeps) {
    this.exits = deps.docker ? new ExecExits(deps.docker) : undefined;
  }

  handle(msg: ExecToAgent): void {
    const s = this.sessions.get(msg.sessionId);
    switch (msg.type) {
      case 'ExecPrepare':
        if (!s) this.prepare(msg);
        break;
      case 'ExecStart':
        if (!s?.started) void this.start(msg, s);
        break;
      case 'ExecInput':
        s?.stream?.write(Buffer.from(msg.data, 'base64'));
        break;
      case 'ExecResize':
        void s?.exec?.resize({ h: msg.rows, w: msg.cols }).catch(() => {});
        break;
      case 'ExecClose':
        if (s && !s.started) this.drop(msg.sessionId);
        else if (s) {
          s.closed = true;
          s.stream?.end();
          s.stream?.destroy();
        }
        break;
    }
  }

  /** Whether a session's prepared exec is held, waiting for its ExecStart. */
  isPrepared(sessionId: string): boolean {
    const s = this.sessions.get(sessionId);
    return s?.prepared !== undefined && !s.started;
  }

  close(): void {
    for (const s of this.sessions.values()) {
      clearTimeout(s.expires);
      s.stream?.destroy();
    }
    this.sessions.clear();
    this.exits?.close();
  }

  /**
   * Creates the session's Docker exec ahead of its ExecStart, taking that call off the time from joining to the
   * command's start. A failure is kept for ExecStart to report.
   */
  private prepare(msg: ExecPrepare): void {
    const id = this.deps.containerId(msg.taskArn, msg.containerName);
    if (!this.deps.docker || !id) return; // ExecStart reports it
    const exec = this.create(id, msg.command, msg.tty);
    exec.catch(() => {});
    const s: Running = { started: false, closed: false, prepared: { tty: msg.tty, exec } };
    s.expires = setTimeout(() => this.drop(msg.sessionId), this.deps.prepareWithinMs ?? 60_000);
    s.expires.unref?.();
    this.sessions.set(msg.sessionId, s);
  }

  /** Forgets a prepared exec nobody started: an exec never started runs no process. */
  private drop(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (!s || s.started) return;
    clearTimeout(s.expires);
    this.sessions.delete(sessionId);
    s.prepared?.exec.then((e) => this.exits?.forget(e.id), () => {});
  }

  private async create(containerId: string, command: string[], tty: boolean): Promise<Docker.Exec> {
    const exec = await this.deps.docker!.getContainer(containerId).exec({
      Cmd: command,
      AttachStdin: tty,
      AttachStdout: true,
      AttachStderr: true,
      Tty: tty,
      ...(tty ? { Env: ['TERM=xterm'] } : {}),
    });
    this.exits?.track(exec.id);
    return exec;
  }

  private async start(msg: ExecStart, prepared?: Running): Promise<void> {
    const session: Running = prepared ?? { started: false, closed: false };
    session.started = true;
    clearTimeout(session.expires);
    this.sessions.set(msg.sessionId, session);
    const exit = (exitCode: number, error?: string) => {
      if (!this.sessions.delete(msg.sessionId)) return;
      this.deps.send({ type: 'ExecExit', sessionId: msg.sessionId, exitCode, ...(error ? { error } : {}) });
    };
    const id = this.deps.containerId(msg.taskArn, msg.containerName);
    if (!this.deps.docker || !id) return exit(126, `container ${msg.containerName} of the task is not running on this instance`);
    try {
      // The prepared exec serves when it has the TTY asked for now; otherwise it is left unstarted.
      const p = session.prepared;
      const exec = p && p.tty === msg.tty ? await p.exec : await this.create(id, msg.command, msg.tty);
      if (p && p.tty !== msg.tty) void p.exec.then((e) => this.exits?.forget(e.id), () => {});
      session.exec = exec;
      const stream = (await exec.start({ hijack: true, stdin: msg.tty, Tty: msg.tty })) as Duplex;
      session.stream = stream;
      if (msg.tty && msg.cols && msg.rows) await exec.resize({ h: msg.rows, w: msg.cols }).catch(() => {});
      const out = (kind: 'stdout' | 'stderr') => (chunk: Buffer) =>
        this.deps.send({ type: 'ExecOutput', sessionId: msg.sessionId, stream: kind, data: chunk.toString('base64') });
      if (msg.tty) {
        stream.on('data', out('stdout'));
      } else {
        const stdout = new PassThrough().on('data', out('stdout'));
        const stderr = new PassThrough().on('data', out('stderr'));
        this.deps.docker.modem.demuxStream(stream, stdout, stderr);
      }
      await new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', () => resolve());
      });
      // The exit code from Docker's exec_die event; a session its client closed (the command may still run) or an
      // event that does not come asks Docker.
      const code = session.closed ? undefined : await this.exits?.wait(exec.id, EXIT_EVENT_WAIT_MS);
      if (code !== undefined) return exit(code);
      this.exits?.forget(exec.id);
      const info = await exec.inspect();
      // A session closed by its client ends its command (the hang-up a terminal would send).
      if (info.Running && session.closed) return exit(130);
      exit(info.ExitCode ?? (session.closed ? 130 : 0));
    } catch (err) {
      const text = (err as Error).message ?? String(err);
      this.deps.log('exec failed', { sessionId: msg.sessionId, err: text });
      exit(126, text.replace(/^\(HTTP code \d+\)[^-]*- /, ''));
    }
  }
}
