// The distributed Store backend: an etcd cluster (v3 API, through the etcd3 gRPC client). The Store was shaped after
// etcd, so this is mostly a translation: revisions are etcd's create/mod revisions, a transaction is one etcd Txn
// comparing each guarded key's mod revision (0: absent), range is a prefix Range, and a watch is an etcd watch from
// the next revision with the previous values. Reads are linearizable (etcd's default), so a replica reads what any
// replica's acknowledged write left.
import { Etcd3, type IOptions, type Lease as EtcdLease, type Watcher } from 'etcd3';
import { StoreUnavailableError, type Compare, type KeyValue, type Lease, type Op, type ResyncListener, type Store, type TxnResult, type WatchEvent, type WatchListener } from './types.js';

export interface EtcdStoreOptions {
  /** Client endpoints: HOST:PORT or http(s)://HOST:PORT, any members of one cluster. */
  endpoints: string[];
  /** A prefix put before every key, to share one etcd with others. Default '' (Wharf has the key space). */
  namespace?: string;
  /** Deadline of each request in milliseconds (a watch is not one). Default 5000. */
  requestTimeoutMs?: number;
  /** How long the first connection may take, in milliseconds. Default 3000. */
  dialTimeoutMs?: number;
  /** TLS: the CA that signed the members' certificates, and this client's certificate and key (PEM). */
  tls?: EtcdTls;
  /** etcd's user/password authentication. */
  auth?: { username: string; password: string };
}

export interface EtcdTls {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** The etcd3 client's raw key-value pair: keys and values as bytes, revisions as decimal strings. */
interface RawKv {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
}

export class EtcdStore implements Store {
  readonly client: Etcd3;
  /** The prefix before every key of this store in etcd. */
  readonly namespace: string;
  private readonly watchers = new Set<Watcher>();
  private readonly leases = new Set<EtcdLease>();

