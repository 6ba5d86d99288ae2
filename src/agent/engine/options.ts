// The engine's options, documented with their defaults and resolved once; the engine never sees an undefined option.
import type { LogSink } from '../logs/sink.js';
import { NO_LOGS } from '../logs/sink.js';
import type { ContainerRuntime, PullAuth } from '../runtime/types.js';
import type { AgentTask } from '../protocol.js';
import type { StateReporter } from './reporter.js';
import type { TaskCgroups } from '../cgroups/taskCgroup.js';
import { NO_SECRETS, type SecretSource } from '../secrets/containerSecrets.js';

/** The task metadata endpoint as the engine sees it (metadata/server.ts is the real one). */
export interface MetadataHooks {
  /** Environment the endpoint adds to a container (ECS_CONTAINER_METADATA_URI_V4), empty when it cannot serve it. */
  env(task: AgentTask, containerName: string): [string, string][];
  /** Opens the endpoint inside the network namespace of host process `pid`, for `taskArn` only; `key` names it. */
  open(key: string, pid: number, taskArn: string): Promise<void>;
  close(key: string): void;
}

const NO_METADATA: MetadataHooks = { env: () => [], open: async () => {}, close: () => {} };

/** ECS_IMAGE_PULL_BEHAVIOR. */
export type PullBehavior = 'default' | 'always' | 'once' | 'prefer-cached';

export interface EngineOptions {
  runtime: ContainerRuntime;
  reporter: StateReporter;
  /** Labels every container; adoption lists by it. */
  instanceArn: string;
  /** Captured stdout/stderr. Default: discarded. */
  logSink?: LogSink;
  /** Where bridge ports are published. Default 127.0.0.1. */
  publishAddress?: string;
  /**
   * default: pull, fall back to the cached image if the pull fails; always: pull or fail; once: pull if this agent
   * has not pulled it before; prefer-cached (the default here, as no registry is reachable on Wharf's machines):
   * pull only when the image is not present.
   */
  imagePullBehavior?: PullBehavior;
  /** Seconds between SIGTERM and SIGKILL when a container has no stopTimeout. Default 30. */
  stopTimeoutSeconds?: number;
  /** How long stopped tasks' containers stay before removal. Default 1 h. */
  cleanupWaitMs?: number;
  /** Where EFS file systems' directories are (ROOT/FSID), shared with the control plane. Default: none (EFS refused). */
  efsRoot?: string;
  /** Allow containers with privileged: true. Default false. */
  allowPrivileged?: boolean;
  /** How often blocked containers (startTimeout) and stopped tasks (clean-up) are re-examined. Default 1 s. */
  tickMs?: number;
  /** Credentials for pulling an image from a private registry (Wharf's own), or undefined for anonymous pulls. */
  registryAuth?: (image: string) => Promise<PullAuth | undefined>;
  /** A pull with what registryAuth gave was refused by the registry (the password may be stale). */
  registryAuthRefused?: (image: string) => void;
  /** Task cgroups for task-level cpu/memory. Default: none (each container is capped at the task's size). */
  cgroups?: TaskCgroups | null;
  /** The task metadata endpoint. Default: none. */
  metadata?: MetadataHooks;
  /** The `Dns` host config a container gets (taskNetwork.ts), or undefined for Docker's default. */
  taskDns?: (task: AgentTask, internal: boolean) => string[] | undefined;
  /** Where tasks' secrets come from (the control plane). Default: none, and tasks that need one fail to start. */
  secrets?: SecretSource;
  /**
   * awsvpc: how many pause containers to keep started ahead (warmPause.ts). Default 0 (none). Needs dockerProxy and a
   * runtime that can rename containers.
   */
  warmPauseContainers?: number;
  /** Docker's userland proxy (docker-proxy), which publishes a warm pause container's ports. */
  dockerProxy?: string;
  /** Injected clock (ms). */
  now?: () => number;
  /** Diagnostics. */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export type ResolvedEngineOptions = Required<EngineOptions>;

export function resolveEngineOptions(o: EngineOptions): ResolvedEngineOptions {
  return {
    logSink: NO_LOGS,
    publishAddress: '127.0.0.1',
    imagePullBehavior: 'prefer-cached',
    stopTimeoutSeconds: 30,
    cleanupWaitMs: 60 * 60_000,
    allowPrivileged: false,
    efsRoot: '',
    tickMs: 1000,
    registryAuth: async () => undefined,
    metadata: NO_METADATA,
    taskDns: () => undefined,
    secrets: NO_SECRETS,
    cgroups: null,
    warmPauseContainers: 0,
    dockerProxy: '',
    now: Date.now,
    log: () => {},
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
  } as unknown as ResolvedEngineOptions;
}
