// One container instance inside the scheduler's working state: a private, mutable copy of its InstanceView, so
// placing a task (and undoing it) is a few field updates and the caller's view is never touched.

import type { InstanceStatus, InstanceView } from '../types.js';

export class Slot {
  readonly arn: string;
  ec2InstanceId!: string | undefined;
  registeredAt!: number;
  status!: InstanceStatus;
  agentConnected!: boolean;
  agentVersion!: string | undefined;
  attributes!: ReadonlyMap<string, string | undefined>;
  cpu!: number;
  memory!: number;
  runningTasksCount!: number;
  readonly taskGroups = new Map<string, number>();
  readonly tcp = new Set<number>();
  readonly udp = new Set<number>();
  /** How many of `tcp`/`udp` fall in the dynamic range: the range's free size without walking the sets. */
  tcpDynamic = 0;
  udpDynamic = 0;
  alive = true;

  constructor(
    readonly index: number,
    view: InstanceView,
    private readonly range: readonly [number, number],
  ) {
    this.arn = view.arn;
    this.load(view);
  }

  /** Takes the view's facts (on registration or on an update from the store). */
  load(view: InstanceView): void {
    this.ec2InstanceId = view.ec2InstanceId;
    this.registeredAt = view.registeredAt;
    this.status = view.status;
    this.agentConnected = view.agentConnected;
    this.agentVersion = view.agentVersion;
    this.attributes = view.attributes;
    this.cpu = view.remainingCpu;
    this.memory = view.remainingMemory;
    this.runningTasksCount = view.runningTasksCount;
    this.taskGroups.clear();
    for (const [g, n] of view.taskGroups) if (n > 0) this.taskGroups.set(g, n);
    this.tcp.clear();
    this.udp.clear();
    this.tcpDynamic = this.udpDynamic = 0;
    for (const p of view.reservedTcpPorts) this.addPort('tcp', p);
    for (const p of view.reservedUdpPorts) this.addPort('udp', p);
  }

  /** Only ACTIVE instances with a connected agent take new tasks; only they sit in the ranking indexes. */
  get schedulable(): boolean {
    return this.alive && this.status === 'ACTIVE' && this.agentConnected;
  }

  ports(protocol: 'tcp' | 'udp'): ReadonlySet<number> {
    return protocol === 'tcp' ? this.tcp : this.udp;
  }

  dynamicInUse(protocol: 'tcp' | 'udp'): number {
    return protocol === 'tcp' ? this.tcpDynamic : this.udpDynamic;
  }

  addPort(protocol: 'tcp' | 'udp', port: number): void {
    const set = protocol === 'tcp' ? this.tcp : this.udp;
    if (set.has(port)) return;
    set.add(port);
    if (this.inRange(port)) protocol === 'tcp' ? this.tcpDynamic++ : this.udpDynamic++;
  }

  deletePort(protocol: 'tcp' | 'udp', port: number): void {
    const set = protocol === 'tcp' ? this.tcp : this.udp;
    if (!set.delete(port)) return;
    if (this.inRange(port)) protocol === 'tcp' ? this.tcpDynamic-- : this.udpDynamic--;
  }

  private inRange(port: number): boolean {
    return port >= this.range[0] && port <= this.range[1];
  }
}
