// What lets a task resolve Cloud Map names and reach what they return while every address stays on loopback.
// Inside each task's network namespace (the pause container's for awsvpc, each container's for bridge and none) the
// agent opens a DNS listener on 127.0.0.53:53 (UDP and TCP), which the containers' resolv.conf names (Docker's `Dns`
// host config), and forwards each query to Wharf's DNS server. An awsvpc task's address (127.1.x.y) or a bridge
// task's published host port exists on the host's loopback, not in another task's namespace, so when an answer names
// such an address the agent opens, in the asking namespace and before it hands the answer over, a TCP listener (and
// a UDP socket, for UDP ports) on that address and port that relays each connection, or each client's datagrams, to
// the same address and port on the host. Ports come from SRV answers, or for A answers from the local task that holds
// the address (its containers' port mappings).
// docs/architecture.md ("Tasks resolving and reaching names") has the why.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { TaskState } from '../engine/state.js';
import { publishedPorts } from '../engine/portRanges.js';
import type { AgentTask } from '../protocol.js';
import { namespaceObstacle, socketsInNamespace } from '../metadata/netns.js';
import { namespaceHelper } from '../metadata/nsHelper.js';
import { pipeBoth } from './pipeBoth.js';
import { RelayProcess } from './relayProcess.js';
import { serveAlias, type AliasRoute, type ConnectInside } from './serviceConnectRelay.js';

/** Where a task's containers find their resolver, inside their own namespace. */
export const TASK_RESOLVER_ADDRESS = '127.0.0.53';
const DNS_PORT = 53;
const UPSTREAM_TIMEOUT_MS = 3000;
/** A UDP client's flow through a relay is forgotten after this long without a datagram (as conntrack does). */
const UDP_FLOW_IDLE_MS = 30_000;

type Proto = 'tcp' | 'udp';
/** Service Connect aliases answer with addresses of 127.255.0.0/16, which exist only inside the asking task. */
const ALIAS_NET = '127.255';
/** The TTL of an alias's answer: the address stays the alias's for the task's life. */
const ALIAS_TTL = 60;
/** What a relay listens with in the namespace (or stands for a listener the relay process holds). */
type RelaySocket = net.Server | dgram.Socket | { close(): void };

export interface TaskNetworkOptions {
  /** Wharf's DNS server, on the host. */
  dns: { address: string; port: number };
  /** The engine's tasks: which local task holds an address, and its ports. */
  tasks: () => readonly TaskState[];
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

interface Namespace {
  pid: number;
  taskArn: string;
  udp?: dgram.Socket;
  tcp?: net.Server;
  /** `proto:address:port` -> its relay socket (or the promise of one). */
  relays: Map<string, Promise<RelaySocket | undefined>>;
  /** Service Connect: alias dnsName -> the loopback address it answers with in this namespace. */
  aliasAddresses: Map<string, string>;
  /** Service Connect listeners: relay key -> the alias they serve. */
  aliasKeys: Map<string, { dnsName: string; port: number }>;
  closed: boolean;
}

export class TaskNetwork {
  private readonly usable = !namespaceObstacle();
  private readonly namespaces = new Map<string, Namespace>();
  private readonly log: NonNullable<TaskNetworkOptions['log']>;
  /** Service Connect's relaying, in a process of its own (relayProcess.ts); `lost`: its listeners, when it died. */
  private readonly relayProcess: RelayProcess;

  constructor(private readonly o: TaskNetworkOptions) {
    this.log = o.log ?? (() => {});
    this.relayProcess = new RelayProcess((key) => {
      // The listener died with the relay process: the alias's next lookup opens it again, relayed by the agent.
      for (const ns of this.namespaces.values()) if (ns.relays.has(key)) ns.relays.delete(key);
    }, this.log);
  }

  /**
   * The `Dns` host config of a container: the in-namespace resolver for the pause container of an awsvpc task (its
   * containers share its resolv.conf) and for bridge and none containers; Wharf's DNS server itself for host-mode
   * containers when it answers on port 53 (resolv.conf has no port). Undefined: Docker's default.
   */
  dnsFor(task: AgentTask, internal: boolean): string[] | undefined {
    const mode = task.networkMode;
    if (mode === 'host') return !internal && this.o.dns.port === DNS_PORT ? [this.o.dns.address] : undefined;
    if (!this.usable) return undefined;
    if (mode === 'awsvpc') return internal ? [TASK_RESOLVER_ADDRESS] : undefined;
    return internal ? undefined : [TASK_RESOLVER_ADDRESS];
  }

