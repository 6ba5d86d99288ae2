// The agent's end of the channel (docs/agent-protocol.md §2): connects to the endpoint DiscoverPollEndpoint gave,
// hands every payload to the task engine, acknowledges it, answers heartbeats, and reconnects with backoff when the
// connection drops (each new connection starts with a full payload, so nothing is missed meanwhile).
import WebSocket from 'ws';
import { randomUUID } from 'node:crypto';
import type {
  AgentTask, ExecToAgent, InstanceCredentialsMessage, TaskCredentialsRequest, TaskCredentialsResponse, TaskSecretsRequest, TaskSecretsResponse,
} from '../protocol.js';

type Asked = Omit<TaskSecretsRequest, 'requestId'> | Omit<TaskCredentialsRequest, 'requestId'>;
type Answer = TaskSecretsResponse | TaskCredentialsResponse;
type Answered<R extends Asked> = R extends { type: 'TaskSecretsRequest' } ? TaskSecretsResponse : TaskCredentialsResponse;
import { presignChannelUrl, type AgentCredentials } from './signing.js';

export interface ChannelOptions {
  /** ws:// URL of the channel (from DiscoverPollEndpoint). */
  endpoint: () => Promise<string>;
  clusterArn: string;
  containerInstanceArn: string;
  agentVersion: string;
  region: string;
  credentials: () => AgentCredentials;
  onCredentials: (c: AgentCredentials) => void;
  onPayload: (tasks: AgentTask[], full: boolean) => void;
  onError: (message: string) => void;
  /** ECS Exec sessions the control plane relays (exec.ts). */
  onExec?: (msg: ExecToAgent) => void;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  /** Reconnect backoff bounds, ms. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export class ChannelClient {
  private ws: WebSocket | undefined;
  private stopped = false;
  private attempt = 0;
  private seqNum = 0;
  private timer: NodeJS.Timeout | undefined;
  private connectedOnce: (() => void) | undefined;
  /** Requests awaiting their answer, by request id. */
  private readonly pending = new Map<string, (answer: Answer) => void>();
  readonly connected: Promise<void>;

  constructor(private readonly opts: ChannelOptions) {
    this.connected = new Promise((resolve) => (this.connectedOnce = resolve));
  }

  start(): void {
    void this.connect();
  }

  send(msg: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /**
   * Asks the control plane and waits for its answer (sent again on each new connection until then, since one that
   * drops loses what it carried); rejects after timeoutMs.
   */
  request<R extends Asked>(msg: R, timeoutMs = 30_000): Promise<Answered<R>> {
    const requestId = randomUUID();
    const frame = JSON.stringify({ ...msg, requestId });
    return new Promise((resolve, reject) => {
      let sentOn: WebSocket | undefined;
      const trySend = () => {
        if (this.ws && this.ws !== sentOn && this.ws.readyState === WebSocket.OPEN) {
          sentOn = this.ws;
          this.ws.send(frame);
        }
      };
      const retry = setInterval(trySend, 250);
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the control plane did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const done = () => {
        clearInterval(retry);
        clearTimeout(timer);
        this.pending.delete(requestId);
      };
      this.pending.set(requestId, (answer) => {
        done();
        resolve(answer as Answered<R>);
      });
      trySend();
    });
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.terminate();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let url: string;
    try {
      const endpoint = await this.opts.endpoint();
      url = await presignChannelUrl(
        endpoint,
        {
          clusterArn: this.opts.clusterArn,
          containerInstanceArn: this.opts.containerInstanceArn,
          agentVersion: this.opts.agentVersion,
          seqNum: String(this.seqNum),
        },
        this.opts.credentials(),
        this.opts.region,
      );
    } catch (err) {
      this.opts.log('cannot reach the control plane', { error: (err as Error).message });
      return this.retry();
    }
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.opts.log('channel connected');
      this.connectedOnce?.();
    });
    ws.on('message', (data) => this.received(data.toString()));
    ws.on('unexpected-response', (_req, res) => {
      this.opts.log('channel refused', { status: res.statusCode });
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.ws === ws) this.retry();
    });
  }

  private retry(): void {
    if (this.stopped) return;
    const min = this.opts.minBackoffMs ?? 250;
    const max = this.opts.maxBackoffMs ?? 30_000;
    const delay = Math.min(max, min * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  private received(text: string): void {
    let msg: { type?: string; messageId?: string; seqNum?: number; full?: boolean; tasks?: AgentTask[]; message?: string };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    switch (msg.type) {
      case 'InstanceCredentials': {
        const c = msg as unknown as InstanceCredentialsMessage;
        this.opts.onCredentials({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey });
        break;
      }
      case 'PayloadMessage':
        this.seqNum = msg.seqNum ?? this.seqNum;
        this.opts.onPayload(msg.tasks ?? [], msg.full ?? false);
        this.send({ type: 'AckRequest', messageId: msg.messageId });
        break;
      case 'TaskSecretsResponse':
      case 'TaskCredentialsResponse':
        this.pending.get((msg as unknown as Answer).requestId)?.(msg as unknown as Answer);
        break;
      case 'HeartbeatMessage':
        this.send({ type: 'HeartbeatAck', messageId: msg.messageId });
        break;
      case 'Error':
        this.opts.onError(msg.message ?? 'the control plane closed the channel');
        break;
      case 'ExecPrepare':
      case 'ExecStart':
      case 'ExecInput':
      case 'ExecResize':
      case 'ExecClose':
        this.opts.onExec?.(msg as unknown as ExecToAgent);
        break;
    }
  }
}
