// Opens the Store the options name: SQLite under the data directory (one process), or an etcd cluster that several
// control plane replicas share. An etcd that does not answer is retried for a while, then start-up stops with a
// message saying which endpoints did not answer; nothing else has started by then.
import { readFileSync } from 'node:fs';
import type { EtcdTls } from './etcd.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

/** Where the state lives: `sqlite:PATH` or `etcd://HOST:PORT[,HOST:PORT...][/PREFIX]`. */
export type StoreSpec =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'etcd';
      /** HOST:PORT of one or more members of one etcd cluster. */
      endpoints: string[];
      /** A key prefix, to share an etcd with others ('' when Wharf has it to itself). */
      namespace: string;
      /** TLS to the members: PEM files of the CA, and of this client's certificate and key when etcd asks for one. */
      tls?: { ca: string; cert?: string; key?: string };
      /** etcd user and password. */
      auth?: { username: string; password: string };
    };

export interface OpenOptions {
  /** How long to keep trying an etcd that does not answer. Default 30 s. */
  connectTimeoutMs?: number;
  /** Told of each failed attempt, before the next one. */
  onRetry?: (error: Error, attempt: number, delayMs: number) => void;
}

export function describeStore(spec: StoreSpec): string {
  return spec.kind === 'sqlite' ? `sqlite:${spec.path}` : `etcd://${spec.endpoints.join(',')}/${spec.namespace}`;
}

export async function openStore(spec: StoreSpec, opts: OpenOptions = {}): Promise<Store> {
  if (spec.kind === 'sqlite') return new SqliteStore(spec.path);
  // etcd's client (gRPC, protobuf) is a large part of start-up when loaded: only when the store is etcd.
  const { EtcdStore } = await import('./etcd.js');
  const deadline = Date.now() + (opts.connectTimeoutMs ?? 30_000);
  const tls: EtcdTls | undefined = spec.tls && {
    ca: readFileSync(spec.tls.ca),
    cert: spec.tls.cert ? readFileSync(spec.tls.cert) : undefined,
    key: spec.tls.key ? readFileSync(spec.tls.key) : undefined,
  };
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 4000)) {
    const store = new EtcdStore({ endpoints: spec.endpoints, namespace: spec.namespace, requestTimeoutMs: 3000, dialTimeoutMs: 3000, tls, auth: spec.auth });
    try {
      await store.currentRevision();
      return store;
    } catch (e) {
      await store.close().catch(() => {});
      const err = e instanceof Error ? e : new Error(String(e));
      if (Date.now() + delay > deadline) {
        throw new Error(`etcd at ${spec.endpoints.join(',')} did not answer after ${attempt} attempts: ${err.message}`);
      }
      opts.onRetry?.(err, attempt, delay);
      await new Promise((ok) => setTimeout(ok, delay));
    }
  }
}
