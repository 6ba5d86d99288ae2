// Composes the control plane: store, cache, state tables, the AWS APIs behind the gateway, the agent channel and
// the controllers. `wharf up` and `wharf server` both start it; `up` adds this host's own agent around it.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AgentChannel, CHANNEL_PATH } from '../api/acs/channel.js';
import { ecsService } from '../api/ecs/index.js';
import { ecrService } from '../api/ecr/index.js';
import { createRegistryTables, registryRoutes, startRegistry } from '../registry/index.js';
import { clusterArn } from '../domain/arn.js';
import type { ClusterRecord } from '../domain/cluster.js';
import { loadCredentials, type Credentials } from '../config/credentials.js';
import type { ServerOptions } from '../config/options.js';
import { TaskLifecycleController } from '../controllers/taskLifecycle.js';
import { Gateway } from '../gateway/server.js';
import { PlacementPools } from '../placement/pools.js';
import { StateCache, Txn } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { createTables, type Tables } from '../state/tables.js';

export interface ControlPlane {
  url: string;
  credentials: Credentials;
  cache: StateCache;
  tables: Tables;
  close(): Promise<void>;
}

export async function startControlPlane(opts: ServerOptions, logger: Logger): Promise<ControlPlane> {
  const store = new SqliteStore(join(opts.dataDir, 'state.db'));
  const cache = new StateCache(store);
  const tables = createTables(cache);
  const registryTables = createRegistryTables(cache);
  await cache.start();
  await initialize(cache, tables, opts);
  // repositoryUri carries the host and port docker reaches; known once the gateway listens.
  let publicHost = `${opts.host}:${opts.port}`;
  const registry = await startRegistry({
    cache,
    tables: registryTables,
    dataDir: opts.dataDir,
    accountId: opts.accountId,
    region: opts.region,
    publicHost: () => publicHost,
    logger,
  });

  const credentials = loadCredentials(opts.dataDir);
  // Root keys for people and tools; per-instance keys (handed out on the agent channel) for agents.
  const secretFor = (id: string) =>
    id === credentials.accessKeyId ? credentials.secretAccessKey : tables.instanceCredentials.get(id)?.value.secretAccessKey;
  const pools = new PlacementPools(cache, tables);
  const channel = new AgentChannel({ cache, tables, logger, secretFor, heartbeatMs: opts.heartbeatSeconds * 1000 });
  const lifecycle = new TaskLifecycleController({
    cache,
    tables,
    logger,
    instanceGraceMs: opts.instanceGraceSeconds * 1000,
    stoppedRetentionMs: opts.stoppedTaskRetentionSeconds * 1000,
  });
  await lifecycle.markAllDisconnected();

  let url = '';
  const gateway = new Gateway({
    host: opts.host,
    port: opts.port,
    accountId: opts.accountId,
    secretFor,
    services: [
      ecsService(
        { cache, tables },
        {
          pools,
          channelUrl: () => url.replace(/^http/, 'ws') + CHANNEL_PATH,
          stoppedRetentionMs: opts.stoppedTaskRetentionSeconds * 1000,
        },
      ),
      ecrService(registry),
    ],
    logger,
    routes: [
      ...registryRoutes(registry),
      {
        prefix: '/_wharf/health',
        handle: (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'ok', revision: cache.revision, agents: channel.connected }));
        },
      },
    ],
    upgrades: [{ prefix: CHANNEL_PATH, handle: (req, socket, head) => channel.handleUpgrade(req, socket, head) }],
  });
  url = await gateway.listen();
  publicHost = new URL(url).host;
  lifecycle.start();
  return {
    url,
    credentials,
    cache,
    tables,
    async close() {
      registry.stop();
      lifecycle.stop();
      channel.close();
      await gateway.close();
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
  await cache.commit(txn);
}
