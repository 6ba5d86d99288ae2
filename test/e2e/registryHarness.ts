// An in-process Wharf control plane with the registry wired in (ECS left out: these tests need only ECR), composed as controlPlane.ts will compose it
// (see the wiring in the registry's report), plus clients for the registry tests: raw HTTP with auth, the aws CLI,
// docker with a private config dir, and skopeo.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ecrService } from '../../src/api/ecr/index.js';
import { Gateway } from '../../src/gateway/server.js';
import { createRegistryTables, registryRoutes, startRegistry, type Registry } from '../../src/registry/index.js';
import { loadSealingKey, Sealer } from '../../src/sealing/index.js';
import { StateCache } from '../../src/store/cache.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { AWS_CLI, TEST_CREDENTIALS } from './harness.js';

export interface RegistryWharf {
  url: string;
  host: string;
  dataDir: string;
  registry: Registry;
  aws(...args: string[]): Promise<any>;
  awsRaw(args: string[]): Promise<Run>;
  stop(): Promise<void>;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { env?: Record<string, string>; input?: string; timeout?: number } = {}): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(cmd, args, { env: { ...process.env, ...opts.env }, maxBuffer: 64 << 20, timeout: opts.timeout ?? 120_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

export async function startRegistryWharf(opts: { tokenTtlMs?: number; now?: () => Date } = {}): Promise<RegistryWharf> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-registry-'));
  const store = new SqliteStore(join(dataDir, 'state.db'));
  const cache = new StateCache(store);
  const registryTables = createRegistryTables(cache);
  await cache.start();
  let publicHost = '';
  const logger = pino({ level: 'warn' });
  const registry = await startRegistry({
    cache, tables: registryTables, dataDir, accountId: '000000000000', region: 'us-east-1', publicHost: () => publicHost, logger,
    sweepIntervalMs: 0, sealer: new Sealer(loadSealingKey(dataDir).key), ...opts,
  });
  const gateway = new Gateway({
    host: '127.0.0.1', port: 0, accountId: '000000000000',
    secretFor: (id) => (id === TEST_CREDENTIALS.accessKeyId ? TEST_CREDENTIALS.secretAccessKey : undefined),
    services: [ecrService(registry)],
    logger,
    routes: [...registryRoutes(registry)],
  });
  const url = await gateway.listen();
  publicHost = new URL(url).host;
  const awsRaw = (args: string[]) =>
    run(AWS_CLI, [...args, '--endpoint-url', url, '--output', 'json'], {
      env: {
        HOME: dataDir, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '',
      },
    });
  return {
    url, host: publicHost, dataDir, registry, awsRaw,
    async aws(...args: string[]) {
      const r = await awsRaw(args);
      if (r.code !== 0) throw new Error(r.stderr.trim());
      return r.stdout.trim() ? JSON.parse(r.stdout) : {};
    },
    async stop() {
      registry.stop();
      await gateway.close();
      cache.stop();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Raw registry HTTP with a password (or none): method, path, body, headers. */
export async function v2(
  w: RegistryWharf, password: string | undefined, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {},
): Promise<Response> {
  const auth: Record<string, string> = password ? { authorization: 'Basic ' + Buffer.from(`AWS:${password}`).toString('base64') } : {};
  return fetch(w.url + path, { method, body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body), headers: { ...auth, ...headers }, redirect: 'manual' });
}
