// Reservations against a container instance's remainingResources: what a placed task takes and gives back.
// Pure; the callers write the result in the same transaction as the task.
import type { ContainerInstance, Resource } from '@aws-sdk/client-ecs';
import type { Reservation } from '../domain/task.js';

function adjust(resources: readonly Resource[], r: Omit<Reservation, 'instanceKey'>, sign: 1 | -1): Resource[] {
  return resources.map((res) => {
    switch (res.name) {
      case 'CPU':
        return { ...res, integerValue: (res.integerValue ?? 0) - sign * r.cpu };
      case 'MEMORY':
        return { ...res, integerValue: (res.integerValue ?? 0) - sign * r.memory };
      case 'PORTS':
        return { ...res, stringSetValue: ports(res.stringSetValue, r.tcpPorts, sign) };
      case 'PORTS_UDP':
        return { ...res, stringSetValue: ports(res.stringSetValue, r.udpPorts, sign) };
      default:
        return res;
    }
  });
}

function ports(current: readonly string[] | undefined, changed: readonly number[], sign: 1 | -1): string[] {
  const set = new Set(current ?? []);
  for (const p of changed) {
    if (sign === 1) set.add(String(p));
    else set.delete(String(p));
  }
  return [...set];
}

/** Ensures both port resources exist so reservations have somewhere to go. */
function withPortResources(resources: readonly Resource[]): Resource[] {
  const out = [...resources];
  for (const name of ['PORTS', 'PORTS_UDP']) {
    if (!out.some((r) => r.name === name)) out.push({ name, type: 'STRINGSET', stringSetValue: [] });
  }
  return out;
}

export function reserve<T extends ContainerInstance>(ci: T, r: Reservation, pending: boolean): T {
  return {
    ...ci,
    remainingResources: adjust(withPortResources(ci.remainingResources ?? []), r, 1),
    pendingTasksCount: (ci.pendingTasksCount ?? 0) + (pending ? 1 : 0),
    runningTasksCount: (ci.runningTasksCount ?? 0) + (pending ? 0 : 1),
  };
}

/** Gives a stopped task's reservation back; `wasPending` says which count it was in. */
export function release<T extends ContainerInstance>(ci: T, r: Reservation, wasPending: boolean): T {
  return {
    ...ci,
    remainingResources: adjust(withPortResources(ci.remainingResources ?? []), r, -1),
    pendingTasksCount: Math.max(0, (ci.pendingTasksCount ?? 0) - (wasPending ? 1 : 0)),
    runningTasksCount: Math.max(0, (ci.runningTasksCount ?? 0) - (wasPending ? 0 : 1)),
  };
}

/** A task moved from pending to running: the counts follow. */
export function promote<T extends ContainerInstance>(ci: T): T {
  return {
    ...ci,
    pendingTasksCount: Math.max(0, (ci.pendingTasksCount ?? 0) - 1),
    runningTasksCount: (ci.runningTasksCount ?? 0) + 1,
  };
}
