// The container runtime seen by the task engine: the one I/O edge to Docker. The engine only talks to this
// interface, so a simulated runtime (for scale tests) can stand in, and both run the contract suite in contract.ts.
import type { ContainerCreateOptions } from 'dockerode';

/**
 * What to create. Shaped like the Docker Engine API's create body (it is the richest vocabulary for a container, and
 * the one real implementation speaks it); a simulated runtime reads the subset it models.
 */
export type CreateSpec = ContainerCreateOptions & { name: string; Image: string };

export type RuntimeHealth = 'starting' | 'healthy' | 'unhealthy' | 'none';

export interface PortBinding {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
  hostPort: number;
}

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  /** created | running | paused | restarting | removing | exited | dead */
  status: string;
  running: boolean;
  exitCode: number | null;
  oomKilled: boolean;
  error: string;
  health: RuntimeHealth;
  startedAt?: Date;
  finishedAt?: Date;
  ports: PortBinding[];
  /** The image's id (sha256:...). */
  imageId?: string;
  /** The main process's pid on the host while it runs (its network namespace is /proc/PID/ns/net). */
  pid?: number;
  /** Its address on the engine's default network (bridge mode), if any. */
  ipv4Address?: string;
}

export interface ImageInfo {
  id: string;
  /** `repo@sha256:...` for each repository it was pulled from or pushed to; empty for an image only built here. */
  repoDigests: string[];
}

export interface ContainerSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  running: boolean;
}

export type RuntimeEvent =
  | { kind: 'start'; id: string }
  | { kind: 'die'; id: string; exitCode: number | null }
  | { kind: 'oom'; id: string }
  | { kind: 'health'; id: string; health: RuntimeHealth }
  | { kind: 'destroy'; id: string };

export interface LogLine {
  stream: 'stdout' | 'stderr';
  timestamp: Date;
  message: string;
}

export interface ContainerStats {
  cpuTotalNs: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  read: Date;
  /** The engine's own stats document (Docker's ContainerStats JSON), as the task metadata endpoint serves it. */
  raw?: Record<string, unknown>;
}

export interface VolumeSpec {
  name: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface RuntimeVersion {
  /** Engine version, e.g. 20.10.24. */
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** cgroupfs | systemd (Docker's), when the engine says. */
  cgroupDriver?: string;
  /** 1 | 2, when the engine says. */
  cgroupVersion?: string;
  /** The log drivers the engine has (docker info: Plugins.Log), when it says. */
  logDrivers?: string[];
  /** overlay2, ..., and the filesystem under it (docker info: Driver, DriverStatus), when it says. */
  storageDriver?: string;
  backingFilesystem?: string;
}

export interface ContainerRuntime {
  version(): Promise<RuntimeVersion>;
  imagePresent(ref: string): Promise<boolean>;
  /** The image's id and the manifest digests registries gave it (Docker's RepoDigests), or undefined when absent. */
  imageInfo(ref: string): Promise<ImageInfo | undefined>;
  /** Builds an image from an in-memory tar build context (the pause image, test images). */
  buildImage(tag: string, context: Buffer): Promise<void>;
  /** Pulls the image; rejects with the engine's message when it cannot. */
  /** Pulls an image; `auth` is Docker's auth config for a private registry (e.g. Wharf's own, with an ECR token). */
  pull(ref: string, auth?: PullAuth): Promise<void>;
  /** Creates a container; returns its id. A name already taken rejects with a NameConflictError. */
  create(spec: CreateSpec): Promise<string>;
  start(id: string): Promise<void>;
  /** Gives a container a new name (a warm pause container taken by its task). A name already taken rejects. */
  rename?(id: string, name: string): Promise<void>;
  /** SIGTERM (or the image's stop signal), SIGKILL after timeoutSeconds. A container already stopped is fine. */
  stop(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes the container (and its anonymous volumes). A container already gone is fine. */
  remove(id: string): Promise<void>;
  /** Rejects with NotFoundError when there is no such container. */
  inspect(id: string): Promise<ContainerInfo>;
  /** Every container (running or not) carrying all of these labels. */
  list(labels: Record<string, string>): Promise<ContainerSummary[]>;
  /** Streams container events until the returned function is called; onError when the stream breaks. */
  events(onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): Promise<() => void>;
  /** Follows a container's stdout/stderr from `since` (default: the beginning) until it exits or stop() is called. */
  logs(id: string, onLine: (line: LogLine) => void, opts?: { since?: Date }): Promise<{ stop(): void; done: Promise<void> }>;
  stats(id: string): Promise<ContainerStats>;
  createVolume(spec: VolumeSpec): Promise<void>;
  volumeExists(name: string): Promise<boolean>;
  removeVolume(name: string): Promise<void>;
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}
export class NameConflictError extends Error {
  override name = 'NameConflictError';
}
/** The engine cannot be reached at all: the message says how to get one. */
export class RuntimeUnavailableError extends Error {
  override name = 'RuntimeUnavailableError';
}
export class RuntimeTimeoutError extends Error {
  override name = 'RuntimeTimeoutError';
}


/** Docker's auth config for one registry. */
export interface PullAuth {
  username: string;
  password: string;
  serveraddress: string;
}
