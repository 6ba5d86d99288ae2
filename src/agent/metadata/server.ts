// The task metadata endpoint v4 (ECS_CONTAINER_METADATA_URI_V4, and v3's ECS_CONTAINER_METADATA_URI with the same
// documents): one HTTP handler in the agent, reached through listeners inside each task's network namespace
// (netns.ts) and one on the host's loopback for host-mode tasks.
//
//   GET ${URI}              this container          GET ${URI}/stats        its Docker stats
//   GET ${URI}/task         the task, all containers GET ${URI}/task/stats   Docker stats of each, by DockerId
//   GET /v2/credentials/ID  the task role's temporary credentials (AWS_CONTAINER_CREDENTIALS_*_URI)
//   anything else           proxied to the control plane's gateway (AWS_ENDPOINT_URL of tasks with a role)
import http from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { MetadataHooks } from '../engine/options.js';
import type { ContainerState, TaskState } from '../engine/state.js';
import { Status } from '../engine/status.js';
import type { AgentTask, TaskRoleCredentials } from '../protocol.js';
import type { CredentialIds } from '../secrets/taskCredentials.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { containerDocument, taskDocument, type HostFacts } from './documents.js';
import { endpointId } from './endpointId.js';
import { listenInNamespace, namespaceObstacle, warmNamespaceHelper } from './netns.js';

/** The port ECS's agent serves its metadata on; inside a task's namespace it is always free. */
export const METADATA_PORT = 51679;
/** Where ECS serves task credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is relative to it). */
export const CREDENTIALS_ADDRESS = '169.254.170.2';

export interface MetadataServerOptions {
  runtime: ContainerRuntime;
  host: HostFacts;
  /** Default 51679. */
  port?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** A task role's current credentials (the agent's cache). Without it no task gets role credentials. */
  roleCredentials?: (taskArn: string) => Promise<TaskRoleCredentials>;
  credentialIds?: CredentialIds;
  /** The control plane's URL: AWS API calls from inside tasks reach it through the listener. */
  gateway?: string;
}

type Found = { ts: TaskState; c: ContainerState };

export class MetadataServer implements MetadataHooks {
  /** Listens on the host's loopback, and serves the connections accepted inside task namespaces too. */
  private readonly http = http.createServer((req, res) => void this.handle(req, res));
  private readonly port: number;
  private readonly obstacle = namespaceObstacle();
  private readonly namespaces = !this.obstacle;
  private readonly listeners = new Map<string, Server>();
  private readonly wanted = new Set<string>();
  /** A connection accepted inside a task's namespace may read that task only. */
  private readonly scope = new WeakMap<Socket, string>();
  /** The previous stats read of each container (for precpu_stats); goes with the engine's record of it. */
  private readonly lastStats = new WeakMap<ContainerState, Record<string, unknown>>();
  private hostBase = '';
  private tasks: () => readonly TaskState[] = () => [];
  private readonly log: NonNullable<MetadataServerOptions['log']>;

  constructor(private readonly o: MetadataServerOptions) {
    this.port = o.port ?? METADATA_PORT;
    this.log = o.log ?? (() => {});
    this.http.keepAliveTimeout = 5000;
  }

