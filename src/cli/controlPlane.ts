// Composes the control plane: store, cache, state tables, the AWS APIs behind the gateway, the agent channel and
// the controllers. `wharf up` and `wharf server` both start it; `up` adds this host's own agent around it.
import { CapacityScalingAdvisor, capacityReservations } from '../controllers/managedScaling.js';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AgentChannel, CHANNEL_PATH } from '../api/acs/channel.js';
import { EXEC_PATH, ExecSessions } from '../api/acs/exec.js';
import { SpotInterrupter } from '../controllers/spot.js';
import { spotRoute } from './spotCommand.js';
import { TaskSecrets } from '../api/acs/taskSecrets.js';
import { ecsService } from '../api/ecs/index.js';
import { ecrService } from '../api/ecr/index.js';
import { createRegistryTables, registryRoutes, startRegistry } from '../registry/index.js';
import { clusterArn } from '../domain/arn.js';
import type { ClusterRecord } from '../domain/cluster.js';
import { bindAddress } from '../domain/addressPool.js';
import { loadCredentials, type Credentials } from '../config/credentials.js';
import { type ServerOptions, urlHost } from '../config/options.js';
import { TaskLifecycleController } from '../controllers/taskLifecycle.js';
import { ServiceController } from '../controllers/services/controller.js';
import { Gateway } from '../gateway/server.js';
import type { RequestContext } from '../gateway/service.js';
import { placementForwarding, type ForwardedOperation } from './placementForwarding.js';
import { autoScalingService } from '../api/autoscaling/index.js';
import { cloudwatchService } from '../api/cloudwatch/index.js';
import { logsService } from '../api/logs/index.js';
import { secretsManagerService } from '../api/secretsmanager/index.js';
import { efsService } from '../api/efs/index.js';
import { createEfsTables, Efs } from '../efs/index.js';
import { ssmService } from '../api/ssm/index.js';
import { createScalingTables, startAutoScaling } from '../autoscaling/index.js';
import { Logs, type LogOp } from '../logs/index.js';
import { createMetricsTables, Metrics, type MetricOp } from '../metrics/index.js';
import { opLogTables } from '../store/opLog.js';
import { listenMetrics, signedOnly } from '../metrics/access.js';
import { secureDataDir } from '../config/dataDir.js';
import { channelIngest } from '../api/acs/ingest.js';
import { serviceScalingHooks } from '../api/ecs/serviceScaling.js';
import { elbv2Service } from '../api/elbv2/index.js';
import { consoleRoute } from '../console/static.js';
import { createElbTables, startLoadBalancers } from '../lb/index.js';
import { startDnsServer, type DnsServer } from '../dns/server.js';
import { loadBalancerZone } from '../dns/loadBalancerZone.js';
import { discoveryZone } from '../dns/discoveryZone.js';
import { createDiscoveryTables, type DiscoveryTables } from '../discovery/tables.js';
import { serviceDiscoveryService } from '../api/servicediscovery/index.js';
import { TargetRegistrationController } from '../controllers/targetRegistration.js';
import { DiscoveryRegistrationController } from '../controllers/discoveryRegistration.js';
import { ecsInstanceRegistry } from '../api/servicediscovery/ecsRegistry.js';
import { claimLiveAddresses } from '../tasks/addresses.js';
import { PlacementPools } from '../placement/pools.js';
import { ConflictError, StateCache, Txn } from '../store/cache.js';
import { describeStore, openStore } from '../store/open.js';
import { createSecretTables, ParameterStore, SecretsManager } from '../secrets/index.js';
import { createTables, type Tables } from '../state/tables.js';
import { instanceSecret, sealInstanceCredentials } from '../state/instanceCredentials.js';
import { loadSealingKey, Sealer } from '../sealing/index.js';
import { Access, createIdentityTables, Iam, Sts } from '../identity/index.js';
import { iamService } from '../api/iam/index.js';
import { stsService } from '../api/sts/index.js';
import { createAgentSessions } from '../state/agentSessions.js';
import { announceReplica, createReplicas, liveReplicas } from '../state/replicas.js';
import { fencedCache, LEADER_KEY, Leadership, newReplicaId, ReplicaLease } from '../controllers/leadership.js';
import { readBarrier, readinessRoutes, replicaGauges } from './readiness.js';
import type { Compare } from '../store/types.js';
import { TelemetryPruner } from '../controllers/telemetryPruner.js';
import { traceStart } from '../logging/startTrace.js';

