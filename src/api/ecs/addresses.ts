// awsvpc task addresses. Under `wharf up` every awsvpc task gets its own loopback address (127.1.x.y: Linux routes
// all of 127.0.0.0/8 to loopback), so two tasks can both serve port 80. An agent on another host publishes on its
// own address instead (its `wharf.publish-address` attribute with `wharf.awsvpc-address-mode` = shared).
import type { Tables, ContainerInstanceRecord } from '../../state/tables.js';

export function usedAddresses(tables: Tables): Set<string> {
  const used = new Set<string>();
  for (const row of tables.tasks.byIndex('live', 'live')) {
    if (row.value.privateIPv4Address) used.add(row.value.privateIPv4Address);
  }
  return used;
}

/** The next free loopback address (and marks it taken), or the instance's shared publish address. */
export function allocateAddress(ci: ContainerInstanceRecord, taken: Set<string>): string {
  const attr = (name: string) => ci.attributes?.find((a) => a.name === name)?.value;
  if (attr('wharf.awsvpc-address-mode') === 'shared' && attr('wharf.publish-address')) return attr('wharf.publish-address')!;
  for (let n = 1; n < 65534; n++) {
    const addr = `127.1.${n >> 8}.${n & 255}`;
    if ((n & 255) === 0 || (n & 255) === 255 || taken.has(addr)) continue;
    taken.add(addr);
    return addr;
  }
  throw new Error('no free loopback address for an awsvpc task');
}
