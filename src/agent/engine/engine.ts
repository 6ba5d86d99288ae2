// The task engine: makes the containers on this host match the AgentTasks it is given. It owns every TaskState, asks
// nextStep what to do for each container, runs that one runtime call, records the result and asks again. Runtime
// events (exit, health) and a 1 s tick feed the same loop; state leaves through the StateReporter.
import { readFile } from 'node:fs/promises';
import { LABELS, PAUSE_CONTAINER_NAME, type AgentTask } from '../protocol.js';
import { PAUSE_IMAGE, pauseBuildContext } from '../runtime/pause.js';
import { NameConflictError, type ContainerInfo, type ImageInfo, type RuntimeEvent } from '../runtime/types.js';
import { pinnedReference, repoDigestOf } from './imageRef.js';
import { publishedPorts } from './portRanges.js';
import { containerLabels, dockerName } from './names.js';
import { nextStep, type Action } from './nextStep.js';
import { resolveEngineOptions, type EngineOptions, type ResolvedEngineOptions } from './options.js';
import { containerReport, taskReport } from './reports.js';
import { buildPauseSpec, buildSpec, parseEnvFile } from './spec.js';
import { Status, REASONS, type HealthStatus } from './status.js';
import type { ContainerState, TaskState } from './state.js';
import { unsupported } from './support.js';
import { mustStop, taskHealth, taskKnownStatus } from './task.js';
import { prepareVolumes, type PreparedVolumes } from './volumes.js';
import { whyNotRestart } from './restartPolicy.js';
import { awslogsBufferLimit } from './logDrivers.js';
import { needsPause } from './namespaces.js';
import { WarmPauseHandoff } from './warmPauseHandoff.js';
import { ephemeralStorageRefusal, type StorageFacts } from './ephemeralStorage.js';
import { needsSecrets, pullAuthFrom, withSecrets } from '../secrets/containerSecrets.js';
import type { ContainerSecrets } from '../protocol.js';

/** What Docker says when a registry refuses the credentials of a pull. */
const REFUSED = /unauthorized|denied|authentication required|no basic auth credentials/i;

interface Reported {
  status?: Status;
  health?: HealthStatus;
}

const HEALTH: Record<string, HealthStatus> = { healthy: 'HEALTHY', unhealthy: 'UNHEALTHY' };

const taskId = (ts: TaskState) => ts.task.taskArn.split('/').pop()!;
/** Epoch milliseconds with the monotonic clock's precision: comparable across processes on one host. */
const epochMs = () => performance.timeOrigin + performance.now();

export class TaskEngine {
  private readonly o: ResolvedEngineOptions;
  private readonly tasks = new Map<string, TaskState>();
  private readonly byId = new Map<string, { t: TaskState; c: ContainerState }>();
  /** Containers found on start, not yet claimed by a task: taskArn -> container name -> runtime id. */
  private readonly adoptable = new Map<string, Map<string, string>>();
  private readonly prepared = new Map<string, PreparedVolumes>();
  /** Secret values of tasks still being created (by task ARN, then container): memory only, dropped once used. */
  private readonly secretValues = new Map<string, Record<string, ContainerSecrets>>();
  private readonly reported = new Map<string, Reported>();
  private readonly cleaned = new Set<string>();
  private readonly follows = new Map<string, { stop(): void }>();
  private readonly pulledOnce = new Set<string>();
  private pauseImage?: Promise<void>;
  private warm?: WarmPauseHandoff;
  private closeEvents?: () => void;
  private ticker?: NodeJS.Timeout;
  private startedAt = new Date();
  private closed = false;
  /** The engine's storage driver, for ephemeralStorage. */
  private storage: StorageFacts = {};

  constructor(opts: EngineOptions) {
    this.o = resolveEngineOptions(opts);
  }

