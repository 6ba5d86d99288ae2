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

export type Op = { type: 'put'; key: string; value: string } | { type: 'delete'; key: string };

export interface TxnResult {
  succeeded: boolean;
  /** The store revision after the transaction (unchanged when it failed or wrote nothing). */
  revision: number;
}

export interface WatchEvent {
  type: 'put' | 'delete';
  key: string;
  /** The new value; undefined for deletes. */
  kv?: KeyValue;
  prev?: KeyValue;
}

export type WatchListener = (events: WatchEvent[], revision: number) => void;

export interface Store {
  get(key: string): Promise<KeyValue | undefined>;
  /** Every key starting with prefix, sorted by key, and the revision the read saw. */
  range(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }>;
  /** Applies all ops atomically when every compare holds; otherwise applies nothing. */
  txn(compares: Compare[], ops: Op[]): Promise<TxnResult>;
  /** Delivers the changes under prefix made after fromRevision, in revision order. Returns the cancel function. */
  watch(prefix: string, fromRevision: number, listener: WatchListener): () => void;
  close(): Promise<void>;
}
