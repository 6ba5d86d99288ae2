// ECS Exec's relay on the control plane. ExecuteCommand opens a session (an id and a one-time token); `wharf exec`
// then joins it with a WebSocket on /_wharf/exec/SESSION_ID, presigned with SigV4 by the same key that called
// ExecuteCommand, and this relays the session to the agent of the task's instance over its channel: client input to
// `docker exec`, its output and exit code back. The output is recorded in CloudWatch Logs when the cluster's
// executeCommandConfiguration asks for it (OVERRIDE with a log group, or DEFAULT with the container's awslogs group).
//
// Client frames (JSON text): {type:'start', tty, cols?, rows?} first (or start=1&tty=0|1&cols&rows in the signed
// URL, which starts the command as the connection opens), then {type:'stdin', data} (base64),
// {type:'resize', cols, rows}. Server frames: {type:'stdout'|'stderr', data} (base64), {type:'exit', exitCode},
// {type:'error', message}. Sessions live in the memory of the replica that answered ExecuteCommand, whose stream
// URL the client is given.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecuteCommandConfiguration } from '@aws-sdk/client-ecs';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ExecFromAgent, ExecToAgent } from '../../agent/protocol.js';
import type { TaskRecord } from '../../domain/task.js';
import { AwsError } from '../../domain/errors.js';
import { verifySigV4 } from '../../gateway/auth/index.js';
import type { Logs } from '../../logs/index.js';
import type { Tables } from '../../state/tables.js';
import { findTaskDefinition } from '../ecs/taskDefinitions.js';

export const EXEC_PATH = '/_wharf/exec/';
/** A session nobody joins within this long is dropped (with its prepared exec, if any). */
const JOIN_WITHIN_MS = 60_000;
/** At most this much of a session's output is recorded in CloudWatch Logs. */
const MAX_RECORDED_BYTES = 1024 * 1024;

export interface ExecSessionsDeps {
  tables: Tables;
  logs?: Logs;
  logger: Logger;
  /** The secret of an access key (the gateway's: root, IAM users, role sessions), to check the stream's signature. */
  secretFor: (accessKeyId: string) => string | undefined;
  /** The gateway's ws:// base URL, known once it listens. */
  baseUrl: () => string;
  /** The agent channel: whether an instance's agent is connected, and sending to it. */
  agentConnected: (instanceKey: string) => boolean;
  sendToAgent: (instanceKey: string, msg: ExecToAgent) => boolean;
  now?: () => Date;
  /** How long a session waits for its client to join (60 s). */
  joinWithinMs?: number;
}

interface Session {
  id: string;
  token: string;
  accessKeyId: string;
  instanceKey: string;
  taskArn: string;
  containerName: string;
  command: string[];
  /** Where the session is recorded, if anywhere. */
  record?: { group: string; create: boolean };
  recorded: Buffer[];
  recordedBytes: number;
  socket?: WebSocket;
  expires: NodeJS.Timeout;
  /** Whether the agent was sent ExecPrepare (and holds an exec to drop if nobody joins). */
  prepared?: boolean;
}

