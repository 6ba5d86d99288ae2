// Options are normalized once, here: every default resolved, so the rest of Wharf never sees an undefined option.
import { bindPoolFits, DEFAULT_TASK_ADDRESS_POOL, parseAddressPool } from '../domain/addressPool.js';
import { mkdirSync } from 'node:fs';
import { cpus, homedir, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { StoreSpec } from '../store/open.js';
import { hostResolvers, type Upstream } from '../dns/upstream.js';

export interface ServerOptionsInput {
  dataDir?: string;
  host?: string;
  advertiseAddress?: string;
  port?: number | string;
  region?: string;
  accountId?: string;
  logLevel?: string;
  instanceGraceSeconds?: number | string;
  stoppedTaskRetentionSeconds?: number | string;
  heartbeatSeconds?: number | string;
  metricPeriod?: number | string;
  dnsAddress?: string;
  dnsUpstream?: string;
  taskAddressPool?: string;
  lbAddressPool?: string;
  lbBindPool?: string;
  dynamicHostPortRange?: string;
  lbWorkers?: number | string;
  metricsAddress?: string;
  store?: string;
  storeConnectSeconds?: number | string;
  efsRoot?: string;
  spotInterruptionRate?: number | string;
  capacityScalingWebhook?: string;
  leaderLeaseSeconds?: number | string;
  telemetryWindowSeconds?: number | string;
  etcdCa?: string;
  etcdCert?: string;
  etcdKey?: string;
  etcdUser?: string;
  blobDir?: string;
}

export interface ServerOptions {
  /** Where state, credentials and (later) blobs live. Default ~/.wharf. */
  dataDir: string;
  /** Address the gateway listens on. Default 127.0.0.1. */
  host: string;
  /**
   * The address other replicas, agents and clients are given for this replica (the leader's URL that followers hand
   * placements to, exec sessions' stream URLs, repository URIs). Default the listen address, or where that is a
   * wildcard (0.0.0.0, ::), this host's first address that is not loopback (advertiseAddressFor).
   */
  advertiseAddress: string;
  /** Gateway port. Default 4510; 0 picks a free port. */
  port: number;
  /** Region used for resources Wharf creates itself (the default cluster). Default us-east-1. */
  region: string;
  /** Account id in every ARN. Default 000000000000. */
  accountId: string;
  logLevel: string;
  /** How long an instance may be without its agent before its tasks are stopped as lost. Default 60. */
  instanceGraceSeconds: number;
  /** How long STOPPED tasks stay describable. Default 3600 (ECS: at least an hour). */
  stoppedTaskRetentionSeconds: number;
  /** Agent channel heartbeat period. Default 20. */
  heartbeatSeconds: number;
  /** CloudWatch datapoint period for Wharf's own metrics (AWS/ECS). Default 60, as AWS. */
  metricPeriodSeconds: number;
  /** The length of a minute in deployment bake times (WHARF_DEPLOYMENT_MINUTE_SECONDS; 60, shortened by tests). */
  deploymentMinuteSeconds: number;
  /** Wharf's DNS server (load balancer names): address and port. Default 127.0.0.53:53. */
  dnsAddress: string;
  dnsPort: number;
  /**
   * Where the DNS server forwards names outside its zones (Cloud Map namespaces, load balancer names): --dns-upstream
   * HOST:PORT[,HOST:PORT...], or `none`. Default: the nameservers of /etc/resolv.conf, less Wharf's own address.
   */
  dnsUpstreams: Upstream[];
  /** The embedded agent's awsvpc task addresses (`--task-address-pool`). Default 127.1.0.0/16. */
  taskAddressPool: string;
  /** Where load balancers take their addresses (`--lb-address-pool`). Default 127.2.0.0/16. */
  lbAddressPool: string;
  /**
   * Where this replica serves the load balancers (`--lb-bind-pool`): the one with the Nth address of the address
   * pool on the Nth address of this range. Default none: each on its own address. Replicas on one host (or hosts
   * that do not share the load balancer addresses) each take a range of their own.
   */
  lbBindPool?: string;
  /** Where bridge tasks' dynamic host ports come from (ECS agent's ECS_DYNAMIC_HOST_PORT_RANGE), inclusive. */
  dynamicHostPortRange: [number, number];
  /** Load balancer data plane worker processes beside the main one. Default min(2, cores - 1). */
  lbWorkers: number;
  /** --metrics-address: a listener of its own for /metrics, unauthenticated. Default none (on the gateway, signed). */
  metricsListen?: { host: string; port: number };
  /** --store / WHARF_STORE. Default SQLite at DATA_DIR/state.db. */
  store: StoreSpec;
  /** How long start-up keeps trying an etcd that does not answer before it gives up (WHARF_STORE_CONNECT_SECONDS). Default 30. */
  storeConnectSeconds: number;
  /** --efs-root / WHARF_EFS_ROOT: where EFS file systems keep their data (ROOT/FSID). Default DATA_DIR/efs. */
  efsRoot: string;
  /** --spot-interruption-rate / WHARF_SPOT_INTERRUPTION_RATE: chance per minute that each FARGATE_SPOT task is interrupted. Default 0. */
  spotInterruptionRate: number;
  /** --capacity-scaling-webhook / WHARF_CAPACITY_SCALING_WEBHOOK: where managed scaling's advice to add or remove
   * hosts is POSTed (controllers/managedScaling.ts). None by default. */
  capacityScalingWebhook?: string;
  /**
   * The time to live of each replica's lease (--leader-lease-seconds / WHARF_LEADER_LEASE_SECONDS): how long a dead
   * leader keeps the controllers stopped, and a dead replica's agents connected, before others notice. Default 10.
   */
  leaderLeaseSeconds: number;
  /**
   * With replicas on etcd (--telemetry-window-seconds / WHARF_TELEMETRY_WINDOW_SECONDS): how long log events and
   * datapoints stay in etcd after every replica has them in its own copy; a replica started later than that gets only
   * the window. Default 3600.
   */
  telemetryWindowSeconds: number;
  /**
   * Where the registry keeps image layers and uploads (`--blob-dir`, under `registry/`): the data directory unless
   * given; replicas share one directory every one of them mounts.
   */
  blobDir: string;
}

export const DEFAULT_PORT = 4510;

/** `LO-HI`, as ECS_DYNAMIC_HOST_PORT_RANGE is written: 1024 <= LO <= HI <= 65535. */
function portRange(text: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(lo >= 1024 && hi <= 65535 && lo <= hi)) throw new Error(`invalid dynamic host port range (LO-HI within 1024-65535 expected): ${text}`);
  return [lo, hi];
}

