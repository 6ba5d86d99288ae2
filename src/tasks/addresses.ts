// awsvpc task addresses. Under `wharf up` every awsvpc task gets its own loopback address (127.1.x.y: Linux routes
// all of 127.0.0.0/8 to loopback), claimed with a key of its own (`ecs/task-addresses/IP`, written with the task
// and guarded on not existing), so two control plane processes never hand out one address twice; the claim goes
// when the task reaches STOPPED. An agent on another host publishes on its own address instead (its
// `wharf.publish-address` attribute with `wharf.awsvpc-address-mode` = shared): nothing to claim.
import { Txn, type StateCache } from '../store/cache.js';
import type { ContainerInstanceRecord, Tables } from '../state/tables.js';

/** Hands out addresses within one transaction, skipping those claimed in the store or earlier in it. */
export class AddressClaims {
  private readonly taken = new Set<string>();
  private cursor = 1;

  constructor(private readonly tables: Tables, private readonly txn: Txn) {}

  /** The address for a task placed on `ci`, claimed for `taskId` in the transaction when it is its own. */
  claim(ci: ContainerInstanceRecord, taskId: string): string {
    const attr = (name: string) => ci.attributes?.find((a) => a.name === name)?.value;
    if (attr('wharf.awsvpc-address-mode') === 'shared' && attr('wharf.publish-address')) return attr('wharf.publish-address')!;
    for (let n = this.cursor; n < 65534; n++) {
      const addr = `127.1.${n >> 8}.${n & 255}`;
      if ((n & 255) === 0 || (n & 255) === 255 || this.taken.has(addr) || this.tables.taskAddresses.get(addr)) continue;
      this.taken.add(addr);
      this.cursor = n + 1;
      this.txn.put(this.tables.taskAddresses, addr, { task: taskId }, 0);
      return addr;
    }
    throw new Error('no free loopback address for an awsvpc task');
  }
}

/**
 * Claims the addresses of live tasks written before addresses had claims, so a data directory from an older Wharf
 * never hands out an address a running task still holds. Run once at start; writes nothing when all are claimed.
 */
export async function claimLiveAddresses(cache: StateCache, tables: Tables): Promise<void> {
  await cache.update(() => {
    const txn = new Txn();
    for (const row of tables.tasks.byIndex('live', 'live')) {
      const addr = row.value.privateIPv4Address;
      if (!addr?.startsWith('127.1.') || tables.taskAddresses.get(addr)) continue;
      txn.put(tables.taskAddresses, addr, { task: row.id }, 0);
    }
    return { txn, result: null };
  });
}
