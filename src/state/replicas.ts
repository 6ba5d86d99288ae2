// Which control plane replicas are alive (`fleet/replicas/ID`): each puts its row under its own lease at start and
// again after a lost lease, so a dead replica's row goes with its lease. Whoever must hear from every replica (a
// target's draining, lb/draining.ts) asks this list, and the DNS names of load balancers answer the address each
// live replica serves them on.
import { Txn, type StateCache, type Table } from '../store/cache.js';

export interface ReplicaRecord {
  url: string;
  since: Date;
  /** Where this replica serves the load balancers (`--lb-bind-pool`); none: on their own addresses. */
  lbBindPool?: string;
}

export type Replicas = Table<ReplicaRecord>;

export function createReplicas(cache: StateCache): Replicas {
  return cache.table<ReplicaRecord>({ prefix: 'fleet/replicas/' });
}

/** Puts this replica's row under its lease (unguarded: the same replica puts it again after a new lease). */
export async function announceReplica(cache: StateCache, replicas: Replicas, id: string, url: string, leaseId: string, lbBindPool?: string): Promise<void> {
  await cache.commit(new Txn().put(replicas, id, { url, since: new Date(), ...(lbBindPool ? { lbBindPool } : {}) }, undefined, leaseId));
}

export function liveReplicas(replicas: Replicas): string[] {
  return [...replicas.values()].map((r) => r.id);
}
