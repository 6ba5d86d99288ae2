// Where the task machine's decisions become writes: one TaskBatch per transaction collects the tasks it moves or
// launches and the instance rows they touch (each instance read once, guarded on the revision read, written once),
// so a batch that raced anything fails as a whole and cache.update makes it again on fresh reads.
import { InvalidParameter } from '../domain/errors.js';
import { deregistersFirst as serviceDeregistersFirst } from '../domain/service.js';
import type { TaskRecord } from '../domain/task.js';
import { promote, release, reserve } from '../placement/resources.js';
import { Txn, type Row, type StateCache, type TxnSavepoint } from '../store/cache.js';
import type { ContainerInstanceRecord, Tables } from '../state/tables.js';
import { next, type Effect, type MachineContext, type TaskEvent } from './machine.js';
import { AddressClaims } from './addresses.js';

export class TaskBatch {
  private readonly instances = new Map<string, { ci: ContainerInstanceRecord; rev: number }>();
  private flushed = false;
  private claims: AddressClaims | undefined;

  constructor(
    readonly tables: Tables,
    readonly ctx: MachineContext,
    /** Other writes of the same transaction (a service record, a client token, address claims) go here too. */
    readonly txn: Txn = new Txn(),
  ) {}

  /** Feeds `event` to the task and records what follows; throws InvalidParameter when the machine refuses it. */
  apply(row: Row<TaskRecord>, event: TaskEvent): TaskRecord {
    this.open();
    const out = next(row.value, event, this.ctx);
    if (!out.ok) throw new InvalidParameter(out.refusal);
    if (!out.changed) return row.value;
    let deleted = false;
    for (const e of out.effects) deleted = this.effect(row, e) || deleted;
    if (!deleted) this.txn.put(this.tables.tasks, row.id, out.rec, row.modRevision);
    return out.rec;
  }

  /** The instance as this batch sees it (with its earlier reservations), or undefined when it is gone. */
  instance(key: string): ContainerInstanceRecord | undefined {
    let entry = this.instances.get(key);
    if (!entry) {
      const row = this.tables.containerInstances.get(key);
      if (!row) return undefined;
      this.instances.set(key, (entry = { ci: row.value, rev: row.modRevision }));
    }
    return entry.ci;
  }

  /** A new task: its record, the reservation on its instance and its address claim. */
  add(id: string, rec: TaskRecord): void {
    this.open();
    this.txn.put(this.tables.tasks, id, rec, 0);
    if (rec.reservation) this.change(rec.reservation.instanceKey, (ci) => reserve(ci, rec.reservation!, true));
  }

  /** awsvpc addresses handed out in this batch: every launch into it draws from the same claims. */
  get addresses(): AddressClaims {
    return (this.claims ??= new AddressClaims(this.tables, this.txn));
  }

  /**
   * A point to roll back to: one call's writes into a shared batch can be undone when the call fails, and the calls
   * before it keep theirs.
   */
  savepoint(): BatchSavepoint {
    return {
      txn: this.txn.savepoint(),
      instances: new Map([...this.instances].map(([k, e]) => [k, e.ci])),
      claims: this.claims?.savepoint(),
    };
  }

  /** Undoes what was written into the batch after `sp` (tasks, reservations, address claims, other writes). */
  rollback(sp: BatchSavepoint): void {
    this.open();
    this.txn.rollback(sp.txn);
    for (const [key, entry] of this.instances) {
      const ci = sp.instances.get(key);
      if (ci === undefined) this.instances.delete(key);
      else entry.ci = ci;
    }
    if (this.claims) {
      if (sp.claims) this.claims.restore(sp.claims);
      else this.claims = undefined;
    }
  }

  /** About how many bytes the transaction will send (each touched instance counted at its size as read). */
  bytes(): number {
    let n = this.txn.bytes;
    for (const [key, { ci }] of this.instances) n += key.length + 64 + approximateSize(this.tables.containerInstances.get(key)?.value ?? ci);
    return n;
  }

  /** At most how many operations the transaction will have once done (instances not yet written count as one each). */
  size(): number {
    return this.txn.ops.length + this.instances.size;
  }

  /** The transaction, with every touched instance written once. Call once, last. */
  done(): Txn {
    if (!this.flushed) {
      for (const [key, { ci, rev }] of this.instances) {
        if (ci !== this.tables.containerInstances.get(key)?.value) this.txn.put(this.tables.containerInstances, key, ci, rev);
      }
      this.flushed = true;
    }
    return this.txn;
  }

  private open(): void {
    if (this.flushed) throw new Error('TaskBatch used after done()');
  }

  private change(key: string, f: (ci: ContainerInstanceRecord) => ContainerInstanceRecord): void {
    const ci = this.instance(key);
    if (ci) this.instances.get(key)!.ci = f(ci);
  }

  /** Returns true when the effect removed the record. */
  private effect(row: Row<TaskRecord>, e: Effect): boolean {
    switch (e.type) {
      case 'release-reservation':
        this.change(e.reservation.instanceKey, (ci) => release(ci, e.reservation, e.wasPending));
        return false;
      case 'promote':
        this.change(e.instanceKey, (ci) => promote(ci));
        return false;
      case 'release-address': {
        const claim = this.tables.taskAddresses.get(e.address);
        if (claim?.value.task === row.id) this.txn.delete(this.tables.taskAddresses, claim.id, claim.modRevision);
        return false;
      }
      case 'delete':
        this.txn.delete(this.tables.tasks, row.id, row.modRevision);
        return true;
    }
  }
}

export interface BatchSavepoint {
  txn: TxnSavepoint;
  instances: Map<string, ContainerInstanceRecord>;
  claims: ReturnType<AddressClaims['savepoint']> | undefined;
}

/** An instance row's encoded size, remembered per cached row (rows are never changed in place). */
const sizes = new WeakMap<object, number>();
function approximateSize(ci: ContainerInstanceRecord): number {
  let n = sizes.get(ci);
  if (n === undefined) sizes.set(ci, (n = JSON.stringify(ci).length));
  return n;
}

/** Whether a task leaves a load balancer or Cloud Map before it stops: its service has target groups or registries. */
export function deregistersFirst(tables: Tables, rec: TaskRecord): boolean {
  const group = rec.task.group ?? '';
  if (!group.startsWith('service:')) return false;
  const svc = tables.services.get(`${rec.clusterName}/${group.slice('service:'.length)}`)?.value;
  return svc ? serviceDeregistersFirst(svc) : false;
}

/**
 * Feeds one event to one task in a transaction of its own (made again on fresh reads after a conflict), for the
 * controllers and the channel; a task that is gone is left alone. Returns the task as it is after the event.
 */
export function feedTask(cache: StateCache, tables: Tables, id: string, event: TaskEvent, ctx: () => MachineContext): Promise<TaskRecord | undefined> {
  return cache.update(() => {
    const row = tables.tasks.get(id);
    const batch = new TaskBatch(tables, ctx());
    const rec = row ? batch.apply(row, event) : undefined;
    return { txn: batch.done(), result: rec };
  });
}