export function resolveServerOptions(input: ServerOptionsInput, env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const port = Number(input.port ?? env.WHARF_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${input.port}`);
  const accountId = input.accountId ?? env.WHARF_ACCOUNT_ID ?? '000000000000';
  if (!/^\d{12}$/.test(accountId)) throw new Error(`invalid account id (12 digits expected): ${accountId}`);
  const dataDir = resolve(input.dataDir ?? env.WHARF_DATA_DIR ?? join(homedir(), '.wharf'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dns = dnsAddress(input.dnsAddress ?? env.WHARF_DNS_ADDRESS ?? '127.0.0.53:53');
  const host = input.host ?? env.WHARF_HOST ?? '127.0.0.1';
  return {
    dataDir,
    host,
    advertiseAddress: advertiseAddressFor(host, input.advertiseAddress ?? env.WHARF_ADVERTISE_ADDRESS),
    port,
    region: input.region ?? env.WHARF_REGION ?? 'us-east-1',
    accountId,
    logLevel: input.logLevel ?? env.WHARF_LOG_LEVEL ?? 'info',
    instanceGraceSeconds: seconds('instance grace', input.instanceGraceSeconds ?? env.WHARF_INSTANCE_GRACE_SECONDS, 60),
    stoppedTaskRetentionSeconds: seconds(
      'stopped task retention',
      input.stoppedTaskRetentionSeconds ?? env.WHARF_STOPPED_TASK_RETENTION_SECONDS,
      3600,
    ),
    heartbeatSeconds: seconds('heartbeat', input.heartbeatSeconds ?? env.WHARF_HEARTBEAT_SECONDS, 20),
    metricPeriodSeconds: Math.max(1, seconds('metric period', input.metricPeriod ?? env.WHARF_METRIC_PERIOD, 60)),
    deploymentMinuteSeconds: seconds('deployment minute', env.WHARF_DEPLOYMENT_MINUTE_SECONDS, 60),
    ...dns,
    dnsUpstreams: dnsUpstreams(input.dnsUpstream ?? env.WHARF_DNS_UPSTREAM, dns),
    taskAddressPool: addressPool('task', input.taskAddressPool ?? env.WHARF_TASK_ADDRESS_POOL ?? DEFAULT_TASK_ADDRESS_POOL),
    ...lbPools(input.lbAddressPool ?? env.WHARF_LB_ADDRESS_POOL ?? '127.2.0.0/16', input.lbBindPool ?? env.WHARF_LB_BIND_POOL),
    dynamicHostPortRange: portRange(input.dynamicHostPortRange ?? env.WHARF_DYNAMIC_HOST_PORT_RANGE ?? '49153-65535'),
    metricsListen: hostPort('--metrics-address', input.metricsAddress ?? env.WHARF_METRICS_ADDRESS),
    store: withEtcdAccess(storeSpec(input.store ?? env.WHARF_STORE, dataDir), {
      ca: input.etcdCa ?? env.WHARF_ETCD_CA,
      cert: input.etcdCert ?? env.WHARF_ETCD_CERT,
      key: input.etcdKey ?? env.WHARF_ETCD_KEY,
      user: input.etcdUser ?? env.WHARF_ETCD_USER,
      password: env.WHARF_ETCD_PASSWORD,
    }),
    blobDir: resolve(input.blobDir ?? env.WHARF_BLOB_DIR ?? dataDir),
    storeConnectSeconds: seconds('store connect', input.storeConnectSeconds ?? env.WHARF_STORE_CONNECT_SECONDS, 30),
    spotInterruptionRate: rate(input.spotInterruptionRate ?? env.WHARF_SPOT_INTERRUPTION_RATE),
    capacityScalingWebhook: webhook(input.capacityScalingWebhook ?? env.WHARF_CAPACITY_SCALING_WEBHOOK),
    efsRoot: resolve(input.efsRoot ?? env.WHARF_EFS_ROOT ?? join(dataDir, 'efs')),
    leaderLeaseSeconds: leaseSeconds(input.leaderLeaseSeconds ?? env.WHARF_LEADER_LEASE_SECONDS),
    telemetryWindowSeconds: seconds('telemetry window', input.telemetryWindowSeconds ?? env.WHARF_TELEMETRY_WINDOW_SECONDS, 3600),
    lbWorkers: Math.floor(seconds('load balancer workers', input.lbWorkers ?? env.WHARF_LB_WORKERS, Math.max(0, Math.min(2, cpus().length - 1)))),
  };
}

function rate(v: number | string | undefined): number {
  const n = Number(v ?? 0);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`invalid spot interruption rate (0 to 1 per minute expected): ${v}`);
  return n;
}

/** etcd refuses leases much shorter than its election timeout; whole seconds from 2 to 300. */
function leaseSeconds(v: number | string | undefined): number {
  const n = seconds('leader lease', v, 10);
  if (!Number.isInteger(n) || n < 2 || n > 300) throw new Error(`invalid leader lease seconds (a whole number from 2 to 300): ${v}`);
  return n;
}

function seconds(what: string, v: number | string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`invalid ${what} seconds: ${v}`);
  return n;
}

function dnsAddress(text: string): { dnsAddress: string; dnsPort: number } {
  const i = text.lastIndexOf(':');
  const port = i < 0 ? 53 : Number(text.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --dns-address: ${text}`);
  return { dnsAddress: i < 0 ? text : text.slice(0, i), dnsPort: port };
}