  /** Lists this instance's containers for adoption, then follows runtime events. */
  async start(): Promise<void> {
    this.startedAt = new Date(this.o.now());
    this.storage = await this.o.runtime.version().catch(() => ({}));
    const { runtime, instanceArn, warmPauseContainers: size, dockerProxy, log } = this.o;
    this.warm = new WarmPauseHandoff({
      runtime, instanceArn, size, dockerProxy, log,
      dns: () => this.o.taskDns({ networkMode: 'awsvpc' } as AgentTask, true), ensureImage: () => this.ensurePauseImage(), busy: () => this.busy(),
    });
    // Before tasks arrive: the warm pause containers their earlier agent gave them are known by then.
    await this.warm.start();
    for (const c of await this.o.runtime.list({ [LABELS.instanceArn]: this.o.instanceArn })) {
      const arn = c.labels[LABELS.taskArn];
      const name = c.labels[LABELS.containerName];
      if (!arn || !name) continue;
      if (!this.adoptable.has(arn)) this.adoptable.set(arn, new Map());
      this.adoptable.get(arn)!.set(name, c.id);
    }
    await this.subscribe();
    this.ticker = setInterval(() => this.tick(), this.o.tickMs);
    this.ticker.unref();
  }

  /** Lets go of the runtime without touching the containers (they keep running; a new engine adopts them). */
  close(): void {
    this.closed = true;
    this.closeEvents?.();
    clearInterval(this.ticker);
    for (const f of this.follows.values()) f.stop();
    this.follows.clear();
    for (const ts of this.tasks.values()) for (const c of ts.containers) if (c.runtimeId) this.o.metadata.close(c.runtimeId);
    this.closedWarm = this.warm?.close();
  }

  /** Resolves once close() has removed the warm pause containers no task took. */
  closedWarm?: Promise<void>;

  /** Warm pause containers ready for awsvpc tasks (tests, the bench). */
  get warmPauseReady(): number {
    return this.warm?.ready ?? 0;
  }

  /** Level-triggered: the tasks this host should run. `full` lists them all; anything else here is stopped. */
  apply(tasks: AgentTask[], full = false): void {
    for (const t of tasks) this.accept(t);
    if (!full) return;
    const wanted = new Set(tasks.map((t) => t.taskArn));
    for (const ts of this.tasks.values()) {
      if (!wanted.has(ts.task.taskArn) && ts.task.desiredStatus !== 'STOPPED') {
        ts.task = { ...ts.task, desiredStatus: 'STOPPED', stopReason: ts.task.stopReason ?? 'Task is no longer assigned to this container instance' };
        this.reconcile(ts);
      }
    }
    for (const [arn, byName] of this.adoptable) {
      if (wanted.has(arn)) continue;
      this.adoptable.delete(arn);
      void this.removeOrphans(arn, [...byName.values()]);
    }
    this.warm?.dropUnwanted(new Set(tasks.map((t) => dockerName(t, PAUSE_CONTAINER_NAME))));
  }

  /** A read-only view of one task's state (tests, metadata). */
  /** Every task the engine holds (stats sampling walks them). */
  allTasks(): Readonly<TaskState>[] {
    return [...this.tasks.values()];
  }

  task(taskArn: string): Readonly<TaskState> | undefined {
    return this.tasks.get(taskArn);
  }

  private accept(task: AgentTask): void {
    const existing = this.tasks.get(task.taskArn);
    if (existing) {
      if (task.desiredStatus === 'STOPPED' && existing.task.desiredStatus !== 'STOPPED') existing.task = task;
      // Service Connect's endpoints move with other tasks: the newest list is the one to use.
      else if (JSON.stringify(task.serviceConnect) !== JSON.stringify(existing.task.serviceConnect)) existing.task = { ...existing.task, serviceConnect: task.serviceConnect };
      this.reconcile(existing);
      return;
    }
    if (this.cleaned.has(task.taskArn)) return;
    const defs = task.containers.map((c) => ({ name: c.name, containerArn: c.containerArn, definition: c.definition, hostPorts: c.hostPorts, pinnedImage: c.imageDigest as string | undefined, internal: false }));
    if (needsPause(task)) {
      defs.unshift({ name: PAUSE_CONTAINER_NAME, containerArn: '', definition: { name: PAUSE_CONTAINER_NAME, image: PAUSE_IMAGE }, hostPorts: [], pinnedImage: undefined, internal: true });
    }
    const ts: TaskState = {
      task,
      known: Status.NONE,
      desired: 'RUNNING',
      volumesReady: false,
      cleanedUp: false,
      containers: defs.map((d) => ({
        ...d,
        dockerName: dockerName(task, d.name),
        known: Status.NONE,
        desired: Status.RUNNING,
        health: 'UNKNOWN',
        bindings: [],
        inFlight: false,
      })),
    };
    this.tasks.set(task.taskArn, ts);
    this.mark(ts, 'accepted');
    const refusal = unsupported(task, this.o) ?? ephemeralStorageRefusal(task, this.storage);
    if (refusal) {
      for (const c of ts.containers) Object.assign(c, { known: Status.STOPPED, reason: refusal });
      this.reconcile(ts);
      return;
    }
    void this.adoptAndPrepare(ts);
  }

