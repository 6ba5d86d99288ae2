// The fixture of the end-to-end tests that need real containers: `wharf up` with its embedded agent connected, the
// busybox test image built, and every container the agent started removed afterwards.
import type { ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll } from 'vitest';
import { LABELS } from '../../src/agent/protocol.js';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { removeLabelled } from '../support/cleanup.js';
import { ensureBusybox } from '../support/images.js';
import { embeddedInstance, startWharf, type Wharf } from './harness.js';

export interface WharfUp {
  wharf: Wharf;
  ecs: ECSClient;
  /** The embedded agent's container instance in `default`. */
  instanceArn: string;
  runtime: DockerRuntime;
}

/** Registers the hooks; the returned object is filled in before the first test runs. */
export function useWharfUp(env: Record<string, string> = {}, args: string[] = [], nodeRuntime?: () => Promise<{ node: string; bin: string }>): WharfUp {
  const up = { runtime: new DockerRuntime() } as WharfUp;
  beforeAll(async () => {
    await ensureBusybox(up.runtime);
    up.wharf = await startWharf({ mode: 'up', env, args, runtime: await nodeRuntime?.() });
    up.ecs = up.wharf.ecs();
    up.instanceArn = await embeddedInstance(up.ecs);
  }, 120_000);
  afterAll(async () => {
    up.ecs?.destroy();
    await up.wharf?.stop();
    if (!up.instanceArn) return;
    await removeLabelled(up.runtime, { [LABELS.instanceArn]: up.instanceArn });
  });
  return up;
}
