// The control plane's end of the agent channel (docs/agent-protocol.md §2): a WebSocket per connected agent,
// authenticated with a SigV4 presigned URL, on which the control plane pushes the tasks placed on that instance.
// It also owns agentConnected: true while a channel is open, false the moment it drops.
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentTask, ExecFromAgent, ExecToAgent, TaskCredentialsResponse, TaskSecretsResponse } from '../../agent/protocol.js';
import { AwsError } from '../../domain/errors.js';
import { taskIdOf } from '../../domain/task.js';
import { verifySigV4 } from '../../gateway/auth/index.js';
import { Txn, type StateCache } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import { instanceSecret, sealedCredential } from '../../state/instanceCredentials.js';
import type { Sealer } from '../../sealing/index.js';
import { agentTask, type EfsResolver } from './payload.js';
import { anyServiceConnect, serviceConnectOf, type AliasMemo } from './serviceConnect.js';
import { TaskBatch } from '../../tasks/batch.js';
import { DEFAULT_STOPPED_RETENTION_MS } from '../../tasks/machine.js';
import type { Container } from '@aws-sdk/client-ecs';

type HealthStatus = NonNullable<Container['healthStatus']>;
import type { LogsMessage, StatsMessage } from './ingest.js';
import { TaskSecretsError, type TaskSecrets } from './taskSecrets.js';
import type { AgentSessions } from '../../state/agentSessions.js';

export interface AgentChannelOptions {
  cache: StateCache;
  tables: Tables;
  logger: Logger;
  secretFor: (accessKeyId: string) => string | undefined;
  /** Seals the instance secrets it creates (they are stored sealed, sent in the clear on the channel). */
  sealer: Sealer;
  heartbeatMs?: number;
  now?: () => Date;
  /** Container output an agent ships (see ingest.ts). */
  onLogs?: (instanceKey: string, msg: LogsMessage) => void;
  /** Task resource use an agent ships. */
  onStats?: (instanceKey: string, msg: StatsMessage) => void;
  /** Resolves tasks' EFS volumes (file system, access point) for the agents that mount them. */
  resolveEfs?: EfsResolver;
  /** ECS Exec output and exit codes from agents (exec.ts). */
  onExec?: (instanceKey: string, msg: ExecFromAgent) => void;
  /** Answers agents' requests for their tasks' secrets and role credentials. */
  taskSecrets?: TaskSecrets;
  /**
   * Replicas sharing a store: each channel this replica holds is a session row under its lease, so the instance
   * stays connected while any replica holds its channel, and only the replica holding it marks it disconnected.
   */
  replica?: { sessions: AgentSessions; id: string; url: () => string; leaseId: () => string | undefined };
  /**
   * Replicas: resolves once this replica's cache holds what the store held when called (cli/readiness.ts), so an
   * instance registered through another replica a moment ago is known here before its channel is refused.
   */
  barrier?: () => Promise<void>;
}

interface Session {
  socket: WebSocket;
  instanceKey: string;
  seqNum: number;
  heartbeat: NodeJS.Timeout;
}

export const CHANNEL_PATH = '/_wharf/acs';

export class AgentChannel {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  private readonly sessions = new Map<string, Session>();
  /** Task ARN -> the Service Connect configuration last pushed with it (its aliases' endpoints change with others). */
  private readonly connectSent = new Map<string, string>();
  private readonly now: () => Date;

  constructor(private readonly opts: AgentChannelOptions) {
    this.now = opts.now ?? (() => new Date());
    opts.cache.onChange((keys) => this.follow(keys));
  }

  get connected(): number {
    return this.sessions.size;
  }

  /** Whether an instance's agent has its channel open to this replica. */
  isConnected(instanceKey: string): boolean {
    return this.sessions.has(instanceKey);
  }

