// awsvpc task addresses. Every awsvpc task gets its own address from its agent's pool (`wharf.task-address-pool`;
// the default 127.1.0.0/16 is on loopback), claimed with a key of its own (`ecs/task-addresses/IP`, written with the
// task and guarded on not existing), so two control plane processes never hand out one address twice; the claim goes
// when the task reaches STOPPED. An agent on another host publishes on its own address instead (its
// `wharf.publish-address` attribute with `wharf.awsvpc-address-mode` = shared): nothing to claim.
import { Txn, type StateCache } from '../store/cache.js';
import type { ContainerInstanceRecord, Tables } from '../state/tables.js';
import { DEFAULT_TASK_ADDRESS_POOL, formatAddress, parseAddressPool, TASK_ADDRESS_POOL_ATTRIBUTE } from '../domain/addressPool.js';

/** Hands out addresses within one transaction, skipping those claimed in the store or earlier in it. */
export class AddressClaims {
  private readonly taken = new Set<string>();
  /** Where the next search starts, per pool, so a batch of tasks does not rescan what it just handed out. */
  private readonly cursors = new Map<string, number>();

  constructor(private readonly tables: Tables, private readonly txn: Txn) {}

  /** What has been handed out so far, to hand back with restore() (the transaction's own rollback drops the claims). */
  savepoint(): { taken: Set<string>; cursors: Map<string, number> } {
    return { taken: new Set(this.taken), cursors: new Map(this.cursors) };
  }

  restore(sp: { taken: Set<string>; cursors: Map<string, number> }): void {
    this.taken.clear();
    for (const a of sp.taken) this.taken.add(a);
    this.cursors.clear();
    for (const [k, v] of sp.cursors) this.cursors.set(k, v);
  }

  /** The address for a task placed on `ci`, claimed for `taskId` in the transaction when it is its own. */
  claim(ci: ContainerInstanceRecord, taskId: string): string {
    const attr = (name: string) => ci.attributes?.find((a) => a.name === name)?.value;
    if (attr('wharf.awsvpc-address-mode') === 'shared' && attr('wharf.publish-address')) return attr('wharf.publish-address')!;
    const pool = parseAddressPool(attr(TASK_ADDRESS_POOL_ATTRIBUTE) ?? DEFAULT_TASK_ADDRESS_POOL) ?? parseAddressPool(DEFAULT_TASK_ADDRESS_POOL)!;
    for (let n = this.cursors.get(pool.cidr) ?? pool.first; n <= pool.last; n++) {
      const addr = formatAddress(n);
      if ((n & 255) === 0 || (n & 255) === 255 || this.taken.has(addr) || this.tables.taskAddresses.get(addr)) continue;
      this.taken.add(addr);
      this.cursors.set(pool.cidr, n + 1);
      this.txn.put(this.tables.taskAddresses, addr, { task: taskId }, 0);
      return addr;
    }
    throw new Error(`no free address for an awsvpc task in ${pool.cidr}`);
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