  /** Claims what a previous engine left running, then prepares volumes; containers wait (inFlight) meanwhile. */
  private async adoptAndPrepare(ts: TaskState): Promise<void> {
    const found = this.adoptable.get(ts.task.taskArn);
    this.adoptable.delete(ts.task.taskArn);
    for (const c of ts.containers) c.inFlight = true;
    try {
      for (const c of ts.containers) {
        const warm = c.internal ? this.warm?.claimedBy(c.dockerName) : undefined;
        const id = found?.get(c.name) ?? warm;
        if (id) await this.adopt(ts, c, id);
        if (warm) c.warm = true;
        if (warm && c.known === Status.RUNNING) await this.warm!.republish(ts.task, c.runtimeId!, this.awsvpcAddress(ts));
      }
      if (ts.task.desiredStatus === 'RUNNING' && ts.containers.some((c) => c.known < Status.CREATED)) {
        const labels = containerLabels(ts.task, '', this.o.instanceArn);
        delete (labels as Record<string, string>)[LABELS.containerName];
        // Secrets first: a task whose secrets cannot be read stops before anything is pulled, as on ECS.
        if (needsSecrets(ts.task)) this.secretValues.set(ts.task.taskArn, await this.o.secrets.fetch(ts.task.taskArn));
        this.prepared.set(ts.task.taskArn, await prepareVolumes(this.o.runtime, ts.task, labels, this.o.efsRoot));
        await this.prepareCgroup(ts);
      }
      ts.volumesReady = true;
      this.mark(ts, 'prepared');
    } catch (err) {
      const reason = String((err as Error).message ?? err);
      for (const c of ts.containers) if (c.known < Status.RUNNING) Object.assign(c, { known: Status.STOPPED, reason: reason.includes('Error:') ? reason : `CannotCreateContainerError: ${reason}` });
    } finally {
      for (const c of ts.containers) c.inFlight = false;
    }
    this.reconcile(ts);
  }

  private async prepareCgroup(ts: TaskState): Promise<void> {
    const { cpu, memory } = ts.task;
    if (!this.o.cgroups || (!cpu && !memory)) return;
    try {
      ts.cgroupParent = await this.o.cgroups.prepare(taskId(ts), { cpu: cpu ? Number(cpu) : undefined, memory: memory ? Number(memory) : undefined });
    } catch (err) {
      throw new Error(`ResourceInitializationError: cannot apply the task's cpu and memory limits: ${(err as Error).message}`);
    }
  }

  private async adopt(ts: TaskState, c: ContainerState, id: string): Promise<void> {
    let info: ContainerInfo;
    try {
      info = await this.o.runtime.inspect(id);
    } catch {
      return; // gone since we listed it: start afresh
    }
    c.runtimeId = id;
    this.byId.set(id, { t: ts, c });
    c.known = Status.PULLED; // the image is there
    if (info.imageId) this.noteDigest(c, c.definition.image!, await this.o.runtime.imageInfo(info.imageId).catch(() => undefined));
    if (info.status === 'created') c.known = Status.CREATED;
    else if (info.running) {
      this.markRunning(ts, c, info, this.startedAt);
      if (c.internal) void this.openMetadata(ts, c, info);
      c.health = HEALTH[info.health] ?? 'UNKNOWN';
    } else this.markExited(ts, c, info);
    this.o.log('adopted container', { task: ts.task.taskArn, container: c.name, status: info.status });
  }

