// Writing service events as ECS does: newest first, at most 100 kept, and deduplicated: a message equal to the newest
// event is not written again (a service that cannot place a task says so once, not every pass), and "has reached
// a steady state." is repeated only every six hours while the service stays steady.
import { randomUUID } from 'node:crypto';
import { MAX_EVENTS, type ServiceRecord } from '../../domain/service.js';
import { ServiceEvents } from '../../domain/deployment.js';
import { Txn, type StateCache } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';

export const STEADY_REPEAT_MS = 6 * 3600_000;

export function addEvent(rec: ServiceRecord, message: string, now: Date): ServiceRecord {
  if (rec.events[0]?.message === message) return rec;
  const event = { id: randomUUID(), createdAt: now, message };
  return { ...rec, events: [event, ...rec.events].slice(0, MAX_EVENTS) };
}

/** Writes one event to a service from outside its controller's pass (target and discovery registration). */
export async function writeServiceEvent(cache: StateCache, tables: Tables, svc: ServiceRecord, message: string): Promise<void> {
  const id = `${svc.clusterName}/${svc.service.serviceName}`;
  await cache.update(() => {
    const row = tables.services.get(id);
    if (!row) return { txn: new Txn(), result: null };
    const next = addEvent(row.value, message, new Date());
    return { txn: next === row.value ? new Txn() : new Txn().put(tables.services, id, next, row.modRevision), result: null };
  });
}

/** Records whether the service is steady, announcing it on the way in and every six hours after. */
export function markSteady(rec: ServiceRecord, steady: boolean, now: Date): ServiceRecord {
  if (!steady) return rec.steady ? { ...rec, steady: false } : rec;
  const text = ServiceEvents.steadyState(rec.service.serviceName!);
  const last = rec.events.find((e) => e.message === text);
  const due = !rec.steady || !last || now.getTime() - last.createdAt!.getTime() >= STEADY_REPEAT_MS;
  if (!due) return rec;
  // A repeat after six hours must not be swallowed by the newest-event rule.
  const event = { id: randomUUID(), createdAt: now, message: text };
  return { ...rec, steady: true, events: [event, ...rec.events].slice(0, MAX_EVENTS) };
}
