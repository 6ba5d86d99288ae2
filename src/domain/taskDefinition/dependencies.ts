// References between containers of one task definition (dependsOn, links, volumesFrom, the App Mesh proxy): each
// must name a container of the task, and together they must order the containers without a cycle, since the agent
// starts a container only after those it refers to.
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { ClientError } from '../errors.js';
import { NAME } from './names.js';
import { nameOf, type TaskView } from './view.js';

/** A link is `name` or `name:alias`. */
export function linkTarget(link: string): string | undefined {
  const [target, alias, extra] = link.split(':');
  if (extra !== undefined || target === undefined || !NAME.test(target)) return undefined;
  if (alias !== undefined && !NAME.test(alias)) return undefined;
  return target;
}

export function checkDependencies(view: TaskView): void {
  const byName = new Map(view.containers.map((c) => [nameOf(c), c] as const));

  for (const c of view.containers) {
    const name = nameOf(c);
    for (const dep of c.dependsOn ?? []) {
      const targetName = dep.containerName ?? 'null';
      const target = byName.get(targetName);
      // ECS's own message carries the stray "+ ".
      if (target === undefined) {
        throw new ClientError(`Cannot depend on container + '${targetName}' because it does not exist`);
      }
      if (target === c) throw new ClientError(`Container '${name}' cannot depend on itself.`);
      if ((dep.condition === 'SUCCESS' || dep.condition === 'COMPLETE') && target.essential !== false) {
        throw new ClientError(
          'A dependency container with SUCCESS or COMPLETE condition cannot be an essential container',
        );
      }
      if (dep.condition === 'HEALTHY' && target.healthCheck === undefined) {
        throw new ClientError('A dependency container with HEALTHY condition must have health check configured.');
      }
    }
    for (const link of c.links ?? []) {
      const target = linkTarget(link);
      if (target === undefined) throw new ClientError(`Invalid 'links' setting for container '${name}'.`);
      if (!byName.has(target)) throw new ClientError(`Invalid 'links' setting. Unknown container: '${target}'.`);
    }
    for (const from of c.volumesFrom ?? []) {
      const source = from.sourceContainer ?? 'null';
      if (!byName.has(source)) throw new ClientError(`Invalid 'volumesFrom' setting. Unknown container: '${source}'.`);
    }
  }

  const proxy = view.input.proxyConfiguration?.containerName;
  if (proxy !== undefined && !byName.has(proxy)) {
    throw new ClientError(`Invalid 'proxyConfiguration' setting. Unknown container: '${proxy}'.`);
  }

  if (hasCycle(view.containers, linkEdges)) throw new ClientError('Container links should not have a cycle');
  if (hasCycle(view.containers, startupEdges)) throw new ClientError('Container dependencies should not have a cycle');
}

const linkEdges = (c: ContainerDefinition): string[] =>
  (c.links ?? []).map(linkTarget).filter((t): t is string => t !== undefined);

/** Everything a container waits for before it starts. */
const startupEdges = (c: ContainerDefinition): string[] => [
  ...(c.dependsOn ?? []).map((d) => d.containerName ?? ''),
  ...linkEdges(c),
  ...(c.volumesFrom ?? []).map((v) => v.sourceContainer ?? ''),
];

function hasCycle(containers: readonly ContainerDefinition[], edges: (c: ContainerDefinition) => string[]): boolean {
  const graph = new Map(containers.map((c) => [nameOf(c), edges(c)] as const));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string): boolean => {
    const s = state.get(node);
    if (s === 'visiting') return true;
    if (s === 'done' || !graph.has(node)) return false;
    state.set(node, 'visiting');
    if (graph.get(node)!.some(visit)) return true;
    state.set(node, 'done');
    return false;
  };
  return [...graph.keys()].some(visit);
}
