// Registering and deregistering targets in the store: shared by the ELBv2 API and the ECS service controller's hooks.
// Deregistration marks a target draining; the drainer (draining.ts) removes it after the deregistration delay.
import { isIPv4 } from 'node:net';
import { InvalidTarget, TargetGroupNotFound, ElbValidationError } from '../domain/errors.js';
import { Txn, type StateCache } from '../store/cache.js';
import { first, targetKey, type ElbTables, type TargetGroupRecord, type TargetRecord } from './tables.js';

export interface TargetRef {
  Id?: string;
  Port?: number;
  AvailabilityZone?: string;
}

/** The target group, or ELBv2's TargetGroupNotFound. */
export function requireTargetGroup(tables: ElbTables, arn: string): { id: string; modRevision: number; value: TargetGroupRecord } {
  const row = first(tables.targetGroups.byIndex('arn', arn));
  if (!row) throw new TargetGroupNotFound(`Target groups '${arn}' not found`);
  return row;
}

function resolvePort(tg: TargetGroupRecord, t: TargetRef): number {
  const port = t.Port ?? tg.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ElbValidationError(`Port '${port}' is not valid`);
  return port;
}

export async function registerTargets(cache: StateCache, tables: ElbTables, tgArn: string, targets: readonly TargetRef[], now = new Date()): Promise<void> {
  await cache.update(() => {
    const tg = requireTargetGroup(tables, tgArn);
    const txn = new Txn().guard(tables.targetGroups, tg.id, tg.modRevision);
    for (const t of targets) {
      const id = t.Id ?? '';
      if (tg.value.targetType === 'ip' && !isIPv4(id)) {
        throw new InvalidTarget(`The IP address '${id}' is not a valid IPv4 address`);
      }
      if (tg.value.targetType === 'instance' && !/^[A-Za-z0-9._:-]{1,128}$/.test(id)) {
        throw new InvalidTarget(`The following targets are not valid instances: '${id}'`);
      }
      const port = resolvePort(tg.value, t);
      const key = targetKey(tg.value, id, port);
      const row = tables.targets.get(key);
      if (row?.value.state === 'registered') continue;
      const rec: TargetRecord = {
        targetGroupArn: tgArn, targetId: id, port, registeredAt: now, state: 'registered',
        ...(t.AvailabilityZone ? { availabilityZone: t.AvailabilityZone } : {}),
      };
      txn.put(tables.targets, key, rec, row?.modRevision ?? 0);
    }
    return { txn, result: undefined };
  });
}

/** Marks the targets draining (targets not registered are ignored, as ELBv2 does). Returns their keys. */
export async function markDraining(cache: StateCache, tables: ElbTables, tgArn: string, targets: readonly TargetRef[], now = new Date()): Promise<string[]> {
  return cache.update(() => {
    const tg = requireTargetGroup(tables, tgArn);
    const txn = new Txn();
    const keys: string[] = [];
    for (const t of targets) {
      const key = targetKey(tg.value, t.Id ?? '', resolvePort(tg.value, t));
      const row = tables.targets.get(key);
      if (!row) continue;
      keys.push(key);
      if (row.value.state === 'draining') continue;
      txn.put(tables.targets, key, { ...row.value, state: 'draining', drainingSince: now }, row.modRevision);
    }
    return { txn, result: keys };
  });
}