  private reconcile(ts: TaskState): void {
    if (this.closed) return;
    for (let again = true; again; ) {
      again = false;
      if (ts.desired === 'RUNNING') {
        const stop = mustStop(ts);
        if (stop) {
          ts.desired = 'STOPPED';
          ts.stopCode = stop.stopCode;
          ts.stoppedReason = stop.reason;
        }
      }
      const now = this.o.now();
      for (const c of ts.containers) {
        const step = nextStep(ts, c, now);
        if (step.blockedOn && c.known === Status.CREATED) c.blockedSince ??= now;
        if (step.action === 'mark-stopped') {
          if (c.prestarted) {
            c.prestarted = false;
            this.warm?.stopUnstarted(c.runtimeId!);
          }
          c.known = Status.STOPPED;
          c.reason ??= step.reason;
          this.reportContainer(ts, c);
          again = true;
        } else if (step.action !== 'none') {
          this.run(ts, c, step.action);
        }
      }
    }
    this.updateTask(ts);
  }

  private run(ts: TaskState, c: ContainerState, action: Exclude<Action, 'none' | 'mark-stopped'>): void {
    c.inFlight = true;
    const work = { pull: () => this.pull(ts, c), create: () => this.create(ts, c), start: () => this.startContainer(ts, c), restart: () => this.restartContainer(ts, c), stop: () => this.stopContainer(ts, c) }[action];
    work()
      .catch((err: unknown) => this.failed(ts, c, action, err))
      .finally(() => {
        c.inFlight = false;
        this.reconcile(ts);
      });
  }

  private failed(ts: TaskState, c: ContainerState, action: string, err: unknown): void {
    const msg = (err as Error)?.message ?? String(err);
    this.o.log('container action failed', { task: ts.task.taskArn, container: c.name, action, error: msg });
    if (action === 'stop') return; // known stays RUNNING; the next tick tries again
    c.restarting = false;
    const prefix = { pull: 'CannotPullContainerError', create: 'CannotCreateContainerError', start: 'CannotStartContainerError', restart: 'CannotStartContainerError' }[action];
    c.known = Status.STOPPED;
    c.reason = msg.startsWith(prefix + ':') ? msg : `${prefix}: ${msg}`;
    this.reportContainer(ts, c);
  }

  private ensurePauseImage(): Promise<void> {
    this.pauseImage ??= (async () => {
      if (await this.o.runtime.imagePresent(PAUSE_IMAGE)) return;
      const { arch } = await this.o.runtime.version();
      await this.o.runtime.buildImage(PAUSE_IMAGE, pauseBuildContext(arch));
    })().catch((err) => {
      this.pauseImage = undefined;
      throw err;
    });
    return this.pauseImage;
  }

  private async pull(ts: TaskState, c: ContainerState): Promise<void> {
    if (c.internal) {
      await this.ensurePauseImage();
      c.known = Status.PULLED;
      this.mark(ts, `pulled ${c.name}`);
      return;
    }
    ts.pullStartedAt ??= new Date(this.o.now());
    const image = c.definition.image!;
    const rt = this.o.runtime;
    const own = pullAuthFrom(image, this.secretValues.get(ts.task.taskArn)?.[c.name]);
    const pullFrom = async (ref: string) => {
      try {
        await rt.pull(ref, own ?? (await this.o.registryAuth(ref)));
      } catch (err) {
        if (!own && REFUSED.test((err as Error).message)) this.o.registryAuthRefused?.(ref);
        throw err;
      }
    };
    let info: ImageInfo | undefined;
    if (c.pinnedImage) {
      // versionConsistency: the deployment's digest (repo@sha256:..., pulled by digest when this host lacks it, so
      // the tag is not looked at again), or, for an image no registry has, its image id, which only hosts holding
      // that image can run.
      const byDigest = pinnedReference(image, c.pinnedImage);
      c.runImage = byDigest;
      info = (await rt.imageInfo(byDigest)) ?? (await rt.imageInfo(c.pinnedImage));
      if (info?.id === c.pinnedImage) c.runImage = c.pinnedImage;
      else if (!info) {
        try {
          await pullFrom(byDigest);
        } catch (err) {
          throw new Error(`CannotPullContainerError: ${image} is pinned to ${c.pinnedImage} for this deployment (versionConsistency), and it cannot be pulled: ${(err as Error).message}`);
        }
        info = await rt.imageInfo(byDigest);
      }
    } else {
      const behavior = this.o.imagePullBehavior;
      info = behavior === 'always' ? undefined : await rt.imageInfo(image);
      const skip = (behavior === 'prefer-cached' && info) || (behavior === 'once' && info && this.pulledOnce.has(image));
      if (!skip) {
        try {
          await pullFrom(image);
          this.pulledOnce.add(image);
          info = await rt.imageInfo(image);
        } catch (err) {
          if (!(info && behavior === 'default')) throw new Error(`CannotPullContainerError: ${(err as Error).message}`);
          this.o.log('pull failed, using the cached image', { image });
        }
      }
    }
    this.noteDigest(c, image, info);
    c.known = Status.PULLED;
    this.mark(ts, `pulled ${c.name}`);
    if (ts.containers.every((x) => x.internal || x.known >= Status.PULLED)) ts.pullStoppedAt ??= new Date(this.o.now());
  }