function dnsUpstreams(text: string | undefined, own: { dnsAddress: string; dnsPort: number }): Upstream[] {
  if (text === 'none' || text === '') return [];
  const list = text === undefined
    ? hostResolvers()
    : text.split(',').map((t) => {
      // HOST:PORT, [IPV6]:PORT, or an address alone (port 53).
      const withPort = /^(\[[^\]]+\]|[^:]+):\d+$/.test(t) ? t : t.includes(':') ? `[${t}]:53` : `${t}:53`;
      const hp = hostPort('--dns-upstream', withPort)!;
      return { address: hp.host, port: hp.port };
    });
  // Forwarding to itself would loop.
  return list.filter((u) => !(u.address === own.dnsAddress && u.port === own.dnsPort));
}

/**
 * What this replica tells others to reach it at. A wildcard listen address is not one another host can reach (a
 * follower that was handed 0.0.0.0 would reach itself), so it is replaced by the host's first non-loopback IPv4
 * address (then IPv6), or loopback when it has none.
 */
export function advertiseAddressFor(host: string, given: string | undefined, interfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces): string {
  if (given !== undefined) {
    const a = given.trim().replace(/^\[(.*)\]$/, '$1');
    if (!a || /[\s/@]/.test(a) || isWildcard(a)) throw new Error(`invalid advertise address (an address or host name others can reach expected): ${given}`);
    return a;
  }
  if (!isWildcard(host)) return host;
  const all = Object.values(interfaces()).flatMap((list) => list ?? []).filter((i) => !i.internal);
  return all.find((i) => i.family === 'IPv4')?.address ?? all.find((i) => i.family === 'IPv6' && !i.address.startsWith('fe80:'))?.address ?? '127.0.0.1';
}