export class ExecSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly now: () => Date;

  constructor(private readonly deps: ExecSessionsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  agentConnected(instanceKey: string): boolean {
    return this.deps.agentConnected(instanceKey);
  }

  open(req: {
    task: TaskRecord;
    containerName: string;
    command: string;
    accessKeyId: string;
    logging?: ExecuteCommandConfiguration;
    now: Date;
    /** Whether the client will ask for a TTY, when it said so: the agent then creates the exec at once. */
    tty?: boolean;
  }): { sessionId: string; streamUrl: string; tokenValue: string } {
    const id = `ecs-execute-command-${randomBytes(9).toString('hex')}`;
    const token = randomBytes(24).toString('base64url');
    const session: Session = {
      id,
      token,
      accessKeyId: req.accessKeyId,
      instanceKey: req.task.instanceKey!,
      taskArn: req.task.task.taskArn!,
      containerName: req.containerName,
      command: splitCommand(req.command),
      record: this.recordTarget(req.task, req.containerName, req.logging),
      recorded: [],
      recordedBytes: 0,
      expires: setTimeout(() => this.expire(id), this.deps.joinWithinMs ?? JOIN_WITHIN_MS),
    };
    session.expires.unref();
    this.sessions.set(id, session);
    if (req.tty !== undefined) {
      // The exec is created while the answer travels and the client opens its stream. Not sent: ExecStart says so.
      session.prepared = this.deps.sendToAgent(session.instanceKey, {
        type: 'ExecPrepare', sessionId: id, taskArn: session.taskArn, containerName: session.containerName, command: session.command, tty: req.tty,
      });
    }
    return { sessionId: id, streamUrl: `${this.deps.baseUrl()}${EXEC_PATH}${id}`, tokenValue: token };
  }

  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    let session: Session;
    try {
      const principal = verifySigV4({ method: 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body: Buffer.alloc(0) }, this.deps.secretFor, this.now());
      const url = new URL(req.url ?? '/', 'http://x');
      const found = this.sessions.get(url.pathname.slice(EXEC_PATH.length));
      const token = Buffer.from(url.searchParams.get('token') ?? '');
      if (!found || found.socket || token.length !== found.token.length || !timingSafeEqual(token, Buffer.from(found.token))) {
        throw new AwsError('InvalidParameterException', 'The session does not exist, has ended, or its token is wrong.');
      }
      if (principal.accessKeyId !== found.accessKeyId) {
        throw new AwsError('AccessDeniedException', 'The session belongs to the caller that opened it with ExecuteCommand.', 403);
      }
      session = found;
    } catch (err) {
      const status = err instanceof AwsError ? err.status : 403;
      const msg = err instanceof Error ? err.message : String(err);
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${msg}\n`);
      return;
    }
    clearTimeout(session.expires);
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    // A client may put its start frame's content in the (signed) URL: the command starts with the connection.
    const start = q.get('start') === '1' ? { tty: q.get('tty') === '1', cols: Number(q.get('cols')) || undefined, rows: Number(q.get('rows')) || undefined } : undefined;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.join(session, ws, start));
  }

  /** Output and exit codes from agents (their channel hands them here). */
  fromAgent(instanceKey: string, msg: ExecFromAgent): void {
    const s = this.sessions.get(msg.sessionId);
    if (!s || s.instanceKey !== instanceKey) return;
    if (msg.type === 'ExecOutput') {
      s.socket?.send(JSON.stringify({ type: msg.stream, data: msg.data }));
      if (s.record && s.recordedBytes < MAX_RECORDED_BYTES) {
        const chunk = Buffer.from(msg.data, 'base64');
        s.recorded.push(chunk);
        s.recordedBytes += chunk.length;
      }
      return;
    }
    if (msg.error) s.socket?.send(JSON.stringify({ type: 'error', message: msg.error }));
    s.socket?.send(JSON.stringify({ type: 'exit', exitCode: msg.exitCode }));
    this.end(s);
  }

  close(): void {
    for (const s of this.sessions.values()) {
      clearTimeout(s.expires);
      s.socket?.terminate();
    }
    this.sessions.clear();
  }

  private join(s: Session, ws: WebSocket, startNow?: { tty: boolean; cols?: number; rows?: number }): void {
    s.socket = ws;
    let started = false;
    const start = (msg: { tty?: boolean; cols?: number; rows?: number }) => {
      started = true;
      const sent = this.deps.sendToAgent(s.instanceKey, {
        type: 'ExecStart', sessionId: s.id, taskArn: s.taskArn, containerName: s.containerName, command: s.command,
        tty: msg.tty === true, cols: msg.cols, rows: msg.rows,
      });
      if (!sent) {
        ws.send(JSON.stringify({ type: 'error', message: 'TargetNotConnectedException: The execute command failed due to an internal error. Try again later.' }));
        ws.send(JSON.stringify({ type: 'exit', exitCode: 255 }));
        this.end(s);
      }
    };
    ws.on('message', (data) => {
      let msg: { type?: string; tty?: boolean; cols?: number; rows?: number; data?: string };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        return;
      }
      if (msg.type === 'start' && !started) {
        start(msg);
      } else if (msg.type === 'stdin' && started && typeof msg.data === 'string') {
        this.deps.sendToAgent(s.instanceKey, { type: 'ExecInput', sessionId: s.id, data: msg.data });
      } else if (msg.type === 'resize' && started && msg.cols && msg.rows) {
        this.deps.sendToAgent(s.instanceKey, { type: 'ExecResize', sessionId: s.id, cols: msg.cols, rows: msg.rows });
      }
    });
    ws.on('close', () => {
      if (!this.sessions.has(s.id)) return;
      // The client went away: the command is ended as a hang-up would end it.
      this.deps.sendToAgent(s.instanceKey, { type: 'ExecClose', sessionId: s.id });
      this.end(s);
    });
    ws.on('error', () => ws.terminate());
    if (startNow) start(startNow);
  }

  /** Nobody joined in time: the session goes, and the agent drops the exec it prepared. */
  private expire(id: string): void {
    const s = this.sessions.get(id);
    if (!s || s.socket) return;
    this.sessions.delete(id);
    if (s.prepared) this.deps.sendToAgent(s.instanceKey, { type: 'ExecClose', sessionId: id });
  }

  private end(s: Session): void {
    if (!this.sessions.delete(s.id)) return;
    clearTimeout(s.expires);
    s.socket?.close(1000);
    this.recordSession(s);
  }

  /** ECS Exec's session logging: OVERRIDE names the group; DEFAULT uses the container's awslogs group, if any. */
  private recordTarget(rec: TaskRecord, containerName: string, cfg: ExecuteCommandConfiguration | undefined): Session['record'] {
    if (!cfg || cfg.logging === 'NONE') return undefined;
    if (cfg.logging === 'OVERRIDE') {
      const group = cfg.logConfiguration?.cloudWatchLogGroupName;
      return group ? { group, create: false } : undefined;
    }
    const td = findTaskDefinition(this.deps.tables, rec.task.taskDefinitionArn!)?.value.taskDefinition;
    const lc = td?.containerDefinitions?.find((c) => c.name === containerName)?.logConfiguration;
    const group = lc?.logDriver === 'awslogs' ? lc.options?.['awslogs-group'] : undefined;
    return group ? { group, create: lc?.options?.['awslogs-create-group'] === 'true' } : undefined;
  }

  private recordSession(s: Session): void {
    if (!s.record || !this.deps.logs) return;
    const text = Buffer.concat(s.recorded).toString('utf8');
    const at = this.now().getTime();
    const lines = text.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1);
    const events = (lines.length ? lines : ['']).map((message) => ({ timestamp: at, message: message || ' ' }));
    this.deps.logs
      .ship({ group: s.record.group, stream: s.id, events, create: s.record.create })
      .catch((err: unknown) => this.deps.logger.warn({ err, session: s.id }, 'could not record the execute command session'));
  }
}

/** The command string as words: whitespace separates them, single and double quotes group them. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has || cur) words.push(cur);
  return words;
}
