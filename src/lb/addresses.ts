// Every load balancer gets its own address so several can listen on port 80: under `wharf up` a distinct loopback
// address from a /16 (Linux routes all of 127.0.0.0/8 to lo with no set-up); on a multi-host cluster one configured
// address for all (their listener ports must then differ).
import type { ElbTables } from './tables.js';

export interface AddressPolicy {
  /** First two octets of the loopback range, default `127.2`. */
  prefix?: string;
  /** One address for every load balancer, instead of a loopback address each. */
  fixed?: string;
}

/** The lowest free address of the range (skipping .0 and .255), or the fixed one. */
export function allocateAddress(tables: ElbTables, policy: AddressPolicy = {}): string {
  if (policy.fixed) return policy.fixed;
  const prefix = policy.prefix ?? '127.2';
  for (let x = 0; x < 256; x++) {
    for (let y = 1; y < 255; y++) {
      const a = `${prefix}.${x}.${y}`;
      if (!tables.addresses.get(a)) return a;
    }
  }
  throw new Error(`no free load balancer address left in ${prefix}.0.0/16`);
}