  constructor(opts: EtcdStoreOptions) {
    const timeout = opts.requestTimeoutMs ?? 5000;
    const scheme = opts.tls ? 'https' : 'http';
    const options: IOptions = {
      hosts: opts.endpoints.map((e) => (/^https?:\/\//.test(e) ? e : `${scheme}://${e}`)),
      ...(opts.tls ? { credentials: { rootCertificate: opts.tls.ca, privateKey: opts.tls.key, certChain: opts.tls.cert } } : {}),
      ...(opts.auth ? { auth: { ...opts.auth } } : {}),
      dialTimeout: opts.dialTimeoutMs ?? 3000,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    };
    this.client = new Etcd3(options);
    this.namespace = opts.namespace ?? '';
  }

  /** The current revision of the cluster (a linearizable read). */
  async currentRevision(): Promise<number> {
    const res = await this.client.kv.range({ key: Buffer.from(this.namespace + '\0'), limit: 1, count_only: true }).catch(unavailable);
    return Number(res.header.revision);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.client.kv.range({ key: Buffer.from(this.namespace + key) }).catch(unavailable);
    const kv = res.kvs[0];
    return kv && this.toKv(kv);
  }

  async range(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }> {
    const [key, rangeEnd] = prefixRange(this.namespace + prefix);
    // etcd sorts a range by key (bytes), as the Store promises.
    const res = await this.client.kv.range({ key, range_end: rangeEnd }).catch(unavailable);
    return { kvs: res.kvs.map((kv) => this.toKv(kv)), revision: Number(res.header.revision) };
  }

  async txn(compares: Compare[], ops: Op[]): Promise<TxnResult> {
    // etcd refuses two writes of one key in a transaction; the last one is what the Store promises anyway.
    const last = new Map<string, Op>();
    for (const op of ops) {
      last.delete(op.key);
      last.set(op.key, op);
    }
    const res = await this.client.kv
      .txn({
      compare: compares.map((c) => ({
        key: Buffer.from(this.namespace + c.key),
        target: 'Mod' as const,
        result: 'Equal' as const,
        mod_revision: c.modRevision,
      })),
      success: [...last.values()].map((op) =>
        op.type === 'put'
          ? { request_put: { key: Buffer.from(this.namespace + op.key), value: Buffer.from(op.value), lease: op.lease ?? 0 } }
          : { request_delete_range: { key: Buffer.from(this.namespace + op.key) } },
      ),
      })
      .catch(unavailable);
    const changed =
      res.succeeded &&
      [...last.values()].some((op, i) => op.type === 'put' || Number(res.responses[i]?.response_delete_range?.deleted ?? 0) > 0);
    return { succeeded: res.succeeded, revision: Number(res.header.revision), changed };
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener, onResync: ResyncListener): () => void {
    let delivered = fromRevision;
    let done = false;
    /** Ends the watch; `cancel`: ask etcd to drop it (not when etcd already has). */
    const end = (cancel: boolean) => {
      if (done) return;
      done = true;
      this.watchers.delete(watcher);
      if (cancel) void cancelWithin(watcher, 1000);
    };
    const [key, rangeEnd] = prefixRange(this.namespace + prefix);
    const watcher = this.client
      .watch()
      .inRange({ start: key, end: rangeEnd })
      .withPreviousKV()
      .startRevision(String(fromRevision + 1))
      .watcher();
    this.watchers.add(watcher);
    // The client resumes a watch after a lost connection from the revision in the last response's header, which can
    // be past events it has not delivered yet (a catch-up response carries the current revision). Resume from what
    // was delivered instead.
    const resumeFromDelivered = () => {
      watcher.request.start_revision = String(delivered + 1);
    };
    watcher.on('data', (res) => {
      if (done) return;
      if (res.events.length === 0) {
        // A progress notification: everything up to its revision has been sent.
        delivered = Math.max(delivered, Number(res.header.revision));
        return resumeFromDelivered();
      }
      const events: WatchEvent[] = [];
      let rev = delivered;
      for (const ev of res.events) {
        const modRevision = Number(ev.kv.mod_revision);
        if (modRevision <= delivered) continue;
        rev = Math.max(rev, modRevision);
        const key = this.unprefix(ev.kv.key);
        const prev = ev.prev_kv ? this.toKv(ev.prev_kv) : undefined;
        events.push(ev.type === 'Put' ? { type: 'put', key, kv: this.toKv(ev.kv), prev } : { type: 'delete', key, prev, revision: modRevision });
      }
      delivered = rev;
      resumeFromDelivered();
      if (events.length > 0) listener(events, rev);
    });
    watcher.on('connected', resumeFromDelivered);
    watcher.on('disconnected', resumeFromDelivered);
    // etcd cancels a watch whose start revision was compacted (and nothing else cancels ours): the history is gone.
    watcher.on('error', () => {
      if (done) return;
      end(false);
      onResync();
    });
    return () => end(true);
  }

  async grantLease(ttlSeconds: number): Promise<Lease> {
    // The client renews it (a third of the time to live apart) until revoked or the client is closed.
    const lease = this.client.lease(ttlSeconds);
    this.leases.add(lease);
    const id = await lease.grant();
    let revoked = false;
    const lost: (() => void)[] = [];
    lease.on('lost', () => {
      if (!revoked) for (const l of lost.splice(0)) l();
    });
    return {
      id,
      onLost: (l) => void lost.push(l),
      revoke: async () => {
        revoked = true;
        this.leases.delete(lease);
        await lease.revoke();
      },
    };
  }

  /** Compacts etcd's history at revision (operators usually let etcd's auto-compaction do it). */
  async compact(revision: number): Promise<void> {
    await this.client.kv.compact({ revision, physical: true });
  }

  async close(): Promise<void> {
    const all = [...this.watchers];
    this.watchers.clear();
    await Promise.all(all.map((w) => cancelWithin(w, 1000)));
    // Leases are not revoked: they expire unless renewed, and a holder that closes stops renewing them.
    for (const l of this.leases) l.release();
    this.leases.clear();
    this.client.close();
  }

  private unprefix(key: Buffer): string {
    return key.toString('utf8').slice(this.namespace.length);
  }

  private toKv(kv: RawKv): KeyValue {
    return {
      key: this.unprefix(kv.key),
      value: kv.value.toString('utf8'),
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
      version: Number(kv.version),
    };
  }
}

/**
 * etcd errors that mean it did not answer (no quorum, unreachable, too slow, a leader lost mid-request, a connection
 * or stream torn down) become StoreUnavailableError; any other is a fault of the request and stays as it is.
 */
function unavailable(err: unknown): never {
  const e = err as Error;
  const said = `${e?.constructor?.name} ${e?.name} ${e?.message}`;
  if (/Unavailable|Deadline_?Exceeded|Cancelled|ConnectFailed|NoLeader|no leader|not leader|leader changed|timed out|took too long|too many requests|unhealthy cluster|server stopped|stream removed|RST_STREAM|ECONNRESET|ECONNREFUSED|EPIPE|ClientClosed|BrokenCircuit/i.test(said)) {
    throw new StoreUnavailableError(`etcd did not answer: ${e.message}`);
  }
  throw err;
}

/** Cancels a watcher, waiting for etcd's answer no longer than `ms` (an etcd that went away never answers). */
async function cancelWithin(w: Watcher, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([w.cancel().catch(() => {}), new Promise((ok) => (timer = setTimeout(ok, ms)))]);
  clearTimeout(timer);
}

/** etcd's [key, range_end) for every key starting with prefix ('' is the whole key space). */
function prefixRange(prefix: string): [Buffer, Buffer] {
  if (prefix === '') return [Buffer.from([0]), Buffer.from([0])];
  const start = Buffer.from(prefix);
  const end = Buffer.from(start);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return [start, end.subarray(0, i + 1)];
    }
  }
  return [start, Buffer.from([0])];
}
