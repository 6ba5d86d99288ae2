// An in-process control plane with the metrics, logs and auto scaling APIs wired in, composed as controlPlane.ts will
// compose them (see the issue 8 report), with a fake service registry: the service controller is being built, so
// setDesiredCount/getService act on a map here. Clients: the Debian aws CLI and the AWS SDK v3.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { autoScalingService } from '../../src/api/autoscaling/index.js';
import { cloudwatchService } from '../../src/api/cloudwatch/index.js';
import { logsService } from '../../src/api/logs/index.js';
import { createScalingTables, startAutoScaling, type ScalingEngine } from '../../src/autoscaling/index.js';
import { Gateway } from '../../src/gateway/server.js';
import { Logs } from '../../src/logs/index.js';
import { createMetricsTables, Metrics } from '../../src/metrics/index.js';
import { signedOnly } from '../../src/metrics/access.js';
import { StateCache } from '../../src/store/cache.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { AWS_CLI, TEST_CREDENTIALS } from './harness.js';

export interface ObsWharf {
  url: string;
  dataDir: string;
  metrics: Metrics;
  logs: Logs;
  engine: ScalingEngine;
  /** Fake ECS services by resource id (`service/CLUSTER/NAME`). */
  services: Map<string, { desiredCount: number; runningCount: number }>;
  aws(...args: string[]): Promise<any>;
  awsRaw(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  cw: CloudWatchClient;
  cwl: CloudWatchLogsClient;
  aas: ApplicationAutoScalingClient;
  stop(): Promise<void>;
}

export async function startObsWharf(opts: { metricPeriodSeconds?: number; dataDir?: string } = {}): Promise<ObsWharf> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'wharf-obs-'));
  const logger = pino({ level: 'warn' });
  const store = new SqliteStore(join(dataDir, 'state.db'));
  const cache = new StateCache(store);
  const metricsTables = createMetricsTables(cache);
  const scalingTables = createScalingTables(cache);
  await cache.start();
  const services = new Map<string, { desiredCount: number; runningCount: number }>();
  const metrics = new Metrics({ cache, tables: metricsTables, metricPeriodSeconds: opts.metricPeriodSeconds ?? 60, logger });
  const logs = new Logs({ path: join(dataDir, 'logs.db'), logger, onIngest: (n) => metrics.prom.counters.logEvents.inc(n) });
  const engine = startAutoScaling(metrics, {
    tables: scalingTables,
    logger,
    tickMs: 250,
    getService: (id) => services.get(id),
    setDesiredCount: (id, n) => {
      const s = services.get(id);
      if (!s) throw new Error(`no service ${id}`);
      services.set(id, { ...s, desiredCount: n });
    },
  });
  const gateway = new Gateway({
    host: '127.0.0.1',
    port: 0,
    accountId: '000000000000',
    secretFor: (id) => (id === TEST_CREDENTIALS.accessKeyId ? TEST_CREDENTIALS.secretAccessKey : undefined),
    services: [cloudwatchService(metrics), logsService(logs), autoScalingService(engine, metrics.periodSeconds)],
    logger,
    // As the control plane serves it: only to a request signed with the root key.
    routes: [signedOnly(metrics.route(), (id) => (id === TEST_CREDENTIALS.accessKeyId ? TEST_CREDENTIALS.secretAccessKey : undefined))],
  });
  const url = await gateway.listen();
  metrics.start();
  logs.start();
  engine.start();
  const awsRaw = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        AWS_CLI,
        [...args, '--endpoint-url', url, '--output', 'json'],
        {
          env: {
            PATH: '/usr/bin:/bin', HOME: dataDir, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '',
          },
          maxBuffer: 64 << 20,
        },
        (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const client = { endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return {
    url, dataDir, metrics, logs, engine, services, awsRaw,
    async aws(...args: string[]) {
      const r = await awsRaw(args);
      if (r.code !== 0) throw new Error(r.stderr.trim());
      return r.stdout.trim() ? JSON.parse(r.stdout) : {};
    },
    cw: new CloudWatchClient(client),
    cwl: new CloudWatchLogsClient(client),
    aas: new ApplicationAutoScalingClient(client),
    async stop() {
      engine.stop();
      metrics.stop();
      logs.stop();
      await gateway.close();
      cache.stop();
      await store.close();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value or the time runs out. */
export async function eventually<T>(fn: () => Promise<T> | T, ms = 20_000, every = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(every);
  }
}
