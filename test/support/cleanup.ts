// Every container a test creates carries a per-run label; afterAll removes them all, whatever the test left behind.
import { randomBytes } from 'node:crypto';
import type { ContainerRuntime } from '../../src/agent/runtime/types.js';

export const TEST_LABEL = 'wharf.test-run';

export function runId(): string {
  return randomBytes(4).toString('hex');
}

export async function removeLabelled(runtime: ContainerRuntime, labels: Record<string, string>): Promise<void> {
  const all = await runtime.list(labels);
  await Promise.all(all.map((c) => runtime.remove(c.id)));
}