  /** Opens the resolver inside the namespace of host process `pid` (a task's namespace, see the engine). */
  async open(key: string, pid: number, taskArn: string): Promise<void> {
    if (!this.usable || this.namespaces.has(key)) return;
    const ns: Namespace = { pid, taskArn, relays: new Map(), aliasAddresses: new Map(), aliasKeys: new Map(), closed: false };
    this.namespaces.set(key, ns);
    const [udp, tcp] = await socketsInNamespace(pid, [
      { kind: 'udp', host: TASK_RESOLVER_ADDRESS, port: DNS_PORT },
      { kind: 'tcp', host: TASK_RESOLVER_ADDRESS, port: DNS_PORT },
    ]);
    for (const s of [udp, tcp]) if (s instanceof Error) this.log('cannot open the task resolver', { task: taskArn, error: s.message });
    if (ns.closed) {
      for (const s of [udp, tcp]) if (!(s instanceof Error)) s!.close();
      return;
    }
    // A server task's namespace is now open: the aliases that lead to it can go in there.
    this.refresh();
    if (udp && !(udp instanceof Error)) {
      ns.udp = udp as dgram.Socket;
      ns.udp.on('message', (msg, from) => void this.answer(ns, msg).then((reply) => reply && !ns.closed && ns.udp!.send(reply, from.port, from.address)));
      ns.udp.on('error', () => {});
    }
    if (tcp && !(tcp instanceof Error)) {
      // DNS over TCP (truncated answers) goes straight through: its answers open no relays.
      ns.tcp = tcp as net.Server;
      ns.tcp.on('connection', (c) => relay(c, this.o.dns.port, this.o.dns.address));
    }
  }

  close(key: string): void {
    const ns = this.namespaces.get(key);
    if (!ns) return;
    ns.closed = true;
    this.namespaces.delete(key);
    ns.udp?.close();
    ns.tcp?.close();
    for (const r of ns.relays.values()) void r.then((s) => s?.close());
    this.refresh();
  }

  stop(): void {
    for (const key of [...this.namespaces.keys()]) this.close(key);
    this.relayProcess.stop();
  }

  /**
   * The tasks' Service Connect endpoints may have changed (the control plane pushed tasks): the relay process gets
   * each alias's new route (it sends only what differs).
   */
  refresh(): void {
    for (const ns of this.namespaces.values()) {
      for (const [key, a] of ns.aliasKeys) this.relayProcess.route(key, this.route(ns, a.dnsName, a.port));
    }
  }

  /**
   * An alias's endpoints and idle timeout as the task holds them now; an endpoint that is a local awsvpc task whose
   * namespace is open gets that namespace's pid, where the relay reaches it without Docker's proxy.
   */
  private route(ns: Namespace, dnsName: string, port: number): AliasRoute {
    const tasks = this.o.tasks();
    const alias = tasks.find((t) => t.task.taskArn === ns.taskArn)?.task.serviceConnect?.aliases.find((a) => a.dnsName === dnsName && a.port === port);
    const endpoints = (alias?.endpoints ?? []).map((ep) => {
      // Only a task that is to keep running: a stopping one may still hold an address a new task has been given.
      const local = tasks.find((t) => t.desired === 'RUNNING' && t.task.networkMode === 'awsvpc' && t.task.privateIPv4Address === ep.address);
      const pid = local && [...this.namespaces.values()].find((n) => n.taskArn === local.task.taskArn && !n.closed)?.pid;
      return pid === undefined ? { address: ep.address, port: ep.port } : { address: ep.address, port: ep.port, pid };
    });
    return { endpoints, idleMs: (alias?.idleTimeoutSeconds ?? 0) * 1000 };
  }

  /** Forwards a query to Wharf's DNS server; before the answer goes back, the addresses it names are made reachable. */
  private async answer(ns: Namespace, query: Buffer): Promise<Buffer | undefined> {
    if (query.length < 12) return undefined;
    const own = await this.answerAlias(ns, query).catch(() => undefined);
    if (own) return own;
    const reply = await forward(query, this.o.dns).catch(() => undefined);
    if (!reply) return undefined;
    try {
      await this.relaysFor(ns, dnsPacket.decode(reply));
    } catch (err) {
      this.log('cannot open relays for a DNS answer', { task: ns.taskArn, error: (err as Error).message });
    }
    return reply;
  }

