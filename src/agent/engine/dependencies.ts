// dependsOn, links and volumesFrom as pure checks: may this container start yet, must it wait, or can it never start.
import { Status } from './status.js';
import { hasRun, type ContainerState, type TaskState } from './state.js';

export type Gate = { ok: true } | { ok: false; blockedOn: string; impossible?: string; timeoutSeconds?: number };

function find(t: TaskState, name: string): ContainerState | undefined {
  return t.containers.find((c) => c.name === name);
}

/** One dependsOn condition of container `c` on `dep`. */
function condition(dep: ContainerState, cond: string): Gate {
  const waiting = { ok: false as const, blockedOn: `${dep.name} ${cond}`, timeoutSeconds: dep.definition.startTimeout };
  const stoppedUnrun = dep.known === Status.STOPPED && !hasRun(dep);
  switch (cond) {
    case 'START':
      if (hasRun(dep)) return { ok: true };
      return stoppedUnrun ? { ...waiting, impossible: `dependency ${dep.name} stopped before it started` } : waiting;
    case 'COMPLETE':
      if (dep.known === Status.STOPPED && hasRun(dep)) return { ok: true };
      return stoppedUnrun ? { ...waiting, impossible: `dependency ${dep.name} stopped before it started` } : waiting;
    case 'SUCCESS':
      if (dep.known === Status.STOPPED && hasRun(dep) && dep.exitCode === 0) return { ok: true };
      if (dep.known === Status.STOPPED) {
        return { ...waiting, impossible: `dependency ${dep.name} exited with code ${dep.exitCode ?? 'unknown'}, SUCCESS needs 0` };
      }
      return waiting;
    case 'HEALTHY':
      if (dep.health === 'HEALTHY') return { ok: true };
      if (!dep.definition.healthCheck) return { ...waiting, impossible: `dependency ${dep.name} has no healthCheck` };
      if (dep.known === Status.STOPPED) return { ...waiting, impossible: `dependency ${dep.name} stopped before it was healthy` };
      return waiting;
    default:
      return { ...waiting, impossible: `unknown dependsOn condition ${cond}` };
  }
}

/**
 * Before create: the awsvpc pause container must exist (a container joins its namespace by id; Docker checks only
 * at start that it runs, so creating both overlaps with starting the pause), volumesFrom sources must exist, volumes
 * must be ready.
 */
export function createGate(t: TaskState, c: ContainerState): Gate {
  if (c.internal) return { ok: true };
  if (!t.volumesReady) return { ok: false, blockedOn: 'task volumes' };
  const pause = t.containers.find((x) => x.internal);
  if (pause && pause.known < Status.CREATED) return { ok: false, blockedOn: 'pause container' };
  for (const vf of c.definition.volumesFrom ?? []) {
    const src = find(t, vf.sourceContainer ?? '');
    if (!src) return { ok: false, blockedOn: `volumesFrom ${vf.sourceContainer}`, impossible: `volumesFrom names unknown container ${vf.sourceContainer}` };
    if (src.known < Status.CREATED) return { ok: false, blockedOn: `volumesFrom ${src.name}` };
  }
  for (const link of c.definition.links ?? []) {
    const target = find(t, link.split(':')[0]!);
    if (target && target.known < Status.CREATED) return { ok: false, blockedOn: `link ${target.name}` };
  }
  return { ok: true };
}

/** Before start: the pause container running (with the task's metadata endpoint), dependsOn, running link targets. */
export function startGate(t: TaskState, c: ContainerState): Gate {
  const pause = c.internal ? undefined : t.containers.find((x) => x.internal);
  if (pause && pause.known !== Status.RUNNING) {
    if (pause.known === Status.STOPPED) return { ok: false, blockedOn: 'pause container', impossible: 'the task network namespace (pause container) stopped' };
    return { ok: false, blockedOn: 'pause container' };
  }
  for (const d of c.definition.dependsOn ?? []) {
    const dep = find(t, d.containerName ?? '');
    if (!dep) return { ok: false, blockedOn: `dependsOn ${d.containerName}`, impossible: `dependsOn names unknown container ${d.containerName}` };
    const g = condition(dep, d.condition ?? 'START');
    if (!g.ok) return g;
  }
  for (const link of c.definition.links ?? []) {
    const target = find(t, link.split(':')[0]!);
    if (!target) return { ok: false, blockedOn: `link ${link}`, impossible: `link names unknown container ${link}` };
    if (target.known !== Status.RUNNING) {
      if (target.known === Status.STOPPED) return { ok: false, blockedOn: `link ${link}`, impossible: `linked container ${target.name} is not running` };
      return { ok: false, blockedOn: `link ${target.name}` };
    }
  }
  return { ok: true };
}

/** Stop order: a container waits for the running containers that depend on it (and the pause for everyone). */
export function stopGate(t: TaskState, c: ContainerState): Gate {
  for (const other of t.containers) {
    if (other === c || other.known === Status.STOPPED) continue;
    if (c.internal) return { ok: false, blockedOn: `${other.name} to stop` };
    const dependsOnC =
      (other.definition.dependsOn ?? []).some((d) => d.containerName === c.name) ||
      (other.definition.links ?? []).some((l) => l.split(':')[0] === c.name);
    if (dependsOnC && other.known === Status.RUNNING) return { ok: false, blockedOn: `${other.name} to stop` };
  }
  return { ok: true };
}
