// versionConsistency: every task of a deployment runs the image digest its first task ran, even if the tag has moved
// since. The first task of the deployment (startedBy, the deployment's id) to report its containers' image
// digests pins them; later tasks are sent those digests and run them. A container with versionConsistency
// "disabled", and a task outside any deployment (RunTask), resolves its tag itself.
import type { TaskRecord } from '../../domain/task.js';
import type { Tables } from '../../state/tables.js';
import type { ContainerDefinition } from '../../agent/protocol.js';

const DEPLOYMENT = /^ecs-svc\//;

/** The digest each container of `rec` is pinned to, by container name. */
export function pinnedDigests(tables: Tables, rec: TaskRecord, containers: readonly ContainerDefinition[]): Map<string, string> {
  const pins = new Map<string, string>();
  const deployment = rec.task.startedBy;
  const wanted = containers.filter((c) => c.versionConsistency !== 'disabled').map((c) => c.name!);
  if (!deployment || !DEPLOYMENT.test(deployment) || wanted.length === 0) return pins;
  const siblings = [...tables.tasks.byIndex('startedBy', `${rec.clusterName}|${deployment}`)]
    .map((row) => row.value.task)
    .sort((a, b) => (a.createdAt?.valueOf() ?? 0) - (b.createdAt?.valueOf() ?? 0) || (a.taskArn! < b.taskArn! ? -1 : 1));
  for (const name of wanted) {
    for (const t of siblings) {
      const digest = t.containers?.find((c) => c.name === name)?.imageDigest;
      if (digest) {
        pins.set(name, digest);
        break;
      }
    }
  }
  return pins;
}
