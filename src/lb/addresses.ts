// Every load balancer gets its own address so several can listen on port 80: under `wharf up` a distinct loopback
// address from a /16 (Linux routes all of 127.0.0.0/8 to lo with no set-up), or one fixed address for all (their
// listener ports must then differ). Replicas may each serve every load balancer on an address of their own
// (domain/addressPool.ts, `bindAddress`), as an ALB has one node per zone behind its name.
import { formatAddress, parseAddressPool } from '../domain/addressPool.js';
import type { ElbTables } from './tables.js';

export interface AddressPolicy {
  /** The range as a CIDR (`--lb-address-pool`), default 127.2.0.0/16. */
  pool?: string;
  /** One address for every load balancer, instead of a loopback address each. */
  fixed?: string;
}

/** The lowest free address of the range (skipping those ending in .0 and .255), or the fixed one. */
export function allocateAddress(tables: ElbTables, policy: AddressPolicy = {}): string {
  if (policy.fixed) return policy.fixed;
  const pool = parseAddressPool(policy.pool ?? '127.2.0.0/16');
  if (!pool) throw new Error(`invalid load balancer address pool: ${policy.pool}`);
  for (let n = pool.first; n <= pool.last; n++) {
    const last = n & 255;
    if (last === 0 || last === 255) continue;
    const a = formatAddress(n);
    if (!tables.addresses.get(a)) return a;
  }
  throw new Error(`no free load balancer address left in ${pool.cidr}`);
}

