// The DNS zone of load balancer names: `NAME-1234567890.REGION.elb.amazonaws.com` → the addresses the load balancer
// is served on, read from the store's cache on every query: its own, or with replicas that serve it on addresses of
// their own (`--lb-bind-pool`), one per live replica, as an ALB's name answers one address per node.
import type { Answer } from 'dns-packet';
import type { ElbTables } from '../lb/tables.js';
import type { Zone } from './zone.js';

const SUFFIX = 'elb.amazonaws.com';
/** ELB's own TTL for its names. */
const TTL = 60;

/**
 * `nodes` maps a load balancer's address to the addresses it is served on (default: itself alone); `nodePrefixes`
 * are the state it reads to do so (the live replicas), so cached answers are dropped when that changes too.
 */
export function loadBalancerZone(tables: ElbTables, nodes: (address: string) => string[] = (a) => [a], nodePrefixes: string[] = []): Zone {
  return {
    prefixes: [tables.loadBalancers.prefix, ...nodePrefixes],
    answer(name, type, qname) {
      if (name !== SUFFIX && !name.endsWith('.' + SUFFIX)) return undefined;
      const addrs: string[] = [];
      for (const row of tables.loadBalancers.byIndex('dns', name)) addrs.push(...nodes(row.value.address));
      if (!addrs.length) return { rcode: 'NXDOMAIN', answers: [] };
      const answers: Answer[] = type === 'A' || type === 'ANY' ? addrs.map((data) => ({ type: 'A', class: 'IN', name: qname, ttl: TTL, data })) : [];
      return { rcode: 'NOERROR', answers };
    },
  };
}
