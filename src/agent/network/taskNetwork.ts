// What lets a task resolve Cloud Map names and reach what they return while every address stays on loopback.
// Inside each task's network namespace (the pause container's for awsvpc, each container's for bridge and none) the
// agent opens a DNS listener on 127.0.0.53:53 (UDP and TCP), which the containers' resolv.conf names (Docker's `Dns`
// host config), and forwards each query to Wharf's DNS server. An awsvpc task's address (127.1.x.y) or a bridge
// task's published host port exists on the host's loopback, not in another task's namespace, so when an answer names
// such an address the agent opens, in the asking namespace and before it hands the answer over, a TCP listener on
// that address and port that relays each connection to the same address and port on the host. Ports come from SRV
// answers, or for A answers from the local task that holds the address (its containers' port mappings).
// docs/architecture.md ("Tasks resolving and reaching names") has the why.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { TaskState } from '../engine/state.js';
import type { AgentTask } from '../protocol.js';
import { namespaceObstacle, socketsInNamespace } from '../metadata/netns.js';

/** Where a task's containers find their resolver, inside their own namespace. */
export const TASK_RESOLVER_ADDRESS = '127.0.0.53';
const DNS_PORT = 53;
const UPSTREAM_TIMEOUT_MS = 3000;

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
  /** `address:port` -> its relay listener (or the promise of one). */
  relays: Map<string, Promise<net.Server | undefined>>;
  closed: boolean;
}

export class TaskNetwork {
  private readonly usable = !namespaceObstacle();
  private readonly namespaces = new Map<string, Namespace>();
  private readonly log: NonNullable<TaskNetworkOptions['log']>;

  constructor(private readonly o: TaskNetworkOptions) {
    this.log = o.log ?? (() => {});
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
    const ns: Namespace = { pid, taskArn, relays: new Map(), closed: false };
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
  }

  stop(): void {
    for (const key of [...this.namespaces.keys()]) this.close(key);
  }

  /** Forwards a query to Wharf's DNS server; before the answer goes back, the addresses it names are made reachable. */
  private async answer(ns: Namespace, query: Buffer): Promise<Buffer | undefined> {
    if (query.length < 12) return undefined;
    const reply = await forward(query, this.o.dns).catch(() => undefined);
    if (!reply) return undefined;
    try {
      await this.relaysFor(ns, dnsPacket.decode(reply));
    } catch (err) {
      this.log('cannot open relays for a DNS answer', { task: ns.taskArn, error: (err as Error).message });
    }
    return reply;
  }

  private async relaysFor(ns: Namespace, packet: dnsPacket.Packet): Promise<void> {
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
    const addressOf = new Map<string, string>();
    for (const r of records) if (r.type === 'A') addressOf.set(r.name.toLowerCase(), r.data as string);
    const own = this.o.tasks().find((t) => t.task.taskArn === ns.taskArn)?.task.privateIPv4Address;
    const wanted = new Set<string>();
    const add = (address: string | undefined, port: number) => {
      if (!address || !address.startsWith('127.') || address === own || address === TASK_RESOLVER_ADDRESS) return;
      wanted.add(`${address}:${port}`);
    };
    for (const r of packet.answers ?? []) {
      if (r.type === 'SRV') {
        const srv = r.data as { port: number; target: string };
        add(addressOf.get(srv.target.toLowerCase()), srv.port);
      } else if (r.type === 'A') {
        for (const port of this.portsAt(r.data as string)) add(r.data as string, port);
      }
    }
    const missing = [...wanted].filter((k) => !ns.relays.has(k));
    if (missing.length > 0) {
      const opened = socketsInNamespace(ns.pid, missing.map((k) => ({ kind: 'tcp' as const, host: k.slice(0, k.lastIndexOf(':')), port: Number(k.slice(k.lastIndexOf(':') + 1)) })));
      missing.forEach((k, i) => {
        const [host, port] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
        ns.relays.set(k, opened.then((all) => {
          const s = all[i];
          if (s instanceof Error || !s) {
            this.log('cannot open a relay in a task namespace', { task: ns.taskArn, endpoint: k, error: s?.message });
            return undefined;
          }
          const server = s as net.Server;
          if (ns.closed) return void server.close();
          server.on('connection', (c) => relay(c, port, host));
          return server;
        }).catch(() => undefined));
      });
    }
    await Promise.all([...wanted].map((k) => ns.relays.get(k)));
  }

  /** The TCP ports the local awsvpc task holding `address` listens on. */
  private portsAt(address: string): number[] {
    const ts = this.o.tasks().find((t) => t.task.privateIPv4Address === address && t.task.networkMode === 'awsvpc');
    if (!ts) return [];
    return ts.containers.flatMap((c) => (c.definition.portMappings ?? []).filter((p) => (p.protocol ?? 'tcp') === 'tcp' && p.containerPort !== undefined).map((p) => p.containerPort!));
  }
}

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

/** Pipes a connection accepted in a namespace to `host:port` on the host, both ways. */
function relay(inbound: net.Socket, port: number, host: string): void {
  const out = net.connect({ port, host });
  inbound.pipe(out).pipe(inbound);
  const end = () => {
    inbound.destroy();
    out.destroy();
  };
  inbound.on('error', end);
  out.on('error', end);
  inbound.on('close', () => out.end());
  out.on('close', () => inbound.end());
}