  /**
   * Service Connect: a query for one of the task's client aliases is answered here, in the task only (as ECS's proxy
   * does), with a loopback address of the task's own namespace where a listener balances connections over the
   * alias's endpoints. Undefined: not an alias, the query goes on to Wharf's DNS server.
   */
  private async answerAlias(ns: Namespace, query: Buffer): Promise<Buffer | undefined> {
    const aliases = this.o.tasks().find((t) => t.task.taskArn === ns.taskArn)?.task.serviceConnect?.aliases;
    if (!aliases?.length) return undefined;
    const q = dnsPacket.decode(query);
    const question = q.questions?.[0];
    if (!question || (question.type !== 'A' && question.type !== 'AAAA')) return undefined;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    const mine = aliases.filter((a) => a.dnsName === name);
    if (mine.length === 0) return undefined;
    let address = ns.aliasAddresses.get(name);
    if (!address) {
      const n = ns.aliasAddresses.size + 1;
      address = `${ALIAS_NET}.${n >> 8}.${n & 255}`;
      ns.aliasAddresses.set(name, address);
    }
    if (question.type === 'A') await Promise.all(mine.map((a) => this.aliasListener(ns, name, address!, a.port)));
    return Buffer.from(dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: [question],
      answers: question.type === 'A' ? [{ type: 'A', name: question.name, ttl: ALIAS_TTL, data: address }] : [],
    }));
  }

  /** The listener of one alias in a namespace: each connection goes to the alias's next endpoint that accepts it. */
  private aliasListener(ns: Namespace, dnsName: string, address: string, port: number): Promise<RelaySocket | undefined> {
    // The namespace's pid keeps keys apart in the relay process, which holds every namespace's listeners.
    const key = `sc:${ns.pid}:${address}:${port}`;
    if (!ns.relays.has(key)) {
      ns.aliasKeys.set(key, { dnsName, port });
      ns.relays.set(key, socketsInNamespace(ns.pid, [{ kind: 'tcp', host: address, port }]).then(([s]): RelaySocket | undefined => {
        if (s instanceof Error || !s) {
          this.log('cannot open a Service Connect listener in a task namespace', { task: ns.taskArn, alias: `${dnsName}:${port}`, error: s?.message });
          return undefined;
        }
        if (ns.closed) return void s.close();
        const server = s as net.Server;
        if (this.relayProcess.adopt(key, server, this.route(ns, dnsName, port))) return { close: () => this.relayProcess.drop(key) };
        // No relay process: the agent relays, with the endpoints as they are at each connection.
        serveAlias(server, () => this.route(ns, dnsName, port), connectInside);
        return server;
      }).catch(() => undefined));
    }
    return ns.relays.get(key)!;
  }

  private async relaysFor(ns: Namespace, packet: dnsPacket.Packet): Promise<void> {
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
    const addressOf = new Map<string, string>();
    for (const r of records) if (r.type === 'A') addressOf.set(r.name.toLowerCase(), r.data as string);
    const own = this.o.tasks().find((t) => t.task.taskArn === ns.taskArn)?.task.privateIPv4Address;
    const wanted = new Map<string, { proto: Proto; host: string; port: number }>();
    const add = (proto: Proto, address: string | undefined, port: number) => {
      if (!address || !address.startsWith('127.') || address === own || address === TASK_RESOLVER_ADDRESS) return;
      wanted.set(`${proto}:${address}:${port}`, { proto, host: address, port });
    };
    for (const r of packet.answers ?? []) {
      if (r.type === 'SRV') {
        const srv = r.data as { port: number; target: string };
        const address = addressOf.get(srv.target.toLowerCase());
        for (const proto of this.protocolsAt(address, srv.port)) add(proto, address, srv.port);
      } else if (r.type === 'A') {
        for (const p of this.portsAt(r.data as string)) add(p.proto, r.data as string, p.port);
      }
    }
    const missing = [...wanted].filter(([k]) => !ns.relays.has(k));
    if (missing.length > 0) {
      const opened = socketsInNamespace(ns.pid, missing.map(([, w]) => ({ kind: w.proto, host: w.host, port: w.port })));
      missing.forEach(([k, w], i) => {
        ns.relays.set(k, opened.then((all) => {
          const s = all[i];
          if (s instanceof Error || !s) {
            this.log('cannot open a relay in a task namespace', { task: ns.taskArn, endpoint: k, error: s?.message });
            return undefined;
          }
          if (ns.closed) return void s.close();
          if (w.proto === 'udp') relayDatagrams(s as dgram.Socket, w.port, w.host);
          else (s as net.Server).on('connection', (c) => relay(c, w.port, w.host));
          return s;
        }).catch(() => undefined));
      });
    }
    await Promise.all([...wanted.keys()].map((k) => ns.relays.get(k)));
  }

  /** The ports (and protocols) the local awsvpc task holding `address` listens on. */
  private portsAt(address: string): { proto: Proto; port: number }[] {
    const ts = this.o.tasks().find((t) => t.task.privateIPv4Address === address && t.task.networkMode === 'awsvpc');
    if (!ts) return [];
    return ts.containers.flatMap((c) => publishedPorts(c.definition, c.hostPorts, true).map((p) => ({ proto: p.protocol as Proto, port: p.containerPort })));
  }

  /** The protocols an SRV answer's port is served with, as far as the local tasks say (TCP when none does). */
  private protocolsAt(address: string | undefined, port: number): Proto[] {
    const found = new Set<Proto>();
    if (address) for (const p of this.portsAt(address)) if (p.port === port) found.add(p.proto);
    // Bridge and host tasks: the host port the SRV record names.
    for (const t of this.o.tasks()) for (const c of t.containers) for (const h of c.hostPorts ?? []) if (h.hostPort === port) found.add(h.protocol);
    return found.size > 0 ? [...found] : ['tcp'];
  }
}

