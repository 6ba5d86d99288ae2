// Composes the control plane: store, cache, state tables, the AWS APIs behind the gateway. `wharf up` and
// `wharf server` both start it; `up` adds the host's own parts around it in later features.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ecsService } from '../api/ecs/index.js';
import { clusterArn } from '../domain/arn.js';
import type { ClusterRecord } from '../domain/cluster.js';
import { loadCredentials, type Credentials } from '../config/credentials.js';
import type { ServerOptions } from '../config/options.js';
import { Gateway } from '../gateway/server.js';
import { StateCache, Txn } from '../store/cache.js';
import { SqliteStore } from '../store/sqlite.js';
import { createTables, type Tables } from '../state/tables.js';

export interface ControlPlane {
  url: string;
  credentials: Credentials;
  close(): Promise<void>;
}

export async function startControlPlane(opts: ServerOptions, logger: Logger): Promise<ControlPlane> {
  const store = new SqliteStore(join(opts.dataDir, 'state.db'));
  const cache = new StateCache(store);
  const tables = createTables(cache);
  await cache.start();
  await initialize(cache, tables, opts);

  const credentials = loadCredentials(opts.dataDir);
  const gateway = new Gateway({
    host: opts.host,
    port: opts.port,
    accountId: opts.accountId,
    secretFor: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
    services: [ecsService({ cache, tables })],
    logger,
    routes: [
      {
        prefix: '/_wharf/health',
        handle: (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'ok', revision: cache.revision }));
        },
      },
    ],
  });
  const url = await gateway.listen();
  return {
    url,
    credentials,
    async close() {
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
