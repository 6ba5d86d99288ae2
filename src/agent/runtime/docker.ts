// ContainerRuntime on the Docker Engine API through dockerode, with a deadline on every call.
import Docker from 'dockerode';
import { PassThrough, Readable } from 'node:stream';
import { lineSplitter } from './lines.js';
import { resolveTimeouts, withTimeout, type DockerTimeouts } from './timeouts.js';
import {
  NameConflictError,
  NotFoundError,
  RuntimeUnavailableError,
  type ContainerInfo,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerSummary,
  type CreateSpec,
  type ImageInfo,
  type LogLine,
  type PortBinding,
  type RuntimeEvent,
  type RuntimeHealth,
  type RuntimeVersion,
  type VolumeSpec,
  type PullAuth,
} from './types.js';

export interface DockerRuntimeOptions {
  /** dockerode connection options; default: DOCKER_HOST or /var/run/docker.sock. */
  docker?: Docker.DockerOptions;
  timeouts?: Partial<DockerTimeouts>;
}

export const NO_DOCKER_HELP =
  'No Docker Engine is reachable (tried DOCKER_HOST or /var/run/docker.sock). Wharf runs tasks as Docker containers: ' +
  'install one (Debian/Ubuntu: `apt-get install docker.io`) and start it (`systemctl start docker`, or `dockerd &` ' +
  'where there is no systemd), then try again.';

function statusCode(err: unknown): number | undefined {
  return (err as { statusCode?: number } | null)?.statusCode;
}

function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string };
  return e?.json?.message ?? e?.message ?? String(err);
}

function unreachable(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES' || code === 'ECONNRESET';
}

function health(status: string | undefined): RuntimeHealth {
  return status === 'healthy' || status === 'unhealthy' || status === 'starting' ? status : 'none';
}

function date(s: string | undefined): Date | undefined {
  if (!s || s.startsWith('0001-')) return undefined;
  return new Date(s);
}

export class DockerRuntime implements ContainerRuntime {
  readonly docker: Docker;
  private readonly t: DockerTimeouts;

  constructor(opts: DockerRuntimeOptions = {}) {
    this.docker = new Docker(opts.docker);
    this.t = resolveTimeouts(opts.timeouts);
  }

