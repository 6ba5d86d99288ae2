// Port mappings: single ports or ranges, what each network mode allows, and no port claimed twice, neither inside
// one container nor, on the host side, across the task.
import type { PortMapping } from '@aws-sdk/client-ecs';
import { ClientError, InvalidParameter } from '../errors.js';
import { nameOf, type TaskView } from './view.js';

export const MAX_PORT = 65535;
/** ECS allows at most this many containerPortRange mappings per container. */
export const MAX_PORT_RANGES = 100;

const RANGE = /^(\d+)-(\d+)$/;

/** The inclusive bounds of a "low-high" containerPortRange, or undefined when it is not one. */
export function parsePortRange(text: string): [number, number] | undefined {
  const m = RANGE.exec(text.trim());
  if (!m) return undefined;
  const low = Number(m[1]);
  const high = Number(m[2]);
  return low >= 1 && high <= MAX_PORT && low < high ? [low, high] : undefined;
}

/** The container ports one mapping publishes: its containerPort, or every port of its containerPortRange. */
export function containerPortsOf(pm: PortMapping): number[] {
  if (pm.containerPort !== undefined) return [pm.containerPort];
  const range = parsePortRange(pm.containerPortRange ?? '');
  if (!range) return [];
  return Array.from({ length: range[1] - range[0] + 1 }, (_, i) => range[0] + i);
}

/** awsvpc and host publish the container port itself; 0 or unset means "the same port". */
const staticModes = new Set(['awsvpc', 'host']);

export function checkPorts(view: TaskView): void {
  const mode = view.networkMode;
  const hostPorts = new Set<string>();
  for (const c of view.containers) {
    const name = nameOf(c);
    const mappings = c.portMappings ?? [];
    if (mappings.length > 0 && mode === 'none') {
      throw new ClientError('Port mappings are not supported when networkMode=none.');
    }
    const claimed: Claim[] = [];
    let ranges = 0;
    for (const pm of mappings) {
      const protocol = pm.protocol ?? 'tcp';
      const [low, high] =
        pm.containerPortRange !== undefined ? checkRange(pm, name, mode) : checkSingle(pm, name, mode);
      if (pm.containerPortRange !== undefined && ++ranges > MAX_PORT_RANGES) {
        throw new ClientError(
          `Invalid 'containerPortRange' setting for container '${name}'. ` +
            `At most ${MAX_PORT_RANGES} port ranges are allowed.`,
        );
      }
      claimed.push({ protocol, low, high });
    }
    const reused = firstOverlap(claimed);
    if (reused !== undefined) {
      throw new InvalidParameter(
        `Container port ${reused} is used in more than one port mapping for container ${name}`,
      );
    }
    for (const pm of mappings) {
      // Ranges take host ports the agent picks (bridge) or mirror the container's; fixed ports can collide.
      const hostPort = staticModes.has(mode) ? pm.containerPort : pm.hostPort;
      if (pm.containerPortRange !== undefined || hostPort === undefined || hostPort === 0) continue;
      const protocol = pm.protocol ?? 'tcp';
      const key = `${protocol}/${hostPort}`;
      if (hostPorts.has(key)) {
        throw new ClientError(`${protocol.toUpperCase()} host port '${hostPort}' is mapped multiple times in task.`);
      }
      hostPorts.add(key);
    }
  }
}

interface Claim {
  protocol: string;
  low: number;
  high: number;
}

/** The first container port two mappings of one protocol share; intervals, since a range may span 65k ports. */
function firstOverlap(claims: Claim[]): number | undefined {
  const sorted = [...claims].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.low - b.low);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const next = sorted[i]!;
    if (next.protocol === prev.protocol && next.low <= prev.high) return next.low;
    // Carry the widest reach forward so a long range overlapping a later, non-adjacent mapping is caught.
    if (next.protocol === prev.protocol && prev.high > next.high) sorted[i] = { ...next, high: prev.high };
  }
  return undefined;
}

function checkSingle(pm: PortMapping, name: string, mode: string): [number, number] {
  const port = pm.containerPort;
  if (port === undefined || port < 1 || port > MAX_PORT) {
    throw new ClientError(`Invalid 'containerPort' setting for container '${name}'.`);
  }
  if (pm.hostPort !== undefined && (pm.hostPort < 0 || pm.hostPort > MAX_PORT)) {
    throw new ClientError(`Invalid 'hostPort' setting for container '${name}'.`);
  }
  if (staticModes.has(mode) && pm.hostPort !== undefined && pm.hostPort !== 0 && pm.hostPort !== port) {
    throw new ClientError(`When networkMode=${mode}, the host ports and container ports in port mappings must match.`);
  }
  return [port, port];
}

function checkRange(pm: PortMapping, name: string, mode: string): [number, number] {
  if (mode !== 'bridge' && mode !== 'awsvpc') {
    throw new ClientError(`Container port ranges are not supported when networkMode=${mode}.`);
  }
  if (pm.containerPort !== undefined || pm.hostPort !== undefined) {
    throw new ClientError(
      `Invalid port mapping for container '${name}'. You cannot specify both single port and port range.`,
    );
  }
  const range = parsePortRange(pm.containerPortRange ?? '');
  if (range === undefined) throw new ClientError(`Invalid 'containerPortRange' setting for container '${name}'.`);
  return range;
}
