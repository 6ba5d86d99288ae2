// RunTask's overrides, applied in one place: what DescribeTasks echoes (every container present), and each
// container's definition with its override (command, environment, cpu and memory), which the scheduler reserves
// for, the task's containers show and the agent runs.
import type { ContainerDefinition, ContainerOverride, KeyValuePair, TaskOverride } from '@aws-sdk/client-ecs';

/** Overrides as ECS echoes them: every container present, with an empty override when none was given. */
export function normalizeOverrides(o: TaskOverride | undefined, containerNames: readonly string[]): TaskOverride {
  const given = new Map((o?.containerOverrides ?? []).map((c) => [c.name, c]));
  return {
    ...o,
    containerOverrides: containerNames.map((name) => given.get(name) ?? { name }),
    inferenceAcceleratorOverrides: o?.inferenceAcceleratorOverrides ?? [],
  };
}

/** The container definition with its override applied. */
export function overriddenContainer(def: ContainerDefinition, o: ContainerOverride | undefined): ContainerDefinition {
  if (!o || isEmpty(o)) return def;
  return {
    ...def,
    command: o.command ?? def.command,
    environment: mergeEnv(def.environment, o.environment),
    environmentFiles: [...(def.environmentFiles ?? []), ...(o.environmentFiles ?? [])],
    cpu: o.cpu ?? def.cpu,
    memory: o.memory ?? def.memory,
    memoryReservation: o.memoryReservation ?? def.memoryReservation,
  };
}

function mergeEnv(base: KeyValuePair[] | undefined, extra: KeyValuePair[] | undefined): KeyValuePair[] {
  const byName = new Map((base ?? []).map((e) => [e.name, e]));
  for (const e of extra ?? []) byName.set(e.name, e);
  return [...byName.values()];
}

/** An override that changes nothing (every container has one once normalized): the definition stands as it is. */
function isEmpty(o: ContainerOverride): boolean {
  return (
    o.command === undefined &&
    o.environment === undefined &&
    o.environmentFiles === undefined &&
    o.cpu === undefined &&
    o.memory === undefined &&
    o.memoryReservation === undefined
  );
}