const isWildcard = (a: string) => a === '0.0.0.0' || a === '::' || a === '::0' || a === '0:0:0:0:0:0:0:0';

/** An address as the host part of a URL (IPv6 in brackets). */
export const urlHost = (address: string) => (address.includes(':') ? `[${address}]` : address);

function hostPort(what: string, text: string | undefined): { host: string; port: number } | undefined {
  if (text === undefined) return undefined;
  const i = text.lastIndexOf(':');
  const port = Number(text.slice(i + 1));
  const host = text.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  if (i <= 0 || !/^\d+$/.test(text.slice(i + 1)) || port > 65535) throw new Error(`invalid ${what} (HOST:PORT expected): ${text}`);
  return { host, port };
}

/**
 * TLS and user options for an etcd store: --etcd-ca (required for TLS), --etcd-cert with --etcd-key (client
 * certificates), --etcd-user USER[:PASSWORD] (or the password in WHARF_ETCD_PASSWORD). Refused with a SQLite store.
 */
export function withEtcdAccess(spec: StoreSpec, a: { ca?: string; cert?: string; key?: string; user?: string; password?: string }): StoreSpec {
  const any = a.ca || a.cert || a.key || a.user;
  if (!any) return spec;
  if (spec.kind !== 'etcd') throw new Error('--etcd-ca, --etcd-cert, --etcd-key and --etcd-user need an etcd store (--store etcd://...)');
  if ((a.cert || a.key) && !(a.cert && a.key)) throw new Error('--etcd-cert and --etcd-key go together');
  if ((a.cert || a.key) && !a.ca) throw new Error('--etcd-cert and --etcd-key need --etcd-ca (the CA of the members\' certificates)');
  const out: StoreSpec = { ...spec };
  if (a.ca) out.tls = { ca: resolve(a.ca), cert: a.cert && resolve(a.cert), key: a.key && resolve(a.key) };
  if (a.user) {
    const i = a.user.indexOf(':');
    const username = i < 0 ? a.user : a.user.slice(0, i);
    const password = i < 0 ? a.password : a.user.slice(i + 1);
    if (!username || password === undefined) throw new Error('--etcd-user needs a password: USER:PASSWORD, or WHARF_ETCD_PASSWORD');
    out.auth = { username, password };
  }
  return out;
}

export function storeSpec(text: string | undefined, dataDir: string): StoreSpec {
  if (text === undefined || text === '') return { kind: 'sqlite', path: join(dataDir, 'state.db') };
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length);
    if (!path) throw new Error(`invalid --store (sqlite:PATH expected): ${text}`);
    return { kind: 'sqlite', path: resolve(path) };
  }
  const m = /^etcd:\/\/([^/]+)(\/.*)?$/.exec(text);
  if (!m) throw new Error(`invalid --store (sqlite:PATH or etcd://HOST:PORT[,HOST:PORT...][/PREFIX] expected): ${text}`);
  const endpoints = m[1]!.split(',').map((e) => {
    const hp = hostPort('--store', e);
    return `${urlHost(hp!.host)}:${hp!.port}`;
  });
  const path = (m[2] ?? '').slice(1);
  return { kind: 'etcd', endpoints, namespace: path === '' || path.endsWith('/') ? path : `${path}/` };
}

function lbPools(pool: string, bind: string | undefined): { lbAddressPool: string; lbBindPool?: string } {
  const lbAddressPool = addressPool('load balancer', pool);
  if (bind === undefined || bind === '') return { lbAddressPool };
  addressPool('load balancer bind', bind);
  if (!bindPoolFits(lbAddressPool, bind)) throw new Error(`invalid load balancer bind pool: ${bind} is smaller than the load balancer address pool ${lbAddressPool}`);
  return { lbAddressPool, lbBindPool: bind };
}

function addressPool(what: string, cidr: string): string {
  if (!parseAddressPool(cidr)) throw new Error(`invalid ${what} address pool (A.B.C.D/N with N from 8 to 30 expected): ${cidr}`);
  return cidr;
}

function webhook(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (!/^https?:\/\//i.test(text) || !URL.canParse(text)) throw new Error(`--capacity-scaling-webhook expects an http:// or https:// URL, got '${text}'`);
  return text;
}