  /** What the container reports as its imageDigest: the registry's manifest digest, else (built here) the image id. */
  private noteDigest(c: ContainerState, image: string, info: ImageInfo | undefined): void {
    if (!info) return;
    c.digestOf = info.id;
    const ref = c.runImage ?? (c.pinnedImage ? pinnedReference(image, c.pinnedImage) : image);
    c.digest = repoDigestOf(ref, info.repoDigests) ?? info.id;
  }

  private async create(ts: TaskState, c: ContainerState): Promise<void> {
    if (c.internal && (await this.takeWarmPause(ts, c))) return;
    const labels = containerLabels(ts.task, c.name, this.o.instanceArn);
    const built = c.internal
      ? buildPauseSpec({ task: ts.task, dockerName: c.dockerName, image: PAUSE_IMAGE, labels, address: this.awsvpcAddress(ts), cgroupParent: ts.cgroupParent })
      : buildSpec({
          task: ts.task,
          name: c.name,
          definition: c.runImage ? { ...c.definition, image: c.runImage } : c.definition,
          hostPorts: c.hostPorts,
          dockerName: c.dockerName,
          labels,
          fileEnv: [...this.o.metadata.env(ts.task, c.name), ...(await this.envFiles(c))],
          volumes: this.prepared.get(ts.task.taskArn)?.volumes ?? new Map(),
          dockerNames: new Map(ts.containers.map((x) => [x.name, x.dockerName])),
          pauseId: ts.containers.find((x) => x.internal)?.runtimeId,
          publishAddress: this.o.publishAddress,
          cgroupParent: ts.cgroupParent,
        });
    const spec = c.internal ? built : withSecrets(built, this.secretValues.get(ts.task.taskArn)?.[c.name]);
    const dns = this.o.taskDns(ts.task, c.internal);
    if (dns && !spec.HostConfig?.Dns) spec.HostConfig = { ...spec.HostConfig, Dns: dns };
    let id: string;
    try {
      id = await this.o.runtime.create(spec);
    } catch (err) {
      if (!(err instanceof NameConflictError)) throw err;
      // It exists already (an adoption race): take it over rather than make a second one.
      const [existing] = await this.o.runtime.list({ [LABELS.taskArn]: ts.task.taskArn, [LABELS.containerName]: c.name });
      if (!existing) throw err;
      await this.adopt(ts, c, existing.id);
      return;
    }
    c.runtimeId = id;
    this.byId.set(id, { t: ts, c });
    c.known = Status.CREATED;
    c.createdAt = new Date(this.o.now());
    this.mark(ts, `created ${c.name}`);
    if (ts.containers.every((x) => x.known >= Status.CREATED)) this.secretValues.delete(ts.task.taskArn);
  }

  /** Gives the task a warm pause container when one is ready and fits (warmPauseHandoff.ts). */
  private async takeWarmPause(ts: TaskState, c: ContainerState): Promise<boolean> {
    const id = await this.warm?.take(ts.task, c.dockerName, this.awsvpcAddress(ts));
    if (!id) return false;
    c.runtimeId = id;
    c.warm = true;
    c.prestarted = true;
    this.byId.set(id, { t: ts, c });
    c.known = Status.CREATED;
    c.createdAt = new Date(this.o.now());
    this.mark(ts, `created ${c.name} (warm)`);
    return true;
  }

  /** A task is starting: the warm pool's refill waits for it. */
  private busy(): boolean {
    for (const ts of this.tasks.values()) if (ts.desired === 'RUNNING' && ts.known < Status.RUNNING && ts.task.desiredStatus !== 'STOPPED') return true;
    return false;
  }