export interface ControlPlane {
  url: string;
  /** What other replicas, agents and clients are given for this one (--advertise-address). */
  advertisedUrl: string;
  /** Where Wharf's DNS server answers (load balancer names), when it could bind. */
  dns?: { address: string; port: number };
  /** The unauthenticated /metrics listener (--metrics-address), when there is one. */
  metricsUrl?: string;
  credentials: Credentials;
  cache: StateCache;
  tables: Tables;
  /** This replica's id, and whether it leads (runs the controllers) now. */
  replica: { id: string; isLeader(): boolean; leaderUrl(): string | undefined };
  close(): Promise<void>;
}

export async function startControlPlane(opts: ServerOptions, logger: Logger): Promise<ControlPlane> {
  traceStart('control plane modules loaded');
  const tightened = secureDataDir(opts.dataDir);
  if (tightened.length > 0) {
    logger.warn({ dataDir: opts.dataDir, paths: tightened.slice(0, 20), count: tightened.length }, 'the data directory was readable by others: tightened to 0700 (files 0600)');
  }
  // The store first: when it cannot be reached, start-up stops here, before anything listens.
  const store = await openStore(opts.store, {
    connectTimeoutMs: opts.storeConnectSeconds * 1000,
    onRetry: (err, attempt, delayMs) => logger.warn({ store: describeStore(opts.store), attempt, retryInMs: delayMs, err: err.message }, 'the store does not answer yet'),
  });
  traceStart('store open');
  const cache = new StateCache(store);
  const tables = createTables(cache);
  const registryTables = createRegistryTables(cache);
  const metricsTables = createMetricsTables(cache);
  const scalingTables = createScalingTables(cache);
  const elbTables = createElbTables(cache);
  const secretTables = createSecretTables(cache);
  const discoveryTables = createDiscoveryTables(cache);
  const identityTables = createIdentityTables(cache);
  const efsTables = createEfsTables(cache);
  const sessions = createAgentSessions(cache);
  const replicaRows = createReplicas(cache);
  // The controllers' writes carry the leadership fence (set once leadership exists, below).
  let fence: () => Compare = () => ({ key: LEADER_KEY, modRevision: -1 });
  const leaderCache = fencedCache(cache, () => fence());
  // Every replica holds a lease: its agents' channels (session rows) and, when it leads, the leader key live under it.
  const replicaId = newReplicaId();
  // On etcd, logs and datapoints are replicated through the store to every replica's own copy (store/opLog.ts).
  const replicated = opts.store.kind === 'etcd';
  const logOps = opLogTables<LogOp>(cache, 'telemetry/logs/');
  const metricOps = opLogTables<MetricOp>(cache, 'telemetry/metrics/');
  const replicaLease = new ReplicaLease(store, opts.leaderLeaseSeconds, logger);
  try {
    await cache.start();
    traceStart('cache loaded');
    await initialize(cache, tables, opts);
    await claimLiveAddresses(cache, tables);
    traceStart('initialized, addresses claimed');
    await replicaLease.start();
    // Listed among the live replicas before this one's load balancer data plane takes any request.
    await announceReplica(cache, replicaRows, replicaId, '', replicaLease.id!, opts.lbBindPool);
  } catch (e) {
    cache.stop();
    await store.close();
    throw e;
  }
  traceStart('lease held, replica announced');
  // Secrets in the store (registry signing key, instance credentials, secret values) are sealed with a key kept
  // outside it.
  const sealingKey = loadSealingKey(opts.dataDir).key;
  const sealer = new Sealer(sealingKey);
  const sealed = await sealInstanceCredentials(cache, tables, sealer);
  if (sealed > 0) logger.info({ count: sealed }, 'instance credentials sealed at rest');
  traceStart('instance credentials sealed');
  // repositoryUri carries the host and port docker reaches; known once the gateway listens.
  let publicHost = `${opts.host}:${opts.port}`;
  const registry = await startRegistry({
    cache,
    tables: registryTables,
    // Replicas share the layers through one directory (--blob-dir); digests are the integrity check.
    dataDir: opts.blobDir,
    accountId: opts.accountId,
    region: opts.region,
    publicHost: () => publicHost,
    logger,
    sealer,
    // A password's key, resolved as the gateway resolves a signature's, and asked ECR's action on the repository.
    access: {
      principal: (id, now) => {
        const caller = access.holder(id, now);
        return caller && { refusal: (action, resource) => access.refusal(caller, action, resource, opts.region, now) };
      },
    },
  });

  traceStart('registry started');
  const credentials = loadCredentials(opts.dataDir);
  // Secret values and SecureString parameters are sealed at rest with the same key.
  const secrets = new SecretsManager({ cache, tables: secretTables, sealer });
  const parameters = new ParameterStore({ cache, tables: secretTables, sealer });
  const efs = new Efs({ cache, tables: efsTables, accountId: opts.accountId, root: opts.efsRoot });
  // Root keys for people and tools; per-instance keys (handed out on the agent channel) for agents; IAM users' keys
  // and assumed roles' temporary keys, which get what their policies allow.
  const agentSecretFor = (id: string) => {
    if (id === credentials.accessKeyId) return credentials.secretAccessKey;
    const row = tables.instanceCredentials.get(id);
    return row ? instanceSecret(sealer, row.value) : undefined;
  };
  const access = new Access({
    cache,
    tables: identityTables,
    sealer,
    accountId: opts.accountId,
    root: credentials,
    instanceSecret: (id) => (id === credentials.accessKeyId ? undefined : agentSecretFor(id)),
    secretArn: (id) => {
      try {
        return secrets.find(id).arn;
      } catch {
        return undefined;
      }
    },
  });
  const iam = new Iam({ cache, tables: identityTables, sealer, accountId: opts.accountId });
  const sts = new Sts({ cache, tables: identityTables, sealer, access, accountId: opts.accountId });
  const secretFor = (id: string) => access.secretFor(id);
  const pools = new PlacementPools(cache, tables, { ephemeralPortRange: opts.dynamicHostPortRange });
  const metrics = new Metrics({
    cache,
    // Alarm states change on the leader alone, fenced: a deposed leader's evaluation changes nothing.
    evaluatorCache: leaderCache,
    tables: metricsTables,
    metricPeriodSeconds: opts.metricPeriodSeconds,
    clusterReservations: () => clusterReservations(tables),
    capacityReservations: () => capacityReservations(tables),
    logger,
    replication: replicated ? { cache, tables: metricOps, replica: replicaId } : undefined,
  });
  const logs = new Logs({
    path: join(opts.dataDir, 'logs.db'),
    logger,
    onIngest: (n) => metrics.prom.counters.logEvents.inc(n),
    replication: replicated ? { cache, tables: logOps, replica: replicaId } : undefined,
  });
  const telemetry = new TelemetryPruner([logs.ops, metrics.ops], leaderCache, opts.telemetryWindowSeconds * 1000, logger);
  // Alarm and scheduled actions scale through the leader's fenced cache; API calls through the plain one.
  const scaling = startAutoScaling(metrics, {
    tables: scalingTables,
    logger,
    ...serviceScalingHooks(cache, tables),
    leader: { cache: leaderCache, setDesiredCount: serviceScalingHooks(leaderCache, tables).setDesiredCount },
  });
  const ingest = channelIngest({
    cache,
    tables,
    stoppedRetentionMs: opts.stoppedTaskRetentionSeconds * 1000,
    logs,
    metrics,
    logger,
  });
  traceStart('services built');
  // Load balancers: instance targets are reached on their host's publish address.
  const lb = await startLoadBalancers({
    cache,
    tables: elbTables,
    logger,
    workers: opts.lbWorkers,
    // Each replica may serve every load balancer on an address of its own (--lb-bind-pool).
    bindAddress: (address) => bindAddress(address, opts.lbAddressPool, opts.lbBindPool),
    // Draining is complete when no replica's data plane has anything in flight on the target.
    replica: { id: replicaId, leaseId: () => replicaLease.id, live: () => liveReplicas(replicaRows) },
    resolveInstance: (id) => {
      for (const row of tables.containerInstances.values()) {
        if (row.value.ec2InstanceId === id) {
          return row.value.attributes?.find((a) => a.name === 'wharf.publish-address')?.value ?? '127.0.0.1';
        }
      }
      return undefined;
    },
  });
  traceStart('load balancers started');
  // A load balancer's name answers the address each live replica serves it on.
  const lbNodes = {
    of: (address: string) => {
      const nodes = new Set([...replicaRows.values()].map((r) => bindAddress(address, opts.lbAddressPool, r.value.lbBindPool)));
      return nodes.size ? [...nodes] : [bindAddress(address, opts.lbAddressPool, opts.lbBindPool)];
    },
    prefix: replicaRows.prefix,
  };
  const dns = await startDns(opts, cache, elbTables, discoveryTables, lbNodes, logger);
  traceStart('dns started');
  const instances = new DiscoveryRegistrationController({
    cache,
    tables,
    logger,
    region: opts.region,
    registry: ecsInstanceRegistry({ cache, tables: discoveryTables }),
  });
  const targets = new TargetRegistrationController({
    cache: leaderCache,
    tables,
    logger,
    beforeRelease: (task) => instances.release(task),
    stoppedRetentionMs: opts.stoppedTaskRetentionSeconds * 1000,
    registry: {
      registerTargets: (tg, t) => lb.registerTargets(tg, t),
      deregisterTargets: (tg, t) => lb.deregisterTargets(tg, t),
      targetState: (tg, t) => {
        try {
          return lb.targetHealth(tg, t).State ?? 'unavailable';
        } catch {
          return 'unavailable';
        }
      },
    },
  });
  // Replicas read what another replica acknowledged before answering (API calls, and agents opening their channel).
  const readYourWrites = readBarrier(store, cache);
  const channel = new AgentChannel({
    cache,
    tables,
    logger,
    // The channel stays Wharf's own and its agents': IAM keys do not open it.
    secretFor: agentSecretFor,
    sealer,
    heartbeatMs: opts.heartbeatSeconds * 1000,
    onLogs: (instance, msg) => ingest.onLogs(instance, msg),
    onStats: (instance, msg) => ingest.onStats(instance, msg),
    replica: { sessions, id: replicaId, url: () => advertisedUrl, leaseId: () => replicaLease.id },
    barrier: opts.store.kind === 'etcd' ? readYourWrites : undefined,
    taskSecrets: new TaskSecrets({ tables, secrets, parameters, access, sts, accountId: opts.accountId }),
    resolveEfs: (v) => efs.mountInfo(v.fileSystemId!, v.rootDirectory, v.authorizationConfig?.accessPointId),
    onExec: (instance, msg) => execSessions.fromAgent(instance, msg),
  });
  const execSessions: ExecSessions = new ExecSessions({
    tables,
    logs,
    logger,
    secretFor,
    baseUrl: () => advertisedUrl.replace(/^http/, 'ws'),
    agentConnected: (key) => channel.isConnected(key),
    sendToAgent: (key, msg) => channel.sendTo(key, msg),
  });
  replicaLease.onRenewed((lease) => {
    void channel.reclaimSessions();
    void announceReplica(cache, replicaRows, replicaId, advertisedUrl, lease.id, opts.lbBindPool).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not list this replica again'));
  });
  const lifecycle = new TaskLifecycleController({
    cache: leaderCache,
    tables,
    logger,
    instanceGraceMs: opts.instanceGraceSeconds * 1000,
    stoppedRetentionMs: opts.stoppedTaskRetentionSeconds * 1000,
    // An instance stays connected while some replica holds its channel; a replica's death ends its sessions.
    sessions,
  });
  const spot = new SpotInterrupter({ cache, tables, stoppedRetentionMs: opts.stoppedTaskRetentionSeconds * 1000, ratePerMinute: opts.spotInterruptionRate });

  traceStart('controllers built');
  let url = '';
  let advertisedUrl = '';
  // On etcd, followers hand RunTask and StartTask to the leader: one placer per fleet (cli/placementForwarding.ts).
  let leaderElsewhere: () => string | undefined = () => undefined;
  const forwarding =
    opts.store.kind === 'etcd'
      ? placementForwarding({
          // The one secret every replica on a store must share (secrets in it are sealed with it).
          secret: sealingKey,
          leaderUrl: () => leaderElsewhere(),
          operations: () => ecs.operations as Record<ForwardedOperation, (input: unknown, ctx: RequestContext) => Promise<unknown>>,
        })
      : undefined;
  const ecs = ecsService(
    { cache, tables, discovery: discoveryTables, alarmExists: (name) => metrics.tables.alarms.get(name) !== undefined },
    {
      pools,
      channelUrl: () => url.replace(/^http/, 'ws') + CHANNEL_PATH,
      stoppedRetentionMs: opts.stoppedTaskRetentionSeconds * 1000,
      checkVolumes: (volumes) => efs.checkTaskVolumes(volumes),
      exec: execSessions,
      forwardPlacement: forwarding?.forward,
    },
  );
  const gateway = new Gateway({
    host: opts.host,
    port: opts.port,
    accountId: opts.accountId,
    secretFor,
    identity: access,
    services: [
      ecs,
      ecrService(registry),
      cloudwatchService(metrics),
      logsService(logs),
      autoScalingService(scaling, metrics.periodSeconds),
      elbv2Service({ cache, tables: elbTables, health: lb.health, addressPool: opts.lbAddressPool }),
      secretsManagerService(secrets),
      ssmService(parameters),
      serviceDiscoveryService({ cache, tables: discoveryTables }),
      iamService(iam),
      stsService(sts),
      efsService(efs),
    ],
    logger,
    routes: [
      ...registryRoutes(registry),
      consoleRoute(),
      ...(forwarding ? [forwarding.route] : []),
      signedOnly(metrics.route(), (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined)),
      signedOnly(spotRoute(spot), (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined)),
      ...readinessRoutes({ replica: replicaId, store, cache, leadership: { isLeader: () => leadership.isLeader, leader: () => leadership.leader } }),
      {
        prefix: '/_wharf/health',
        handle: (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'ok', revision: cache.revision, agents: channel.connected }));
        },
      },
    ],
    upgrades: [
      { prefix: CHANNEL_PATH, handle: (req, socket, head) => channel.handleUpgrade(req, socket, head) },
      { prefix: EXEC_PATH, handle: (req, socket, head) => execSessions.handleUpgrade(req, socket, head) },
    ],
    // One process on SQLite reads what it wrote already; replicas on etcd catch up with each other first.
    beforeDispatch: opts.store.kind === 'etcd' ? readYourWrites : undefined,
  });
  traceStart('gateway built');
  url = await gateway.listen();
  traceStart('gateway listening');
  // What others are given for this replica: the listen address unless it is a wildcard (options.ts).
  advertisedUrl = `http://${urlHost(opts.advertiseAddress)}:${new URL(url).port}`;
  publicHost = new URL(advertisedUrl).host;
  const leaseNow = replicaLease.id;
  if (leaseNow) await announceReplica(cache, replicaRows, replicaId, advertisedUrl, leaseNow, opts.lbBindPool).catch(() => undefined);
  const metricsListener = opts.metricsListen ? await listenMetrics(metrics.route(), opts.metricsListen.host, opts.metricsListen.port) : undefined;
  // Every replica records its own series and keeps its own logs; alarms are evaluated by the leader alone.
  metrics.start();
  metrics.evaluator.stop();
  logs.start();
  const services = new ServiceController({
    cache: leaderCache,
    tables,
    pools,
    logger,
    stoppedRetentionMs: opts.stoppedTaskRetentionSeconds * 1000,
    targetHealth: (task, svc) => targets.healthy(task, svc),
    targetFailure: (task, svc) => targets.failingGroup(task, svc),
    forwardRule: (rule, groups) => lb.forwardRule(rule, groups),
    minuteMs: opts.deploymentMinuteSeconds * 1000,
    alarmState: (name) => metrics.tables.alarms.get(name)?.value.StateValue,
    alarmsPrefix: metrics.tables.alarms.prefix,
  });
  const capacityAdvisor = new CapacityScalingAdvisor({ tables, webhook: opts.capacityScalingWebhook, periodMs: opts.metricPeriodSeconds * 1000, logger });
  // The controllers run on the leader alone: on SQLite that is this process from the start; on etcd the replica
  // holding the leader key (another takes over within the lease's time to live when it dies).
  const controllers = {
    start() {
      lifecycle.start();
      metrics.evaluator.start();
      scaling.start();
      secrets.startSweeping();
      sts.startSweeping();
      services.start();
      targets.start();
      instances.start();
      spot.start();
      telemetry.start();
      capacityAdvisor.start();
      void lifecycle.pass();
    },
    stop() {
      lifecycle.stop();
      metrics.evaluator.stop();
      scaling.stop();
      secrets.stop();
      sts.stop();
      services.stop();
      targets.stop();
      instances.stop();
      spot.stop();
      telemetry.stop();
      capacityAdvisor.stop();
    },
  };
  const leadership = new Leadership({
    store,
    lease: replicaLease,
    replica: replicaId,
    url: () => advertisedUrl,
    logger,
    onLead: () => controllers.start(),
    onFollow: () => controllers.stop(),
  });
  fence = () => leadership.fence();
  leaderElsewhere = () => (leadership.isLeader ? undefined : leadership.leader?.url || undefined);
  const unwatchLeader = cache.onChange((keys) => {
    if (keys.includes(LEADER_KEY)) leadership.nudge();
  });
  replicaGauges(metrics.prom.registry, leadership, cache);
  traceStart('services controller built');
  await leadership.start();
  traceStart('leadership settled');
  return {
    url,
    advertisedUrl,
    dns: dns ? { address: dns.address, port: dns.port } : undefined,
    metricsUrl: metricsListener?.url,
    credentials,
    cache,
    tables,
    replica: { id: replicaId, isLeader: () => leadership.isLeader, leaderUrl: () => leadership.leader?.url },
    async close() {
      unwatchLeader();
      // Controllers stop and the leader key is given up first, so a follower takes over at once.
      await leadership.stop();
      registry.stop();
      secrets.stop();
      sts.stop();
      access.close();
      lifecycle.stop();
      spot.stop();
      telemetry.stop();
      services.stop();
      targets.stop();
      instances.stop();
      await lb.stop();
      await dns?.close();
      scaling.stop();
      metrics.stop();
      logs.stop();
      execSessions.close();
      channel.close();
      // This replica's agent sessions end with its lease: the leader sees their instances disconnected.
      await replicaLease.release();
      await metricsListener?.close();
      await gateway.close();
      forwarding?.close();
      cache.stop();
      await store.close();
    },
  };
}

