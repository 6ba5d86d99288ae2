// The one Store interface every backend implements (SQLite embedded, etcd distributed). It is shaped like etcd's
// key-value API on purpose: keys with revisions, compare-and-swap transactions and watches, so a second backend is
// a second implementation of one design, not a second design.

export interface KeyValue {
  key: string;
  value: string;
  /** Store revision at which the key was created. */
  createRevision: number;
  /** Store revision of the key's last write. */
  modRevision: number;
  /** Number of writes since creation (1 after creation). */
  version: number;
}

/** A guard on a transaction: the key's modRevision must equal this (0 means "must not exist"). */
export interface Compare {
  key: string;
  modRevision: number;
}

/** A put may attach its key to a lease (Lease.id): the key is deleted when the lease ends. */
export type Op = { type: 'put'; key: string; value: string; lease?: string } | { type: 'delete'; key: string };

/**
 * A lease: keys put under it live as long as its holder does. It ends when revoked, or when the holder stops renewing
 * it (the process died or lost the store) for its time to live; its keys are then deleted, as a change like any
 * other. A put of the key without the lease detaches it. This is what leadership is built on: the leader key is put
 * under the leader's lease with a guard that it does not exist, and everyone else watches for its delete.
 */
export interface Lease {
  readonly id: string;
  /** Called once if the lease ends without revoke(): this holder no longer holds its keys. */
  onLost(listener: () => void): void;
  /** Ends the lease now: its keys are deleted. */
  revoke(): Promise<void>;
}

export interface TxnResult {
  succeeded: boolean;
  /**
   * The store revision after the transaction: the revision of its writes when it wrote something; otherwise a
   * revision at least as recent as every write acknowledged before it (a reader at this revision misses nothing).
   */
  revision: number;
  /** True when the transaction changed at least one key (a delete of a missing key changes nothing). */
  changed: boolean;
}

export interface WatchEvent {
  type: 'put' | 'delete';
  key: string;
  /** The new value; undefined for deletes. */
  kv?: KeyValue;
  prev?: KeyValue;
  /** A delete's revision, when the backend knows it (a put's is kv.modRevision). */
  revision?: number;
}

/**
 * What a watch hands its consumer: batches in revision order, never split inside one revision, each with the
 * revision it brings the watcher to (every change under the prefix up to it has been delivered).
 */
export type WatchListener = (events: WatchEvent[], revision: number) => void;

/**
 * Called once, instead of any further batch, when the watch cannot go on without a gap: the history it needs was
 * compacted away, or the store cancelled it. The watch has ended; the consumer re-lists with range() and watches again
 * from the revision that read returned.
 */
export type ResyncListener = () => void;

export interface Store {
  /**
   * Reads are linearizable: they see every transaction acknowledged before they were issued, through any replica
   * (read-your-writes).
   */
  get(key: string): Promise<KeyValue | undefined>;
  /** Every key starting with prefix, sorted by key, and the revision the read saw. */
  range(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }>;
  /**
   * As range, handing each key-value to visit as it is read instead of building the list (an in-process store:
   * start-up reads the whole store, and a value visited and let go is cheaper than a list of them all). Optional.
   */
  scan?(prefix: string, visit: (kv: KeyValue) => void): Promise<number>;
  /** Applies all ops atomically when every compare holds; otherwise applies nothing. */
  txn(compares: Compare[], ops: Op[]): Promise<TxnResult>;
  /**
   * Delivers the changes under prefix made after fromRevision, in revision order, synchronously or not (a consumer
   * must not rely on either). When the history after fromRevision is gone, calls onResync once and delivers nothing
   * more. Returns the cancel function.
   */
  watch(prefix: string, fromRevision: number, listener: WatchListener, onResync: ResyncListener): () => void;
  /**
   * A new lease renewed by this store until revoked or closed. SQLite's leases live as long as the process (its keys
   * are deleted when the store is next opened); etcd's expire ttlSeconds after the last renewal.
   */
  grantLease(ttlSeconds: number): Promise<Lease>;
  close(): Promise<void>;
}

/**
 * The store did not answer (no quorum, unreachable, timed out). A write that fails so may or may not have been
 * applied; the caller answers "unavailable, try again" and never half-applies anything itself.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}