  private async envFiles(c: ContainerState): Promise<[string, string][]> {
    const out: [string, string][] = [];
    for (const f of c.definition.environmentFiles ?? []) {
      try {
        out.push(...parseEnvFile(await readFile(f.value!, 'utf8')));
      } catch (err) {
        throw new Error(`ResourceInitializationError: cannot read environment file ${f.value}: ${(err as Error).message}`);
      }
    }
    return out;
  }

  private async startContainer(ts: TaskState, c: ContainerState): Promise<void> {
    const id = c.runtimeId!;
    if (c.prestarted) c.prestarted = false;
    else await this.o.runtime.start(id);
    this.mark(ts, `started ${c.name}`);
    const info = await this.o.runtime.inspect(id);
    this.mark(ts, `inspected ${c.name}`);
    if (c.known === Status.STOPPED) return; // its exit event got here first
    // The task's namespace gets its metadata endpoint before any of its containers can start (they are gated on
    // the pause container running), so an application may read it from its first instruction.
    if (c.internal && info.running) {
      await this.openMetadata(ts, c, info);
      this.mark(ts, `endpoints ${c.name}`);
    }
    if (info.running) this.markRunning(ts, c, info);
    else this.markExited(ts, c, info);
  }

  /** Starts an exited container again in place (its restart policy took the exit). */
  private async restartContainer(ts: TaskState, c: ContainerState): Promise<void> {
    const id = c.runtimeId!;
    const since = new Date(this.o.now());
    await this.o.runtime.start(id);
    const info = await this.o.runtime.inspect(id);
    if (!c.restarting) return; // stopped meanwhile
    c.restarting = false;
    c.restartCount = (c.restartCount ?? 0) + 1;
    this.o.log('container restarted by its restart policy', { task: ts.task.taskArn, container: c.name, restartCount: c.restartCount });
    if (info.running) this.markRunning(ts, c, info, since);
    else this.markExited(ts, c, info);
  }

  /** The endpoint lives in the task's namespace (awsvpc: the pause container's) or in each container's (bridge, none). */
  private async openMetadata(ts: TaskState, c: ContainerState, info: ContainerInfo): Promise<void> {
    const mode = ts.task.networkMode;
    const own = c.internal ? mode === 'awsvpc' : mode === 'bridge' || mode === 'none';
    if (!own || !info.pid || !c.runtimeId) return;
    await this.o.metadata.open(c.runtimeId, info.pid, ts.task.taskArn).catch((err: Error) =>
      this.o.log('cannot open the task metadata endpoint', { task: ts.task.taskArn, container: c.name, error: err.message }),
    );
  }

  private async stopContainer(ts: TaskState, c: ContainerState): Promise<void> {
    const id = c.runtimeId!;
    const timeout = c.internal ? 0 : (c.definition.stopTimeout ?? this.o.stopTimeoutSeconds);
    await this.o.runtime.stop(id, timeout);
    const info = await this.o.runtime.inspect(id);
    if (!info.running && c.known !== Status.STOPPED) this.markExited(ts, c, info);
  }

  private markRunning(ts: TaskState, c: ContainerState, info: ContainerInfo, logsSince?: Date): void {
    c.known = Status.RUNNING;
    c.startedAt = info.startedAt ?? new Date(this.o.now());
    c.bindings = this.bindings(ts, c, info);
    c.imageId = info.imageId;
    c.ipv4Address = info.ipv4Address;
    this.reportContainer(ts, c);
    if (!c.internal) void this.follow(ts, c, logsSince);
    if (!c.internal) void this.openMetadata(ts, c, info);
  }

  private markExited(ts: TaskState, c: ContainerState, info: ContainerInfo): void {
    c.known = Status.STOPPED;
    c.restarting = false;
    if (c.runtimeId) this.o.metadata.close(c.runtimeId);
    if (c.warm && c.runtimeId) void this.warm?.released(c.runtimeId);
    if (info.startedAt) c.startedAt ??= info.startedAt;
    c.finishedAt = info.finishedAt;
    c.exitCode = info.exitCode ?? undefined;
    if (info.oomKilled) {
      c.reason = REASONS.oom;
      c.exitCode = 137;
    } else if (info.error && !c.reason) c.reason = `CannotStartContainerError: ${info.error}`;
    this.reportContainer(ts, c);
  }