  /** Listens on the host's loopback (host-mode tasks): the usual port, or a free one when another agent holds it. */
  async start(): Promise<void> {
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        this.http.once('error', reject);
        this.http.listen({ host: '127.0.0.1', port }, () => {
          this.http.off('error', reject);
          resolve();
        });
      });
    await listen(this.port).catch(() => listen(0));
    this.hostBase = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    if (this.obstacle) this.log(`the task metadata endpoint serves host-mode tasks only: ${this.obstacle}`);
    else warmNamespaceHelper();
  }

  /** Where the tasks come from (the engine's). */
  source(tasks: () => readonly TaskState[]): void {
    this.tasks = tasks;
  }

  env(task: AgentTask, containerName: string): [string, string][] {
    const base = task.networkMode === 'host' ? this.hostBase : this.namespaces ? `http://127.0.0.1:${this.port}` : '';
    if (!base) return [];
    const id = endpointId(task.taskArn, containerName);
    // v3 is what older clients read; it serves the same documents.
    const vars: [string, string][] = [['ECS_CONTAINER_METADATA_URI_V4', `${base}/v4/${id}`], ['ECS_CONTAINER_METADATA_URI', `${base}/v3/${id}`]];
    return task.taskRoleArn ? [...vars, ...this.roleEnv(task, base)] : vars;
  }

  /**
   * What the AWS SDKs read for a task role: ECS's relative URI (served on 169.254.170.2 inside the task's namespace),
   * the full URI on the listener's loopback address, the region, and Wharf's endpoint as reachable from the task.
   */
  private roleEnv(task: AgentTask, base: string): [string, string][] {
    if (!this.o.roleCredentials || !this.o.credentialIds) return [];
    const path = `/v2/credentials/${this.o.credentialIds.of(task.taskArn)}`;
    const region = task.taskArn.split(':')[3]!;
    const endpoint = task.networkMode === 'host' ? this.o.gateway : base;
    // Host mode shares the host's network, where 169.254.170.2 is not Wharf's: SDKs must take the full URI.
    const relative: [string, string][] = task.networkMode === 'host' ? [] : [['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', path]];
    return [
      ...relative,
      ['AWS_CONTAINER_CREDENTIALS_FULL_URI', `${base}${path}`],
      ...(endpoint ? [['AWS_ENDPOINT_URL', endpoint] as [string, string]] : []),
      ['AWS_REGION', region],
      ['AWS_DEFAULT_REGION', region],
    ];
  }

  async open(key: string, pid: number, taskArn: string): Promise<void> {
    if (!this.namespaces || this.wanted.has(key)) return; // open or being opened
    this.wanted.add(key);
    let server: Server;
    try {
      server = await listenInNamespace(pid, this.port);
    } catch (err) {
      this.wanted.delete(key);
      throw err;
    }
    if (!this.wanted.has(key)) return void server.close(); // its container stopped meanwhile
    this.serve(key, server, taskArn);
    const task = this.tasks().find((t) => t.task.taskArn === taskArn)?.task;
    if (task?.taskRoleArn && this.o.roleCredentials) {
      // Fetched now, so a container that asks at its first instruction is answered at once.
      void this.o.roleCredentials(taskArn).catch((err: Error) => this.log('no credentials for the task role', { task: taskArn, error: err.message }));
      // ECS's own address for credentials, on this namespace's loopback only: SDKs prefer the relative URI.
      const creds = await listenInNamespace(pid, 80, { host: CREDENTIALS_ADDRESS, addAddress: true }).catch((err: Error) => {
        this.log('cannot serve task credentials on 169.254.170.2', { task: taskArn, error: err.message });
        return undefined;
      });
      if (creds && this.wanted.has(key)) this.serve(`${key}#credentials`, creds, taskArn);
      else creds?.close();
    }
  }

  private serve(key: string, server: Server, taskArn: string): void {
    server.on('connection', (socket: Socket) => {
      this.scope.set(socket, taskArn);
      this.http.emit('connection', socket);
    });
    this.listeners.set(key, server);
  }

  close(key: string): void {
    this.wanted.delete(key);
    for (const k of [key, `${key}#credentials`]) {
      this.listeners.get(k)?.close();
      this.listeners.delete(k);
    }
  }

  async stop(): Promise<void> {
    for (const key of [...this.listeners.keys()]) this.close(key);
    this.http.close();
    this.http.closeAllConnections();
  }

  private find(id: string, scope: string | undefined): Found | undefined {
    for (const ts of this.tasks()) {
      if (scope && ts.task.taskArn !== scope) continue;
      for (const c of ts.containers) {
        if (c.internal) continue;
        if (endpointId(ts.task.taskArn, c.name) === id) return { ts, c };
      }
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (code: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    try {
      const path = new URL(req.url ?? '/', 'http://metadata').pathname.replace(/\/+$/, '');
      const scope = this.scope.get(req.socket);
      if (path.startsWith('/v2/credentials/')) return send(...(await this.credentials(path.slice('/v2/credentials/'.length), scope)));
      if (!/^\/v[34]\//.test(path) && this.o.gateway) return this.proxy(req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { message: `${req.method} is not allowed` });
      const m = /^\/v[34]\/([^/]+)(\/task)?(\/stats)?$/.exec(path);
      if (!m) return send(404, { message: `no such metadata path: ${path}` });
      const found = this.find(m[1]!, scope);
      if (!found) return send(404, { message: `no container with metadata id ${m[1]}` });
      const [, , task, stats] = m;
      if (!stats) return send(200, task ? taskDocument(found.ts, this.o.host) : containerDocument(found.ts, found.c, this.o.host));
      if (!task) return send(200, (await this.stats(found.c)) ?? {});
      const all: Record<string, unknown> = {};
      for (const c of found.ts.containers) if (!c.internal && c.runtimeId) all[c.runtimeId] = (await this.stats(c)) ?? null;
      return send(200, all);
    } catch (err) {
      this.log('task metadata request failed', { url: req.url, error: (err as Error).message });
      if (!res.headersSent) send(500, { message: (err as Error).message });
    }
  }

  /** A task's role credentials, only to a connection from that task's namespace (or the host's listener). */
  private async credentials(id: string, scope: string | undefined): Promise<[number, unknown]> {
    const ids = this.o.credentialIds;
    // A stopped task's credentials are gone, as ECS's agent removes them when the task stops.
    const ts = ids && this.tasks().find((t) => (!scope || t.task.taskArn === scope) && t.task.taskRoleArn && t.known !== Status.STOPPED && ids.of(t.task.taskArn) === id);
    if (!ts || !this.o.roleCredentials) return [400, { code: 'NoCredentialsFound', message: `no credentials found for id ${id}` }];
    try {
      return [200, await this.o.roleCredentials(ts.task.taskArn)];
    } catch (err) {
      return [500, { code: 'CredentialsUnavailable', message: (err as Error).message }];
    }
  }

  /** AWS API calls from inside a task: passed on untouched (the signature covers the Host the client used). */
  private proxy(req: http.IncomingMessage, res: http.ServerResponse): void {
    const target = new URL(this.o.gateway!);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (res.headersSent) return void res.destroy();
      const text = JSON.stringify({ message: `the control plane cannot be reached: ${err.message}` });
      res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    });
    req.pipe(upstream);
  }

  /** Docker's stats document; precpu_stats comes from the previous read so CPU percentages can be computed. */
  private async stats(c: ContainerState): Promise<Record<string, unknown> | undefined> {
    if (!c.runtimeId || c.known !== Status.RUNNING) return undefined;
    const raw = (await this.o.runtime.stats(c.runtimeId)).raw;
    if (!raw) return undefined;
    const prev = this.lastStats.get(c);
    this.lastStats.set(c, raw);
    return prev ? { ...raw, precpu_stats: prev.cpu_stats, preread: prev.read } : raw;
  }
}