  /** Sends an ECS Exec message to an instance's agent; false when its channel is not open here. */
  sendTo(instanceKey: string, msg: ExecToAgent): boolean {
    const s = this.sessions.get(instanceKey);
    if (!s) return false;
    this.send(s.socket, msg);
    return true;
  }

  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.upgrade(req, socket, head);
  }

  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let instanceKey: string;
    try {
      verifySigV4({ method: 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body: Buffer.alloc(0) }, this.opts.secretFor, this.now());
      const params = new URL(req.url ?? '/', 'http://x').searchParams;
      const arn = params.get('containerInstanceArn') ?? '';
      const parts = arn.split('/');
      instanceKey = `${parts.at(-2)}/${parts.at(-1)}`;
      const known = () => {
        const row = this.opts.tables.containerInstances.get(instanceKey);
        return !!row && row.value.status !== 'INACTIVE';
      };
      if (!known() && this.opts.barrier) await this.opts.barrier();
      if (!known()) throw new AwsError('InvalidParameterException', `Unknown or inactive container instance ${arn}.`);
    } catch (err) {
      const status = err instanceof AwsError ? err.status : 400;
      const msg = err instanceof Error ? err.message : String(err);
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${msg}\n`);
      return;
    }
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.open(ws, instanceKey));
  }

  private async open(socket: WebSocket, instanceKey: string): Promise<void> {
    const { tables, cache } = this.opts;
    this.sessions.get(instanceKey)?.socket.close(4000, 'replaced by a newer connection');
    const heartbeat = setInterval(
      () => this.send(socket, { type: 'HeartbeatMessage', messageId: randomUUID() }),
      this.opts.heartbeatMs ?? 20_000,
    );
    const session: Session = { socket, instanceKey, seqNum: 0, heartbeat };
    this.sessions.set(instanceKey, session);
    socket.on('close', () => void this.closed(session));
    socket.on('message', (data) => this.received(session, data.toString()));
    socket.on('error', () => socket.terminate());
    try {
      const creds = await cache.update(() => {
        const row = tables.containerInstances.get(instanceKey)!;
        const txn = new Txn().put(
          tables.containerInstances,
          row.id,
          { ...row.value, agentConnected: true, disconnectedAt: undefined },
          row.modRevision,
        );
        this.holdSession(txn, instanceKey);
        const stored = [...tables.instanceCredentials.byIndex('instance', instanceKey)][0]?.value;
        if (stored) return { txn, result: { ...stored, secretAccessKey: instanceSecret(this.opts.sealer, stored) } };
        const cred = { accessKeyId: `AKIW${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64'), instanceKey };
        txn.put(tables.instanceCredentials, cred.accessKeyId, sealedCredential(this.opts.sealer, cred), 0);
        return { txn, result: cred };
      });
      this.send(socket, { type: 'InstanceCredentials', accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey });
      this.push(session, this.tasksOf(instanceKey), true);
      this.opts.logger.info({ instance: instanceKey }, 'agent connected');
    } catch (err) {
      this.opts.logger.error({ err, instance: instanceKey }, 'agent channel set-up failed');
      socket.close(1011, 'set-up failed');
    }
  }

  private async closed(session: Session): Promise<void> {
    clearInterval(session.heartbeat);
    if (this.sessions.get(session.instanceKey) !== session) return;
    this.sessions.delete(session.instanceKey);
    this.opts.logger.info({ instance: session.instanceKey }, 'agent disconnected');
    const { tables, cache } = this.opts;
    const replica = this.opts.replica;
    await cache
      .update(() => {
        const row = tables.containerInstances.get(session.instanceKey);
        if (!row || this.sessions.has(session.instanceKey)) return { txn: new Txn(), result: null };
        // The agent moved to another replica before this one heard the old channel close: that replica holds it now.
        const held = replica?.sessions.get(session.instanceKey);
        if (replica && held && held.value.replica !== replica.id) return { txn: new Txn(), result: null };
        const txn = new Txn().put(
          tables.containerInstances,
          row.id,
          { ...row.value, agentConnected: false, disconnectedAt: this.now() },
          row.modRevision,
        );
        if (replica && held) txn.delete(replica.sessions, held.id, held.modRevision);
        return { txn, result: null };
      })
      .catch((err: unknown) => this.opts.logger.error({ err }, 'could not record the agent disconnect'));
  }

  /** Adds to txn this replica's claim on the instance's channel, under its lease. */
  private holdSession(txn: Txn, instanceKey: string): void {
    const r = this.opts.replica;
    if (!r) return;
    const lease = r.leaseId();
    // Without a lease the row would outlive this replica: refuse the channel; the agent retries (here or elsewhere).
    if (!lease) throw new Error('this replica has no lease on the store at the moment');
    txn.put(r.sessions, instanceKey, { replica: r.id, url: r.url(), since: this.now() }, undefined, lease);
  }

  /**
   * After this replica's lease was lost and granted again: the session rows went with the old lease (and the leader
   * may have marked the instances disconnected), so the channels still open here are claimed again.
   */
  async reclaimSessions(): Promise<void> {
    const { tables, cache } = this.opts;
    for (const key of [...this.sessions.keys()]) {
      await cache
        .update(() => {
          const row = tables.containerInstances.get(key);
          if (!row || !this.sessions.has(key)) return { txn: new Txn(), result: null };
          const txn = new Txn().put(tables.containerInstances, row.id, { ...row.value, agentConnected: true, disconnectedAt: undefined }, row.modRevision);
          this.holdSession(txn, key);
          return { txn, result: null };
        })
        .catch((err: unknown) => this.opts.logger.warn({ err, instance: key }, 'could not claim the agent channel again'));
    }
  }

  private received(session: Session, text: string): void {
    let msg: { type?: string; taskArn?: string; requestId?: string; containers?: { containerName?: string; healthStatus?: string }[] };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === 'ContainerHealth' && msg.taskArn) void this.health(session, msg.taskArn, msg.containers ?? []);
    else if (msg.type === 'Logs' && msg.taskArn) this.opts.onLogs?.(session.instanceKey, msg as unknown as LogsMessage);
    else if (msg.type === 'TaskStats' && msg.taskArn) this.opts.onStats?.(session.instanceKey, msg as unknown as StatsMessage);
    else if (msg.type === 'ExecOutput' || msg.type === 'ExecExit') this.opts.onExec?.(session.instanceKey, msg as unknown as ExecFromAgent);
    else if (msg.type === 'TaskSecretsRequest' && msg.taskArn && msg.requestId) void this.secrets(session, msg.requestId, msg.taskArn);
    else if (msg.type === 'TaskCredentialsRequest' && msg.taskArn && msg.requestId) void this.roleCredentials(session, msg.requestId, msg.taskArn);
  }

  /** Values go into the answer only: never into a log line (a refusal names what, never a value). */
  private async secrets(session: Session, requestId: string, taskArn: string): Promise<void> {
    const answer: TaskSecretsResponse = { type: 'TaskSecretsResponse', requestId };
    try {
      if (!this.opts.taskSecrets) throw new TaskSecretsError('this control plane does not serve task secrets');
      answer.containers = await this.opts.taskSecrets.resolve(session.instanceKey, taskArn);
    } catch (err) {
      answer.error = err instanceof TaskSecretsError ? err.message : 'ResourceInitializationError: unable to pull secrets or registry auth: internal error';
      if (!(err instanceof TaskSecretsError)) this.opts.logger.error({ err, task: taskArn }, 'task secrets failed');
    }
    this.send(session.socket, answer);
  }

  private async roleCredentials(session: Session, requestId: string, taskArn: string): Promise<void> {
    const answer: TaskCredentialsResponse = { type: 'TaskCredentialsResponse', requestId };
    try {
      if (!this.opts.taskSecrets) throw new TaskSecretsError('this control plane does not serve task credentials');
      answer.credentials = await this.opts.taskSecrets.credentials(session.instanceKey, taskArn);
    } catch (err) {
      answer.error = err instanceof TaskSecretsError ? err.message : 'ResourceInitializationError: unable to get the task role credentials: internal error';
      if (!(err instanceof TaskSecretsError)) this.opts.logger.error({ err, task: taskArn }, 'task credentials failed');
    }
    this.send(session.socket, answer);
  }

  /** Container health comes over the channel (ECS carries it on its telemetry connection). */
  private async health(session: Session, arn: string, reports: { containerName?: string; healthStatus?: string }[]) {
    const { tables, cache } = this.opts;
    const cluster = arn.split('/').at(-2);
    await cache
      .update(() => {
        const row = tables.tasks.get(`${cluster}/${taskIdOf(arn)}`);
        if (!row || row.value.instanceKey !== session.instanceKey) return { txn: new Txn(), result: null };
        const health: Record<string, HealthStatus> = {};
        for (const r of reports) if (r.containerName && r.healthStatus) health[r.containerName] = r.healthStatus as HealthStatus;
        // Health comes with every report; the machine writes (and pushes back to the agent) only a change.
        const batch = new TaskBatch(tables, { now: this.now(), stoppedRetentionMs: DEFAULT_STOPPED_RETENTION_MS });
        batch.apply(row, { type: 'agent-health', health });
        const txn = batch.done();
        return { txn, result: null };
      })
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'could not record container health'));
  }

  private tasksOf(instanceKey: string): AgentTask[] {
    const out: AgentTask[] = [];
    for (const row of this.opts.tables.tasks.byIndex('instance', instanceKey)) {
      if (row.value.task.lastStatus === 'STOPPED') continue;
      const t = agentTask(this.opts.tables, row.value, this.opts.resolveEfs);
      if (t) out.push(t);
    }
    return out;
  }

  /** Pushes changed tasks to the agents they are placed on; closes channels of deregistered instances. */
  private follow(keys: readonly string[]): void {
    if (this.sessions.size === 0) return;
    const { tables } = this.opts;
    const byInstance = new Map<string, AgentTask[]>();
    const memo: AliasMemo = new Map();
    for (const k of keys) {
      if (k.startsWith(tables.tasks.prefix)) {
        const row = tables.tasks.get(k.slice(tables.tasks.prefix.length));
        const key = row?.value.instanceKey;
        if (!row || !key || !this.sessions.has(key)) continue;
        const t = agentTask(tables, row.value, this.opts.resolveEfs, memo);
        if (t) byInstance.set(key, [...(byInstance.get(key) ?? []), t]);
      } else if (k.startsWith(tables.containerInstances.prefix)) {
        const id = k.slice(tables.containerInstances.prefix.length);
        const row = tables.containerInstances.get(id);
        const s = this.sessions.get(id);
        if (s && (!row || row.value.status === 'INACTIVE')) {
          this.send(s.socket, { type: 'Error', message: 'The container instance was deregistered.' });
          s.socket.close(4001, 'deregistered');
        }
      }
    }
    if (keys.some((k) => k.startsWith(tables.tasks.prefix) || k.startsWith(tables.services.prefix))) this.followServiceConnect(byInstance, memo);
    for (const [key, tasks] of byInstance) this.push(this.sessions.get(key)!, tasks, false);
  }

  /**
   * Service Connect: a change to any task or service may change the endpoints behind the aliases that tasks on
   * other instances call, so every task whose configuration now differs from what its agent has is pushed again.
   */
  private followServiceConnect(byInstance: Map<string, AgentTask[]>, memo: AliasMemo): void {
    if (this.connectSent.size === 0 && !anyServiceConnect(this.opts.tables)) return;
    for (const key of this.sessions.keys()) {
      const pushing = new Set((byInstance.get(key) ?? []).map((t) => t.taskArn));
      for (const row of this.opts.tables.tasks.byIndex('instance', key)) {
        if (row.value.task.lastStatus === 'STOPPED' || pushing.has(row.value.task.taskArn!)) continue;
        const connect = serviceConnectOf(this.opts.tables, row.value, memo);
        const sent = this.connectSent.get(row.value.task.taskArn!);
        if ((connect === undefined && sent === undefined) || JSON.stringify(connect) === sent) continue;
        const t = agentTask(this.opts.tables, row.value, this.opts.resolveEfs, memo);
        if (t) byInstance.set(key, [...(byInstance.get(key) ?? []), t]);
      }
    }
  }

  private push(session: Session, tasks: AgentTask[], full: boolean): void {
    for (const t of tasks) {
      if (t.desiredStatus === 'STOPPED' || !t.serviceConnect) this.connectSent.delete(t.taskArn);
      else this.connectSent.set(t.taskArn, JSON.stringify(t.serviceConnect));
    }
    session.seqNum++;
    this.send(session.socket, { type: 'PayloadMessage', messageId: randomUUID(), seqNum: session.seqNum, full, tasks });
  }

  private send(socket: WebSocket, msg: object): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
  }

  close(): void {
    for (const s of this.sessions.values()) {
      clearInterval(s.heartbeat);
      s.socket.terminate();
    }
    this.sessions.clear();
    this.wss.close();
  }
}
