// The DNS zone of load balancer names: `NAME-1234567890.REGION.elb.amazonaws.com` → the load balancer's address,
// read from the store's cache on every query.
import type { Answer } from 'dns-packet';
import type { ElbTables } from '../lb/tables.js';
import type { Zone } from './zone.js';

const SUFFIX = 'elb.amazonaws.com';
/** ELB's own TTL for its names. */
const TTL = 60;

export function loadBalancerZone(tables: ElbTables): Zone {
  return {
    prefixes: [tables.loadBalancers.prefix],
    answer(name, type, qname) {
      if (name !== SUFFIX && !name.endsWith('.' + SUFFIX)) return undefined;
      const addrs: string[] = [];
      for (const row of tables.loadBalancers.byIndex('dns', name)) addrs.push(row.value.address);
      if (!addrs.length) return { rcode: 'NXDOMAIN', answers: [] };
      const answers: Answer[] = type === 'A' || type === 'ANY' ? addrs.map((data) => ({ type: 'A', class: 'IN', name: qname, ttl: TTL, data })) : [];
      return { rcode: 'NOERROR', answers };
    },
  };
}
