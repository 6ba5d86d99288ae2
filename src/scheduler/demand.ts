// What one task reserves on an instance, computed from its task definition and RunTask overrides the way ECS
// does, so RunTask, StartTask and the service controller all ask the scheduler for the same thing.

import type { TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import { overriddenContainer } from '../domain/overrides.js';
import { containerPortsOf } from '../domain/taskDefinition/ports.js';
import type { PortNeed, TaskDemand } from './types.js';

/**
 * ECS's rules:
 * - Task-level `cpu`/`memory` (or their overrides), when set, are what the task reserves.
 * - Otherwise the containers' sum: `cpu` units each; memory is `memoryReservation` when given (the soft limit
 *   is what ECS subtracts from the instance), else the hard `memory`.
 * - Host ports: `bridge` (the default on Linux EC2) reserves `hostPort`, 0 or absent meaning a dynamic port, and
 *   a containerPortRange a run of consecutive dynamic ports;
 *   `host` reserves the container port itself; `awsvpc` and `none` reserve none on the host (the task has its
 *   own network interface), but `awsvpc` needs the `ecs.capability.task-eni` attribute.
 */
export function taskDemand(td: TaskDefinition, overrides?: TaskOverride): TaskDemand {
  const containers = (td.containerDefinitions ?? []).map((c) =>
    overriddenContainer(c, overrides?.containerOverrides?.find((x) => x.name === c.name)),
  );
  const cpu = parseCpu(overrides?.cpu ?? td.cpu) ?? containers.reduce((n, c) => n + (c.cpu ?? 0), 0);
  const memory =
    parseMemory(overrides?.memory ?? td.memory) ??
    containers.reduce((n, c) => n + (c.memoryReservation ?? c.memory ?? 0), 0);
  const mode = td.networkMode ?? 'bridge';
  const ports: PortNeed[] = [];
  if (mode === 'bridge' || mode === 'host') {
    for (const c of containers) {
      for (const pm of c.portMappings ?? []) {
        const protocol = pm.protocol === 'udp' ? 'udp' : 'tcp';
        if (pm.containerPort === undefined) {
          // containerPortRange (bridge only): a run of consecutive dynamic host ports, one per container port.
          const n = containerPortsOf(pm).length;
          for (let i = 0; i < n; i++) ports.push(i === 0 ? { protocol, hostPort: 0, block: n } : { protocol, hostPort: 0 });
          continue;
        }
        const hostPort = mode === 'host' ? (pm.hostPort || pm.containerPort) : (pm.hostPort ?? 0);
        ports.push({ protocol, hostPort });
      }
    }
  }
  const required = (td.requiresAttributes ?? []).flatMap((a) =>
    a.name ? [a.value === undefined ? { name: a.name } : { name: a.name, value: a.value }] : [],
  );
  // runtimePlatform places only on instances of that architecture and OS family, as ECS does.
  const platform = td.runtimePlatform;
  if (platform?.cpuArchitecture) required.push({ name: 'ecs.cpu-architecture', value: platform.cpuArchitecture === 'ARM64' ? 'arm64' : 'x86_64' });
  if (platform?.operatingSystemFamily) required.push({ name: 'ecs.os-family', value: platform.operatingSystemFamily });
  if (mode === 'awsvpc' && !required.some((a) => a.name === 'ecs.capability.task-eni')) {
    required.push({ name: 'ecs.capability.task-eni' });
  }
  return { cpu, memory, ports, requiredAttributes: required };
}

/** Task-level CPU as ECS accepts it: CPU units ("1024") or vCPUs ("1 vCPU", "0.25 vcpu"). */
export function parseCpu(text: string | undefined): number | undefined {
  return parseUnit(text, /^v?cpus?$/i, 1024);
}

/** Task-level memory as ECS accepts it: MiB ("2048") or GB ("2 GB", "0.5gb"). */
export function parseMemory(text: string | undefined): number | undefined {
  return parseUnit(text, /^gb$/i, 1024);
}

function parseUnit(text: string | undefined, unit: RegExp, scale: number): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!m[2]) return Math.round(n);
  return unit.test(m[2]) ? Math.round(n * scale) : undefined;
}