  /** Runs one engine call under its deadline and turns "no engine" into the plain message. */
  private async call<T>(what: string, ms: number, work: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(work(), ms, `docker ${what}`);
    } catch (err) {
      if (unreachable(err)) throw new RuntimeUnavailableError(NO_DOCKER_HELP);
      if (statusCode(err) === 304) return undefined as T; // already started / already stopped: nothing to do
      if (statusCode(err) === 404) throw new NotFoundError(`docker ${what}: ${engineMessage(err)}`);
      if (statusCode(err) === 409 && what.startsWith('create')) throw new NameConflictError(engineMessage(err));
      throw err instanceof Error && !(err as { json?: unknown }).json ? err : new Error(engineMessage(err));
    }
  }

  async version(): Promise<RuntimeVersion> {
    const v = await this.call('version', this.t.inspectMs, () => this.docker.version());
    const info = (await this.call('info', this.t.inspectMs, () => this.docker.info())) as {
      CgroupDriver?: string; CgroupVersion?: string; Driver?: string; DriverStatus?: [string, string][]; Plugins?: { Log?: string[] };
    };
    return {
      version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch, cgroupDriver: info.CgroupDriver, cgroupVersion: info.CgroupVersion,
      logDrivers: info.Plugins?.Log, storageDriver: info.Driver,
      backingFilesystem: info.DriverStatus?.find(([k]) => k === 'Backing Filesystem')?.[1],
    };
  }

  async imagePresent(ref: string): Promise<boolean> {
    try {
      await this.call(`image inspect ${ref}`, this.t.inspectMs, () => this.docker.getImage(ref).inspect());
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  async imageInfo(ref: string): Promise<ImageInfo | undefined> {
    try {
      const i = await this.call(`image inspect ${ref}`, this.t.inspectMs, () => this.docker.getImage(ref).inspect());
      return { id: i.Id, repoDigests: i.RepoDigests ?? [] };
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  async buildImage(tag: string, context: Buffer): Promise<void> {
    await this.call(`build ${tag}`, this.t.pullMs, async () => {
      const stream = await this.docker.buildImage(Readable.from([context]), { t: tag, rm: true, forcerm: true });
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
          const failed = err ?? out.find((o) => o.error);
          if (failed) reject(failed instanceof Error ? failed : new Error(failed.error));
          else resolve();
        });
      });
    });
  }

  async pull(ref: string, auth?: PullAuth): Promise<void> {
    await this.call(`pull ${ref}`, this.t.pullMs, async () => {
      const stream = (await this.docker.pull(ref, auth ? { authconfig: auth } : {})) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
      });
    });
  }

  async create(spec: CreateSpec): Promise<string> {
    const c = await this.call(`create ${spec.name}`, this.t.createMs, () => this.docker.createContainer(spec));
    return c.id;
  }

  async start(id: string): Promise<void> {
    try {
      await this.call(`start ${id}`, this.t.startMs, () => this.docker.getContainer(id).start());
    } catch (err) {
      if (statusCode(err) !== 304) throw err; // already started
    }
  }

  async rename(id: string, name: string): Promise<void> {
    await this.call(`rename ${id}`, this.t.createMs, () => this.docker.getContainer(id).rename({ name }));
  }

  async stop(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.call(`stop ${id}`, timeoutSeconds * 1000 + this.t.stopGraceMs, () =>
        this.docker.getContainer(id).stop({ t: timeoutSeconds }),
      );
    } catch (err) {
      if (statusCode(err) !== 304 && !(err instanceof NotFoundError)) throw err; // already stopped, or gone
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.call(`remove ${id}`, this.t.removeMs, () => this.docker.getContainer(id).remove({ force: true, v: true }));
    } catch (err) {
      // Gone, or going: someone else's removal is under way.
      if (!(err instanceof NotFoundError) && !/already in progress/.test((err as Error).message)) throw err;
    }
  }

  async inspect(id: string): Promise<ContainerInfo> {
    const c = await this.call(`inspect ${id}`, this.t.inspectMs, () => this.docker.getContainer(id).inspect());
    const ports: PortBinding[] = [];
    for (const [key, bindings] of Object.entries(c.NetworkSettings?.Ports ?? {})) {
      const [port, proto] = key.split('/');
      for (const b of (bindings as { HostIp: string; HostPort: string }[] | null) ?? []) {
        ports.push({ containerPort: Number(port), protocol: proto === 'udp' ? 'udp' : 'tcp', hostIp: b.HostIp, hostPort: Number(b.HostPort) });
      }
    }
    const s = c.State;
    return {
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      image: c.Config.Image,
      labels: c.Config.Labels ?? {},
      status: s.Status,
      running: s.Running,
      exitCode: s.Running || s.Status === 'created' ? null : s.ExitCode,
      oomKilled: s.OOMKilled,
      error: s.Error ?? '',
      health: health((s as { Health?: { Status?: string } }).Health?.Status),
      startedAt: date(s.StartedAt),
      finishedAt: date(s.FinishedAt),
      ports,
      imageId: c.Image,
      pid: s.Pid || undefined,
      ipv4Address: c.NetworkSettings?.Networks?.bridge?.IPAddress || undefined,
    };
  }

  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
    const all = await this.call('list', this.t.listMs, () => this.docker.listContainers({ all: true, filters }));
    return all.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      labels: c.Labels ?? {},
      running: c.State === 'running',
    }));
  }

  async events(onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): Promise<() => void> {
    const stream = (await this.call('events', this.t.inspectMs, () =>
      this.docker.getEvents({ filters: { type: ['container'] } }),
    )) as NodeJS.ReadableStream & { destroy(): void };
    let closed = false;
    const split = lineSplitter((line) => {
      if (!line.trim()) return;
      const ev = JSON.parse(line) as { status?: string; Action?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
      const action = ev.Action ?? ev.status ?? '';
      const id = ev.Actor?.ID ?? ev.id ?? '';
      if (action === 'start') onEvent({ kind: 'start', id });
      else if (action === 'die') {
        const code = ev.Actor?.Attributes?.exitCode;
        onEvent({ kind: 'die', id, exitCode: code === undefined ? null : Number(code) });
      } else if (action === 'oom') onEvent({ kind: 'oom', id });
      else if (action === 'destroy') onEvent({ kind: 'destroy', id });
      else if (action.startsWith('health_status')) onEvent({ kind: 'health', id, health: health(action.split(': ')[1]) });
    });
    stream.on('data', (chunk: Buffer) => split.push(chunk));
    stream.on('error', (err: Error) => !closed && onError(err));
    stream.on('end', () => !closed && onError(new Error('docker event stream ended')));
    return () => {
      closed = true;
      stream.destroy();
    };
  }

  async logs(id: string, onLine: (line: LogLine) => void, opts: { since?: Date } = {}) {
    const container = this.docker.getContainer(id);
    const info = await this.call(`inspect ${id}`, this.t.inspectMs, () => container.inspect());
    const raw = (await this.call(`logs ${id}`, this.t.inspectMs, () =>
      container.logs({
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        since: opts.since ? opts.since.getTime() / 1000 : 0,
      }),
    )) as unknown as NodeJS.ReadableStream & { destroy(): void };
    const emit = (stream: LogLine['stream']) =>
      lineSplitter((line) => {
        const sp = line.indexOf(' ');
        const ts = new Date(line.slice(0, sp));
        onLine({ stream, timestamp: isNaN(ts.getTime()) ? new Date() : ts, message: isNaN(ts.getTime()) ? line : line.slice(sp + 1) });
      });
    const out = emit('stdout');
    const errs = emit('stderr');
    if (info.Config.Tty) raw.on('data', (c: Buffer) => out.push(c));
    else {
      const o = new PassThrough();
      const e = new PassThrough();
      o.on('data', (c: Buffer) => out.push(c));
      e.on('data', (c: Buffer) => errs.push(c));
      this.docker.modem.demuxStream(raw, o, e);
    }
    const done = new Promise<void>((resolve) => {
      raw.on('end', resolve);
      raw.on('close', resolve);
      raw.on('error', () => resolve());
    }).then(() => {
      out.end();
      errs.end();
    });
    return { stop: () => raw.destroy(), done };
  }

  async stats(id: string): Promise<ContainerStats> {
    const s = (await this.call(`stats ${id}`, this.t.statsMs, () =>
      // one-shot: a single sample at once (without it the engine waits a second for a second sample).
      this.docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false }),
    )) as { cpu_stats: { cpu_usage: { total_usage: number } }; memory_stats: { usage?: number; limit?: number }; read: string };
    return {
      cpuTotalNs: s.cpu_stats.cpu_usage.total_usage,
      memoryBytes: s.memory_stats.usage ?? 0,
      memoryLimitBytes: s.memory_stats.limit ?? 0,
      read: new Date(s.read),
      raw: s as unknown as Record<string, unknown>,
    };
  }

  async createVolume(spec: VolumeSpec): Promise<void> {
    await this.call(`volume create ${spec.name}`, this.t.createMs, () =>
      this.docker.createVolume({ Name: spec.name, Driver: spec.driver ?? 'local', DriverOpts: spec.driverOpts ?? {}, Labels: spec.labels ?? {} }),
    );
  }

  async volumeExists(name: string): Promise<boolean> {
    try {
      await this.call(`volume inspect ${name}`, this.t.inspectMs, () => this.docker.getVolume(name).inspect());
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.call(`volume remove ${name}`, this.t.removeMs, () => this.docker.getVolume(name).remove());
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}
