// ECS Exec on the agent: runs `docker exec` in a task's container for a session the control plane relays, streams
// its output back on the channel, feeds it the client's input (with a TTY when interactive), and reports the exit code.
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import type { ExecFromAgent, ExecStart, ExecToAgent } from './protocol.js';

export interface ExecHostDeps {
  docker: Docker | undefined;
  /** The Docker id of a running container of a task, or undefined. */
  containerId: (taskArn: string, containerName: string) => string | undefined;
  send: (msg: ExecFromAgent) => void;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

interface Running {
  exec?: Docker.Exec;
  stream?: Duplex;
  closed: boolean;
}

export class ExecHost {
  private readonly sessions = new Map<string, Running>();

  constructor(private readonly deps: ExecHostDeps) {}

  handle(msg: ExecToAgent): void {
    const s = this.sessions.get(msg.sessionId);
    switch (msg.type) {
      case 'ExecStart':
        if (!s) void this.start(msg);
        break;
      case 'ExecInput':
        s?.stream?.write(Buffer.from(msg.data, 'base64'));
        break;
      case 'ExecResize':
        void s?.exec?.resize({ h: msg.rows, w: msg.cols }).catch(() => {});
        break;
      case 'ExecClose':
        if (s) {
          s.closed = true;
          s.stream?.end();
          s.stream?.destroy();
        }
        break;
    }
  }

  close(): void {
    for (const s of this.sessions.values()) s.stream?.destroy();
    this.sessions.clear();
  }

  private async start(msg: ExecStart): Promise<void> {
    const session: Running = { closed: false };
    this.sessions.set(msg.sessionId, session);
    const exit = (exitCode: number, error?: string) => {
      if (!this.sessions.delete(msg.sessionId)) return;
      this.deps.send({ type: 'ExecExit', sessionId: msg.sessionId, exitCode, ...(error ? { error } : {}) });
    };
    const id = this.deps.containerId(msg.taskArn, msg.containerName);
    if (!this.deps.docker || !id) return exit(126, `container ${msg.containerName} of the task is not running on this instance`);
    try {
      const exec = await this.deps.docker.getContainer(id).exec({
        Cmd: msg.command,
        AttachStdin: msg.tty,
        AttachStdout: true,
        AttachStderr: true,
        Tty: msg.tty,
        ...(msg.tty ? { Env: ['TERM=xterm'] } : {}),
      });
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
