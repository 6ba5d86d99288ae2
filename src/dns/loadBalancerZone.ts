// The DNS zone of load balancer names: `NAME-1234567890.REGION.elb.amazonaws.com` → the load balancer's address,
// read from the store's cache on every query.
import type { ElbTables } from '../lb/tables.js';
import type { Zone } from './server.js';

export function loadBalancerZone(tables: ElbTables): Zone {
  return {
    suffix: 'elb.amazonaws.com',
    lookup(name) {
      const out: string[] = [];
      for (const row of tables.loadBalancers.byIndex('dns', name)) out.push(row.value.address);
      return out;
    },
  };
}
