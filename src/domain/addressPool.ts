// An agent's pool of awsvpc task addresses, as an IPv4 CIDR (`wharf agent --task-address-pool`, the instance
// attribute `wharf.task-address-pool`). The embedded agent's default is 127.1.0.0/16: Linux routes all of 127.0.0.0/8
// to loopback, so every address in it is reachable on the host with no set-up. Load balancer addresses are CIDR
// ranges too (`--lb-address-pool`, and each replica's `--lb-bind-pool`, below).
export const DEFAULT_TASK_ADDRESS_POOL = '127.1.0.0/16';
export const TASK_ADDRESS_POOL_ATTRIBUTE = 'wharf.task-address-pool';

export interface AddressPool {
  /** The CIDR as given. */
  cidr: string;
  /** First and last address of the range, as 32-bit numbers. */
  first: number;
  last: number;
}

/** Parses `A.B.C.D/N` (N from 8 to 30); undefined when it is not one. */
export function parseAddressPool(cidr: string): AddressPool | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits < 8 || bits > 30) return undefined;
  const base = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const size = 2 ** (32 - bits);
  const first = base - (base % size);
  return { cidr, first, last: first + size - 1 };
}

export const formatAddress = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/**
 * Where a replica serves a load balancer (`--lb-bind-pool`): the load balancer holding the Nth address of the
 * address pool is served on the Nth address of the bind pool, so each replica (each host, or each simulated host on
 * one machine) serves every load balancer on an address of its own with the listener's own port. An address
 * outside the address pool (a fixed one), or no bind pool, is served as it is.
 */
export function bindAddress(address: string, addressPool: string, bindPool: string | undefined): string {
  if (!bindPool) return address;
  const from = parseAddressPool(addressPool);
  const to = parseAddressPool(bindPool);
  const n = parseAddress(address);
  if (!from || !to || n === undefined || n < from.first || n > from.last) return address;
  const mapped = to.first + (n - from.first);
  return mapped > to.last ? address : formatAddress(mapped);
}

/** Whether the bind pool has a place for every address of the address pool (it is at least as large). */
export function bindPoolFits(addressPool: string, bindPool: string): boolean {
  const from = parseAddressPool(addressPool);
  const to = parseAddressPool(bindPool);
  return !!from && !!to && to.last - to.first >= from.last - from.first;
}

function parseAddress(a: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (!m) return undefined;
  const o = m.slice(1, 5).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}