  private awsvpcAddress(ts: TaskState): string {
    return ts.task.privateIPv4Address ?? this.o.publishAddress;
  }

  private bindings(ts: TaskState, c: ContainerState, info: ContainerInfo): ContainerState['bindings'] {
    // Per port here; reports.ts turns a containerPortRange's ports into one range binding, as ECS reports it.
    const ports = publishedPorts(c.definition, c.hostPorts, true);
    switch (ts.task.networkMode) {
      case 'bridge':
        return info.ports.map((p) => ({ bindIP: p.hostIp, containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol }));
      case 'host':
        return ports.map((p) => ({ bindIP: '0.0.0.0', containerPort: p.containerPort, hostPort: p.containerPort, protocol: p.protocol }));
      case 'awsvpc':
        return ports.map((p) => ({ bindIP: this.awsvpcAddress(ts), containerPort: p.containerPort, hostPort: p.containerPort, protocol: p.protocol }));
      default:
        return [];
    }
  }

  private async follow(ts: TaskState, c: ContainerState, since?: Date): Promise<void> {
    const id = c.runtimeId!;
    if (this.follows.has(id)) return;
    const buffer = awslogsBufferLimit(c.definition);
    if (buffer !== undefined) this.o.logSink.limit?.(ts.task.taskArn, c.name, buffer);
    try {
      const f = await this.o.runtime.logs(
        id,
        (l) => this.o.logSink.write({ taskArn: ts.task.taskArn, containerName: c.name, ...l }),
        since ? { since } : {},
      );
      if (this.closed) return f.stop();
      this.follows.set(id, f);
      // A restarted container gets a new follow under the same id: only this one may remove itself.
      void f.done.then(() => {
        if (this.follows.get(id) === f) this.follows.delete(id);
      });
    } catch (err) {
      this.o.log('cannot follow logs', { container: c.name, error: (err as Error).message });
    }
  }

  private async subscribe(): Promise<void> {
    this.closeEvents = await this.o.runtime.events(
      (e) => this.onEvent(e),
      (err) => {
        if (this.closed) return;
        this.o.log('runtime event stream broke; resubscribing', { error: err.message });
        setTimeout(() => void this.subscribe().then(() => this.resync()).catch(() => {}), 1000).unref();
      },
    );
  }

  private onEvent(e: RuntimeEvent): void {
    const hit = this.byId.get(e.id);
    if (!hit) return;
    const { t, c } = hit;
    if (e.kind === 'health') {
      c.health = HEALTH[e.health] ?? 'UNKNOWN';
      this.reconcile(t);
    } else if (e.kind === 'die' || e.kind === 'destroy') {
      void this.observe(t, c);
    }
  }

  /** Re-reads a container after an event (or a lost event stream) and records an exit. */
  private async observe(ts: TaskState, c: ContainerState): Promise<void> {
    if (c.known !== Status.RUNNING || !c.runtimeId || c.restarting) return;
    try {
      const info = await this.o.runtime.inspect(c.runtimeId);
      if (!info.running && c.known === Status.RUNNING && !c.restarting) {
        if (!this.restartsOnExit(ts, c, info)) this.markExited(ts, c, info);
      }
    } catch {
      if (c.known === Status.RUNNING) Object.assign(c, { known: Status.STOPPED, reason: 'Container disappeared from the host' });
      this.reportContainer(ts, c);
    }
    this.reconcile(ts);
  }

  /** Whether the container's restart policy takes this exit; if so it stays RUNNING and nextStep restarts it. */
  private restartsOnExit(ts: TaskState, c: ContainerState, info: ContainerInfo): boolean {
    if (c.internal) return false;
    const taskStopping = ts.desired === 'STOPPED' || ts.task.desiredStatus === 'STOPPED';
    const why = whyNotRestart(c.definition, { exitCode: info.exitCode, startedAt: info.startedAt ?? c.startedAt, taskStopping, nowMs: this.o.now() });
    if (why !== undefined) {
      if (c.definition.restartPolicy?.enabled) this.o.log('container exited; not restarted', { task: ts.task.taskArn, container: c.name, exitCode: info.exitCode, why });
      return false;
    }
    c.restarting = true;
    if (c.runtimeId) this.o.metadata.close(c.runtimeId);
    this.follows.get(c.runtimeId!)?.stop();
    this.follows.delete(c.runtimeId!);
    return true;
  }

