// What every Cloud Map handler shares: the tables, injected clock and randomness, lookups that throw Cloud Map's
// not-found codes, operation records and paging.
import { randomInt } from 'node:crypto';
import { InvalidInput, NamespaceNotFound, ServiceNotFound } from '../../discovery/errors.js';
import { idOf, operationId, type RandomInt } from '../../discovery/rules.js';
import type { DiscoveryTables, NamespaceRecord, OperationRecord, OperationType, ServiceRecord } from '../../discovery/tables.js';
import { Txn, type Row, type StateCache } from '../../store/cache.js';

export interface DiscoveryDeps {
  cache: StateCache;
  tables: DiscoveryTables;
  random?: RandomInt;
  now?: () => Date;
}

export class DiscoveryContext {
  readonly cache: StateCache;
  readonly tables: DiscoveryTables;
  readonly random: RandomInt;
  readonly now: () => Date;

  constructor(deps: DiscoveryDeps) {
    this.cache = deps.cache;
    this.tables = deps.tables;
    this.random = deps.random ?? ((n) => randomInt(n));
    this.now = deps.now ?? (() => new Date());
  }

  namespace(idOrArn: string): Row<NamespaceRecord> {
    const row = this.tables.namespaces.get(idOf(idOrArn));
    if (!row) throw new NamespaceNotFound(`Namespace not found: ${idOrArn}`);
    return row;
  }

  service(idOrArn: string): Row<ServiceRecord> {
    const row = this.tables.services.get(idOf(idOrArn));
    if (!row) throw new ServiceNotFound(`Service not found: ${idOrArn}`);
    return row;
  }

  /** Adds a finished operation to txn and returns its id (Wharf applies each change in the transaction itself). */
  operation(txn: Txn, type: OperationType, targets: OperationRecord['targets']): string {
    const now = this.now();
    const id = operationId(this.random);
    txn.put(this.tables.operations, id, { id, type, status: 'SUCCESS', targets, createdAt: now, updatedAt: now }, 0);
    return id;
  }

  /** Runs one guarded transaction that also records an operation; resolves with its id. */
  async withOperation(type: OperationType, build: (txn: Txn) => OperationRecord['targets']): Promise<{ OperationId: string }> {
    return this.cache.update(() => {
      const txn = new Txn();
      const targets = build(txn);
      return { txn, result: { OperationId: this.operation(txn, type, targets) } };
    });
  }
}

/** Cloud Map paging: an opaque token naming the last key of the page. */
export function page<T>(sorted: readonly T[], keyOf: (t: T) => string, maxResults: number | undefined, token: string | undefined, defaultMax = 100) {
  let start = 0;
  if (token !== undefined) {
    let after: string;
    try {
      after = String(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')).after);
    } catch {
      throw new InvalidInput('The NextToken is not valid.');
    }
    start = sorted.findIndex((t) => keyOf(t) > after);
    if (start < 0) start = sorted.length;
  }
  const max = maxResults ?? defaultMax;
  const items = sorted.slice(start, start + max);
  const more = start + max < sorted.length;
  const next = more ? Buffer.from(JSON.stringify({ after: keyOf(items[items.length - 1]!) })).toString('base64url') : undefined;
  return { items, next };
}

export interface Filter {
  Name?: string;
  Values?: string[];
  Condition?: string;
}

/** One list filter: EQ (one value), IN (any of them) or BEGINS_WITH (a prefix); `allowed` names the conditions. */
export function filterMatches(f: Filter, value: string | undefined, allowed: readonly string[] = ['EQ', 'IN']): boolean {
  const cond = f.Condition ?? 'EQ';
  const values = f.Values ?? [];
  if (!allowed.includes(cond)) throw new InvalidInput(`Condition ${cond} is not supported for filter ${f.Name}.`);
  if ((cond === 'EQ' || cond === 'BEGINS_WITH') && values.length !== 1) throw new InvalidInput(`Filter ${f.Name} with condition ${cond} takes exactly one value.`);
  if (value === undefined) return false;
  if (cond === 'BEGINS_WITH') return value.startsWith(values[0]!);
  return values.includes(value);
}
