// `wharf agent` (and the agent embedded in `wharf up`): registers this host as a container instance, adopts what
// already runs, and keeps the channel on which the control plane pushes its tasks to the task engine.
import { DiscoverPollEndpointCommand, ECSClient, RegisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { credentialsFromAuthorizationData, RegistryCredentialCache } from '../imageAuth/credentials.js';
import { ApiReporter } from './channel/reporter.js';
import { ChannelLogSink, StatsSampler } from './channel/shipping.js';
import { ChannelClient } from './channel/client.js';
import { Endpoints } from './channel/endpoints.js';
import type { AgentCredentials } from './channel/signing.js';
import { TaskEngine } from './engine/engine.js';
import type { PullBehavior } from './engine/options.js';
import type { LogSink } from './logs/sink.js';
import { MetadataServer } from './metadata/server.js';
import { TaskNetwork } from './network/taskNetwork.js';
import type { MetadataHooks } from './engine/options.js';
import type { TaskState } from './engine/state.js';
import { CredentialIds, TaskCredentialCache } from './secrets/taskCredentials.js';
import { taskCgroupsFor } from './cgroups/taskCgroup.js';
import {
  capabilityAttributes,
  hostResources,
  instanceIdentityDocument,
  loadIdentity,
  saveIdentity,
  versionInfo,
} from './registration.js';
import { DockerRuntime } from './runtime/docker.js';
import { findDockerProxy } from './network/portProxy.js';
import { ExecHost } from './exec.js';
import { Status } from './engine/status.js';
import type { ContainerRuntime } from './runtime/types.js';

export interface AgentOptions {
  /**
   * The control plane's URL (the gateway), e.g. http://127.0.0.1:4510; several replicas' URLs comma separated, of
   * which the agent uses one and moves to the next when it stops answering.
   */
  endpoint: string;
  cluster: string;
  credentials: AgentCredentials;
  region: string;
  /** Where the agent keeps its identity (instance id and ARN) across restarts. */
  stateDir: string;
  /** The address bridge ports are published on, and that shared-address awsvpc tasks use. */
  publishAddress: string;
  attributes?: Record<string, string>;
  /** Offer this host as the capacity behind the FARGATE launch type (the embedded agent of `wharf up` does). */
  fargateCapacity?: boolean;
  agentVersion: string;
  runtime?: ContainerRuntime;
  logSink?: LogSink;
  imagePullBehavior?: PullBehavior;
  allowPrivileged?: boolean;
  /** Where EFS file systems' directories are (the control plane's --efs-root, or a shared mount of it). */
  efsRoot?: string;
  cleanupWaitMs?: number;
  /** The task metadata endpoint's port (inside task namespaces, and on the host's loopback). Default 51679. */
  metadataPort?: number;
  /** Wharf's DNS server: tasks resolve through it (network/taskNetwork.ts). Default: Docker's own resolver. */
  dnsServer?: { address: string; port: number };
  /** The host's availability zone (its ecs.availability-zone attribute); the region + "a" unless given. */
  availabilityZone?: string;
  /**
   * awsvpc pause containers kept started ahead, so a task's start is one container start, not two
   * (engine/warmPause.ts). Default: WHARF_WARM_PAUSE_CONTAINERS, else 1 on a local Docker Engine with docker-proxy.
   */
  warmPauseContainers?: number;
  /** How often task CPU and memory are sampled and shipped. Default 10 s. */
  statsIntervalMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface RunningAgent {
  containerInstanceArn: string;
  engine: TaskEngine;
  /** Resolves once the first channel connection is open. */
  connected: Promise<void>;
  /** Lets go of the control plane and the engine; containers keep running (a restart adopts them). */
  stop(): Promise<void>;
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const log = opts.log ?? (() => {});
  const runtime = opts.runtime ?? new DockerRuntime();
  const docker = await runtime.version();
  let creds = opts.credentials;
  const endpoints = new Endpoints(opts.endpoint, log);
  const ecs = new ECSClient({ endpoint: endpoints.provider, region: opts.region, credentials: async () => creds, maxAttempts: 3 });

  const identity = loadIdentity(opts.stateDir);
  const attributes = capabilityAttributes(
    docker.apiVersion,
    opts.publishAddress,
    { ...(opts.fargateCapacity ? { 'wharf.capacity.fargate': 'true' } : {}), ...(opts.attributes ?? {}) },
    opts.allowPrivileged,
    docker.logDrivers,
  );
  const registerAt = (containerInstanceArn?: string) =>
    ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: opts.cluster,
        containerInstanceArn,
        instanceIdentityDocument: instanceIdentityDocument(identity, opts.region, opts.availabilityZone),
        totalResources: hostResources(),
        versionInfo: versionInfo(opts.agentVersion, docker.version),
        attributes,
      }),
    );
  // A replica that does not answer (no AWS error: the connection failed) gives way to the next one.
  const register = async (containerInstanceArn?: string) => {
    for (let tried = 1; ; tried++) {
      const url = endpoints.current;
      try {
        return await registerAt(containerInstanceArn);
      } catch (err) {
        if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode || tried >= endpoints.urls.length) throw err;
        endpoints.failed(url);
      }
    }
  };
  // Re-register the same instance after a restart; a new one if the control plane no longer knows it.
  const out = await register(identity.containerInstanceArn).catch((err: Error) => {
    if (identity.containerInstanceArn && err.name === 'InvalidParameterException') return register(undefined);
    throw err;
  });
  const ci = out.containerInstance!;
  const containerInstanceArn = ci.containerInstanceArn!;
  saveIdentity(opts.stateDir, { ...identity, containerInstanceArn });
  const clusterArn = containerInstanceArn.replace(/:container-instance\/([^/]+)\/.*$/, ':cluster/$1');

  let channel: ChannelClient | undefined;
  const reporter = new ApiReporter({
    endpoint: endpoints.provider,
    region: opts.region,
    cluster: opts.cluster,
    credentials: () => creds,
    sendHealth: (taskArn, containers) => channel?.send({ type: 'ContainerHealth', taskArn, containers }),
    log,
  });
  // Images in Wharf's own registry are pulled with a token the agent gets for itself (ECS does this with the
  // task execution role): ECR GetAuthorizationToken signed with the instance's keys, cached until near expiry.
  const ecr = new ECRClient({ endpoint: endpoints.provider, region: opts.region, credentials: async () => creds, maxAttempts: 3 });
  const registryHosts = new Set(endpoints.urls.map((u) => new URL(u).host));
  const pullCredentials = new RegistryCredentialCache(async (host) => {
    if (!registryHosts.has(host)) return undefined;
    const out = await ecr.send(new GetAuthorizationTokenCommand({}));
    return credentialsFromAuthorizationData(out.authorizationData![0]!);
  });
  // Container output and resource use travel on the channel; without one they would go nowhere.
  const shippedLogs = opts.logSink ? undefined : new ChannelLogSink((msg) => channel?.send(msg));
  // Task role credentials come from the control plane on the channel, kept until near their expiry.
  const roleCredentials = new TaskCredentialCache(async (taskArn) => {
    if (!channel) throw new Error('the agent channel is not open yet');
    const answer = await channel.request({ type: 'TaskCredentialsRequest', taskArn });
    if (answer.error || !answer.credentials) throw new Error(answer.error ?? 'no credentials in the answer');
    return answer.credentials;
  });
  const metadata = new MetadataServer({
    runtime,
    host: { publishAddress: opts.publishAddress },
    port: opts.metadataPort,
    log,
    roleCredentials: (taskArn) => roleCredentials.get(taskArn),
    credentialIds: new CredentialIds(opts.stateDir),
    gateway: opts.endpoint,
  });
  await metadata.start();
  let tasks: () => readonly TaskState[] = () => [];
  const network = opts.dnsServer ? new TaskNetwork({ dns: opts.dnsServer, tasks: () => tasks(), log }) : undefined;
  // The task's namespace gets its resolver beside its metadata endpoint, at the same moments.
  const hooks: MetadataHooks = network
    ? {
        env: (task, name) => metadata.env(task, name),
        open: async (key, pid, taskArn) => {
          await Promise.all([metadata.open(key, pid, taskArn), network.open(key, pid, taskArn).catch((err: Error) => log('cannot open the task resolver', { task: taskArn, error: err.message }))]);
        },
        close: (key) => {
          metadata.close(key);
          network.close(key);
        },
      }
    : metadata;
  const cgroups = taskCgroupsFor(docker);
  if (typeof cgroups === 'string') log(`task-level cpu and memory cap each container, not the task as a whole: ${cgroups}`);
  const engine = new TaskEngine({
    registryAuth: async (image) => {
      const a = await pullCredentials.forImage(image);
      return a && { username: a.username, password: a.password, serveraddress: a.serveraddress };
    },
    registryAuthRefused: (image) => pullCredentials.forget(image),
    runtime,
    reporter,
    instanceArn: containerInstanceArn,
    logSink: opts.logSink ?? shippedLogs,
    publishAddress: opts.publishAddress,
    imagePullBehavior: opts.imagePullBehavior,
    allowPrivileged: opts.allowPrivileged,
    efsRoot: opts.efsRoot,
    cleanupWaitMs: opts.cleanupWaitMs,
    metadata: hooks,
    taskDns: network ? (task, internal) => network.dnsFor(task, internal) : undefined,
    cgroups: typeof cgroups === 'string' ? null : cgroups,
    ...warmPauseSettings(opts, runtime),
    secrets: {
      fetch: async (taskArn) => {
        const SECRETS_ERROR = 'ResourceInitializationError: unable to pull secrets or registry auth: ';
        if (!channel) throw new Error(`${SECRETS_ERROR}the agent channel is not open yet`);
        const answer = await channel.request({ type: 'TaskSecretsRequest', taskArn }).catch((err: Error) => {
          throw new Error(SECRETS_ERROR + err.message);
        });
        if (answer.error || !answer.containers) throw new Error(answer.error ?? `${SECRETS_ERROR}no answer`);
        return answer.containers;
      },
    },
    log,
  });
  metadata.source(() => engine.allTasks());
  tasks = () => engine.allTasks();
  await engine.start();
  const execHost = new ExecHost({
    docker: runtime instanceof DockerRuntime ? runtime.docker : undefined,
    containerId: (taskArn, name) => {
      const c = engine.allTasks().find((t) => t.task.taskArn === taskArn)?.containers.find((x) => x.name === name && !x.internal);
      return c && c.known === Status.RUNNING ? c.runtimeId : undefined;
    },
    send: (msg) => channel?.send(msg),
    log,
  });

  channel = new ChannelClient({
    // Asked again at every (re)connection: when the replica that held the channel is gone, the next one answers.
    endpoint: async () => {
      const url = endpoints.current;
      try {
        return (await ecs.send(new DiscoverPollEndpointCommand({ cluster: opts.cluster, containerInstance: containerInstanceArn }))).endpoint!;
      } catch (err) {
        if (!(err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode) endpoints.failed(url);
        throw err;
      }
    },
    clusterArn,
    containerInstanceArn,
    agentVersion: opts.agentVersion,
    region: opts.region,
    credentials: () => creds,
    onCredentials: (c) => (creds = c),
    onPayload: (tasks, full) => {
      engine.apply(tasks, full);
      // Service Connect's relay process holds the endpoints of the aliases it serves: it hears of changes here.
      network?.refresh();
    },
    onError: (message) => log('control plane says', { message }),
    onExec: (msg) => execHost.handle(msg),
    log,
  });
  channel.start();
  const sampler = new StatsSampler(engine, runtime, (msg) => channel?.send(msg), opts.statsIntervalMs ?? 10_000);
  log('agent registered', { containerInstanceArn, cluster: opts.cluster });

  return {
    containerInstanceArn,
    engine,
    connected: channel.connected,
    async stop() {
      sampler.close();
      execHost.close();
      shippedLogs?.close();
      channel?.close();
      await Promise.race([reporter.drain(), new Promise((r) => setTimeout(r, 2000))]);
      reporter.close();
      engine.close();
      await engine.closedWarm;
      await metadata.stop();
      network?.stop();
      ecs.destroy();
      ecr.destroy();
    },
  };
}

/** Warm pause containers need the engine's bridge reachable from here (a local engine) and docker-proxy. */
function warmPauseSettings(opts: AgentOptions, runtime: ContainerRuntime): { warmPauseContainers: number; dockerProxy?: string } {
  const host = process.env.DOCKER_HOST;
  const local = runtime instanceof DockerRuntime && (!host || host.startsWith('unix://'));
  const fromEnv = process.env.WHARF_WARM_PAUSE_CONTAINERS;
  const wanted = opts.warmPauseContainers ?? (fromEnv !== undefined && /^\d+$/.test(fromEnv) ? Number(fromEnv) : 1);
  const dockerProxy = local && wanted > 0 ? findDockerProxy() : undefined;
  return { warmPauseContainers: dockerProxy ? wanted : 0, dockerProxy };
}