/** Service Connect's connections into local server tasks when the agent relays itself: through its own helper. */
const connectInside: ConnectInside = async (pid, port) => {
  if (!namespaceHelper.usable) throw new Error('no namespace helper');
  const [s] = await namespaceHelper.open(pid, [{ kind: 'connect', host: '127.0.0.1', port }], 2000);
  if (!s || s instanceof Error) throw s ?? new Error('no connection');
  return s as unknown as net.Socket;
};

/** One query to a DNS server over UDP; resolves with its answer. */
function forward(query: Buffer, to: { address: string; port: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error('no answer'));
    }, UPSTREAM_TIMEOUT_MS);
    s.on('error', (err) => {
      clearTimeout(timer);
      s.close();
      reject(err);
    });
    s.on('message', (msg) => {
      if (msg.length < 2 || msg.readUInt16BE(0) !== query.readUInt16BE(0)) return;
      clearTimeout(timer);
      s.close();
      resolve(msg);
    });
    s.send(query, to.port, to.address);
  });
}

/**
 * Relays datagrams that reach `inside` (a UDP socket in a namespace) to `host:port` on the host: each client
 * (address and port) gets a socket of its own on the host, so the answers find their way back to it.
 */
function relayDatagrams(inside: dgram.Socket, port: number, host: string): void {
  const flows = new Map<string, { out: dgram.Socket; timer: NodeJS.Timeout }>();
  const forget = (key: string) => {
    const f = flows.get(key);
    if (!f) return;
    flows.delete(key);
    clearTimeout(f.timer);
    f.out.close();
  };
  inside.on('error', () => {});
  inside.on('close', () => {
    for (const key of [...flows.keys()]) forget(key);
  });
  inside.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let f = flows.get(key);
    if (!f) {
      const out = dgram.createSocket('udp4');
      out.on('error', () => forget(key));
      out.on('message', (reply) => {
        try {
          inside.send(reply, from.port, from.address);
        } catch {
          forget(key);
        }
      });
      f = { out, timer: setTimeout(() => forget(key), UDP_FLOW_IDLE_MS).unref() };
      flows.set(key, f);
    }
    f.timer.refresh();
    f.out.send(msg, port, host);
  });
}

/** Pipes a connection accepted in a namespace to `host:port` on the host, both ways. */
function relay(inbound: net.Socket, port: number, host: string): void {
  pipeBoth(inbound, net.connect({ port, host }));
}
