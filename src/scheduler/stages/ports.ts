// Host ports, per protocol. A fixed host port must be free; a dynamic one (hostPort 0 in bridge mode) needs a
// free port in the ephemeral range, so a full range fails placement instead of failing later in Docker. ECS also
// caps the ports outside that range an instance holds (100, defaults included). A containerPortRange takes a run of
// consecutive dynamic ports. TCP fails as `RESOURCE:PORTS`,
// UDP as `RESOURCE:PORTS_UDP`.

import { Reason } from '../reasons.js';
import type { ClusterState } from '../state/clusterState.js';
import type { TaskDemand } from '../types.js';
import type { Stage } from './stage.js';

export function portsStage(d: TaskDemand, protocol: 'tcp' | 'udp', state: ClusterState): Stage | undefined {
  const mine = d.ports.filter((p) => p.protocol === protocol);
  if (mine.length === 0) return undefined;
  const [lo, hi] = state.ephemeralRange;
  const fixed = mine.filter((p) => p.hostPort !== 0).map((p) => p.hostPort);
  const fixedInRange = fixed.filter((p) => p >= lo && p <= hi).length;
  const fixedOutside = fixed.length - fixedInRange;
  const dynamic = mine.length - fixed.length;
  const rangeSize = hi - lo + 1;
  const reason = protocol === 'tcp' ? Reason.PORTS : Reason.PORTS_UDP;
  const max = state.maxReservedPorts;
  // A containerPortRange needs consecutive free ports: only trying to allocate them says whether they are there.
  const blocks = mine.some((p) => (p.block ?? 1) > 1);
  return (s) => {
    if (blocks && !state.allocatePorts(s, mine)) return reason;
    const used = s.ports(protocol);
    for (const p of fixed) if (used.has(p)) return reason;
    const inRange = s.dynamicInUse(protocol);
    if (dynamic > 0 && rangeSize - inRange - fixedInRange < dynamic) return reason;
    if (fixedOutside > 0 && used.size - inRange + fixedOutside > max) return reason;
    return undefined;
  };
}