  private resync(): void {
    for (const ts of this.tasks.values()) for (const c of ts.containers) void this.observe(ts, c);
  }

  private tick(): void {
    const now = this.o.now();
    for (const ts of this.tasks.values()) {
      if (ts.known !== Status.STOPPED) this.reconcile(ts);
      else if (!ts.cleanedUp && ts.stoppedAtMs !== undefined && now - ts.stoppedAtMs >= this.o.cleanupWaitMs) void this.cleanup(ts);
    }
  }

  private async cleanup(ts: TaskState): Promise<void> {
    ts.cleanedUp = true;
    for (const c of ts.containers) {
      if (!c.runtimeId) continue;
      this.o.metadata.close(c.runtimeId);
      await this.o.runtime.remove(c.runtimeId).catch((err) => this.o.log('remove failed', { error: (err as Error).message }));
      if (c.warm) await this.warm?.released(c.runtimeId);
      this.byId.delete(c.runtimeId);
    }
    for (const v of this.prepared.get(ts.task.taskArn)?.taskScoped ?? []) {
      await this.o.runtime.removeVolume(v).catch((err) => this.o.log('volume remove failed', { error: (err as Error).message }));
    }
    this.prepared.delete(ts.task.taskArn);
    await this.o.cgroups?.remove(taskId(ts));
    this.tasks.delete(ts.task.taskArn);
    this.reported.delete(ts.task.taskArn);
    this.cleaned.add(ts.task.taskArn);
  }

  private async removeOrphans(taskArn: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.o.runtime.stop(id, this.o.stopTimeoutSeconds).catch(() => {});
      await this.o.runtime.remove(id).catch(() => {});
    }
    await this.o.cgroups?.remove(taskArn.split('/').pop()!);
    await this.o.reporter.taskChanged({ taskArn, status: 'STOPPED', reason: 'Task is no longer assigned to this container instance', healthStatus: 'UNKNOWN', containers: [], attachments: [] });
  }

  private updateTask(ts: TaskState): void {
    const known = taskKnownStatus(ts);
    if (known === Status.STOPPED && ts.known !== Status.STOPPED) {
      this.secretValues.delete(ts.task.taskArn);
      ts.executionStoppedAt = new Date(this.o.now());
      ts.stoppedAtMs = this.o.now();
      void this.o.cgroups?.remove(taskId(ts)); // adopted tasks have one too, without cgroupParent set
    }
    ts.known = known;
    const health = taskHealth(ts);
    const last = this.reported.get(ts.task.taskArn) ?? {};
    const reportable = known === Status.RUNNING || known === Status.STOPPED;
    if (!reportable || (last.status === known && last.health === health)) return;
    if (last.status === Status.STOPPED) return; // nothing after STOPPED
    this.reported.set(ts.task.taskArn, { status: known, health });
    if (known === Status.RUNNING && ts.timeline) {
      this.mark(ts, 'reported');
      const [, t0] = ts.timeline[0]!;
      this.o.log('task running', { task: ts.task.taskArn, acceptedAt: t0, steps: Object.fromEntries(ts.timeline.map(([k, t]) => [k, Math.round((t - t0) * 10) / 10])) });
      ts.timeline = undefined;
    }
    void Promise.resolve(this.o.reporter.taskChanged(taskReport(ts, health))).catch((err) => this.o.log('task report failed', { error: String(err) }));
  }

  /** Records when a step of the task's start happened; logged with the first RUNNING report. */
  private mark(ts: TaskState, step: string): void {
    if (ts.known >= Status.RUNNING && step !== 'reported') return;
    (ts.timeline ??= []).push([step, epochMs()]);
  }

  private reportContainer(ts: TaskState, c: ContainerState): void {
    if (c.internal) return;
    void Promise.resolve(this.o.reporter.containerChanged(containerReport(ts, c))).catch((err) => this.o.log('container report failed', { error: String(err) }));
  }
}
