// A replica's /health (the process answers) and /ready (it can serve: the store answers and its cache has caught up
// with what the store had when asked), each saying whether this replica leads. Load balancers in front of replicas
// route on /ready; a replica that lost the store answers 503 there, not a stale 200.
import type http from 'node:http';
import { Gauge, type Registry } from 'prom-client';
import type { StateCache } from '../store/cache.js';
import type { Store } from '../store/types.js';
import { LEADER_KEY, type LeaderRecord } from '../controllers/leadership.js';

export interface ReadinessDeps {
  replica: string;
  store: Store;
  cache: StateCache;
  leadership: { isLeader(): boolean; leader(): LeaderRecord | undefined };
  /** How long the store and the cache may take to answer /ready. Default 2000 ms. */
  timeoutMs?: number;
}

type Route = { prefix: string; handle: (req: http.IncomingMessage, res: http.ServerResponse) => void };

export function readinessRoutes(deps: ReadinessDeps): Route[] {
  const role = () => (deps.leadership.isLeader() ? 'leader' : 'follower');
  const exact = (path: string, fn: (res: http.ServerResponse) => Promise<void> | void): Route => ({
    prefix: path,
    handle: (req, res) => {
      const p = (req.url ?? '').split('?')[0];
      if (p !== path) return send(res, 404, { message: 'Not Found' });
      void Promise.resolve(fn(res)).catch((err: Error) => send(res, 500, { message: err.message }));
    },
  });
  return [
    exact('/health', (res) => send(res, 200, { status: 'ok', replica: deps.replica, role: role() })),
    exact('/ready', async (res) => {
      const timeoutMs = deps.timeoutMs ?? 2000;
      const leader = deps.leadership.leader();
      const base = { replica: deps.replica, role: role(), leader: leader && { replica: leader.replica, url: leader.url } };
      let storeRevision: number;
      try {
        storeRevision = (await within(deps.store.range(LEADER_KEY), timeoutMs)).revision;
      } catch (err) {
        return send(res, 503, { ...base, ready: false, reason: `the store does not answer: ${(err as Error).message}`, revision: deps.cache.revision });
      }
      await deps.cache.waitFor(storeRevision, timeoutMs);
      const lag = Math.max(0, storeRevision - deps.cache.revision);
      if (lag > 0) return send(res, 503, { ...base, ready: false, reason: 'the cache is behind the store', revision: deps.cache.revision, storeRevision });
      send(res, 200, { ...base, ready: true, revision: deps.cache.revision, storeRevision });
    }),
  ];
}

function send(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, fail) => (timer = setTimeout(() => fail(new Error(`no answer in ${ms} ms`)), ms))),
  ]);
}

/**
 * Read-your-writes across replicas: before an API call, this replica's cache catches up with the store's revision
 * as of the call's arrival (one linearizable read, shared by every call that arrived while the previous one was out),
 * so a write acknowledged by any replica before the call is seen by it. When the store does not answer in time the
 * call goes on with the state this replica has (reads keep serving; writes fail on their own).
 */
export function readBarrier(store: Store, cache: StateCache, timeoutMs = 1000): () => Promise<void> {
  let current: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const once = () =>
    within(store.range(LEADER_KEY), timeoutMs)
      .then(({ revision }) => cache.waitFor(revision, timeoutMs))
      .catch(() => undefined)
      .finally(() => (current = undefined));
  return () => {
    if (!current) return (current = once());
    // The read out now may have been sent before this call arrived: wait for the one after it.
    next ??= current.then(() => {
      next = undefined;
      return (current ??= once());
    });
    return next;
  };
}

/** Prometheus: whether this replica leads, how often it became leader, and the revision its cache holds. */
export function replicaGauges(registry: Registry, leadership: { isLeader: boolean; terms: number }, cache: StateCache): void {
  new Gauge({ name: 'wharf_replica_leader', help: '1 while this replica leads (runs the controllers)', registers: [registry], collect() { this.set(leadership.isLeader ? 1 : 0); } });
  new Gauge({ name: 'wharf_replica_leader_terms', help: 'Times this replica became the leader', registers: [registry], collect() { this.set(leadership.terms); } });
  new Gauge({ name: 'wharf_store_revision', help: "The store revision this replica's cache holds", registers: [registry], collect() { this.set(cache.revision); } });
  new Gauge({ name: 'wharf_store_transactions_committed', help: 'Transactions with writes this replica committed', registers: [registry], collect() { this.set(cache.commits.committed); } });
  new Gauge({ name: 'wharf_store_transactions_refused', help: 'Transactions of this replica the store refused (a guard failed: re-planned)', registers: [registry], collect() { this.set(cache.commits.refused); } });
}