/** First start of a data directory: the `default` cluster exists, as in ECS. Later starts change nothing. */
async function initialize(cache: StateCache, tables: Tables, opts: ServerOptions): Promise<void> {
  if (tables.meta.get('initialized')) return;
  const name = 'default';
  const cluster: ClusterRecord = {
    clusterArn: clusterArn(opts, name),
    clusterName: name,
    status: 'ACTIVE',
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
    tags: [],
    createdAt: new Date(),
  };
  const txn = new Txn().put(tables.meta, 'initialized', { at: new Date() }, 0);
  if (!tables.clusters.get(name)) txn.put(tables.clusters, name, cluster, 0);
  try {
    await cache.commit(txn);
  } catch (e) {
    // Another replica sharing the store initialized it first.
    if (!(e instanceof ConflictError)) throw e;
  }
}

/** Per cluster: CPU and memory registered on its ACTIVE instances, how much of it tasks reserve, running tasks. */
function clusterReservations(tables: Tables) {
  const by = new Map<string, { cluster: string; cpuReserved: number; cpuRegistered: number; memoryReservedMiB: number; memoryRegisteredMiB: number; runningTasks: number }>();
  for (const row of tables.containerInstances.values()) {
    const ci = row.value;
    if (ci.status !== 'ACTIVE') continue;
    const num = (list: typeof ci.registeredResources, name: string) => list?.find((r) => r.name === name)?.integerValue ?? 0;
    const e = by.get(ci.clusterName) ?? { cluster: ci.clusterName, cpuReserved: 0, cpuRegistered: 0, memoryReservedMiB: 0, memoryRegisteredMiB: 0, runningTasks: 0 };
    e.cpuRegistered += num(ci.registeredResources, 'CPU');
    e.memoryRegisteredMiB += num(ci.registeredResources, 'MEMORY');
    e.cpuReserved += num(ci.registeredResources, 'CPU') - num(ci.remainingResources, 'CPU');
    e.memoryReservedMiB += num(ci.registeredResources, 'MEMORY') - num(ci.remainingResources, 'MEMORY');
    by.set(ci.clusterName, e);
  }
  for (const e of by.values()) {
    for (const t of tables.tasks.byIndex('cluster', e.cluster)) if (t.value.task.lastStatus === 'RUNNING') e.runningTasks++;
  }
  return [...by.values()];
}

/** Wharf's DNS server on --dns-address; a taken port falls back to a free one, and no DNS at all is not fatal. */
async function startDns(
  opts: ServerOptions, cache: StateCache, elbTables: ReturnType<typeof createElbTables>, discoveryTables: DiscoveryTables,
  lbNodes: { of: (address: string) => string[]; prefix: string }, logger: Logger,
): Promise<DnsServer | undefined> {
  const zones = [loadBalancerZone(elbTables, lbNodes.of, [lbNodes.prefix]), discoveryZone(discoveryTables)];
  const upstreams = opts.dnsUpstreams;
  try {
    return await startDnsServer({ address: opts.dnsAddress, port: opts.dnsPort, zones, upstreams, logger, changes: cache });
  } catch (err) {
    logger.warn({ err: (err as Error).message, address: `${opts.dnsAddress}:${opts.dnsPort}` }, 'DNS port taken; using a free port');
    try {
      return await startDnsServer({ address: opts.dnsAddress, port: 0, zones, upstreams, logger, changes: cache });
    } catch (err2) {
      logger.warn({ err: (err2 as Error).message }, 'no DNS server: load balancer names will not resolve through Wharf');
      return undefined;
    }
  }
}
