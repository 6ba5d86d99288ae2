// containerPortRange on the agent: a range publishes each of its ports (bridge: on the host ports the scheduler
// chose, a run of consecutive ones; awsvpc: the same ports at the task's address), and a task reports it as ECS
// does, one network binding with containerPortRange and hostPortRange instead of one per port.
import type { ContainerDefinition, HostPort, Protocol } from '../protocol.js';
import type { NetworkBinding } from './reporter.js';

type Mapping = NonNullable<ContainerDefinition['portMappings']>[number];

/** The inclusive bounds of "low-high", or undefined. */
export function rangeOf(text: string | undefined): [number, number] | undefined {
  const m = /^\s*(\d+)-(\d+)\s*$/.exec(text ?? '');
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  return lo >= 1 && hi <= 65535 && lo < hi ? [lo, hi] : undefined;
}

const protocolOf = (pm: Mapping): Protocol => (pm.protocol === 'udp' ? 'udp' : 'tcp');

/**
 * Every container port the definition publishes with its host port: the scheduler's (`hostPorts`, matched by port
 * and protocol), else the mapping's own hostPort (0: Docker picks). `staticPorts` (awsvpc) publishes each port as itself.
 */
export function publishedPorts(d: ContainerDefinition, hostPorts: readonly HostPort[], staticPorts = false): HostPort[] {
  const out: HostPort[] = [];
  for (const pm of d.portMappings ?? []) {
    const protocol = protocolOf(pm);
    const range = pm.containerPort === undefined ? rangeOf(pm.containerPortRange) : undefined;
    const ports = pm.containerPort !== undefined ? [pm.containerPort] : range ? Array.from({ length: range[1] - range[0] + 1 }, (_, i) => range[0] + i) : [];
    for (const containerPort of ports) {
      const chosen = hostPorts.find((h) => h.containerPort === containerPort && h.protocol === protocol);
      const hostPort = staticPorts ? containerPort : (chosen?.hostPort ?? (range ? 0 : (pm.hostPort ?? 0)));
      out.push({ containerPort, hostPort, protocol });
    }
  }
  return out;
}

/**
 * ECS's networkBindings: the bindings of a range's ports become one {containerPortRange, hostPortRange} binding per
 * address when their host ports are consecutive in the same order; anything else stays one binding per port.
 */
export function withRanges(bindings: readonly NetworkBinding[], d: ContainerDefinition): NetworkBinding[] {
  let rest = [...bindings];
  const ranged: NetworkBinding[] = [];
  for (const pm of d.portMappings ?? []) {
    const range = pm.containerPort === undefined ? rangeOf(pm.containerPortRange) : undefined;
    if (!range) continue;
    const protocol = protocolOf(pm);
    const inRange = (b: NetworkBinding) => b.protocol === protocol && b.containerPort !== undefined && b.containerPort >= range[0] && b.containerPort <= range[1];
    for (const ip of new Set(rest.filter(inRange).map((b) => b.bindIP))) {
      const mine = rest.filter((b) => inRange(b) && b.bindIP === ip).sort((a, b) => a.containerPort! - b.containerPort!);
      const first = mine[0]!.hostPort!;
      const whole = mine.length === range[1] - range[0] + 1 && mine.every((b, i) => b.hostPort === first + i);
      if (!whole) continue;
      ranged.push({ bindIP: ip, protocol, containerPortRange: `${range[0]}-${range[1]}`, hostPortRange: `${first}-${first + mine.length - 1}` });
      rest = rest.filter((b) => !mine.includes(b));
    }
  }
  return [...rest, ...ranged];
}
