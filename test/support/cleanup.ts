// Every container a test creates carries a per-run label; afterAll removes them all, whatever the test left behind.
import { randomBytes } from 'node:crypto';
import { taskCgroupsFor } from '../../src/agent/cgroups/taskCgroup.js';
import { LABELS } from '../../src/agent/protocol.js';
import { WARM_PAUSE_LABEL } from '../../src/agent/engine/warmPause.js';
import type { ContainerRuntime } from '../../src/agent/runtime/types.js';

export const TEST_LABEL = 'wharf.test-run';

export function runId(): string {
  return randomBytes(4).toString('hex');
}

export async function removeLabelled(runtime: ContainerRuntime, labels: Record<string, string>): Promise<void> {
  // An agent's warm pause containers carry its instance in a label of their own (engine/warmPause.ts).
  const arn = labels[LABELS.instanceArn];
  const all = [...(await runtime.list(labels)), ...(arn && Object.keys(labels).length === 1 ? await runtime.list({ [WARM_PAUSE_LABEL]: arn }) : [])];
  await Promise.all(all.map((c) => runtime.remove(c.id)));
  // Containers removed behind the agent's back leave their task's cgroup (task-level limits) behind.
  const cgroups = taskCgroupsFor(await runtime.version());
  if (typeof cgroups === 'string') return;
  for (const arn of new Set(all.map((c) => c.labels[LABELS.taskArn]).filter((a): a is string => !!a))) await cgroups.remove(arn.split('/').pop()!);
}
