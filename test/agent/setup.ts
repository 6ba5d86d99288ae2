// Shared set-up for the engine tests: one Docker runtime, the busybox image, an engine per test with its own
// instance label, and removal of everything labelled with it afterwards.
import { randomBytes } from 'node:crypto';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { TaskEngine } from '../../src/agent/engine/engine.js';
import { RecordingReporter } from '../../src/agent/engine/reporter.js';
import { MemoryLogSink } from '../../src/agent/logs/sink.js';
import type { EngineOptions } from '../../src/agent/engine/options.js';
import { LABELS } from '../../src/agent/protocol.js';
import { removeLabelled } from '../support/cleanup.js';

export const runtime = new DockerRuntime();

export interface Harness {
  engine: TaskEngine;
  reporter: RecordingReporter;
  logs: MemoryLogSink;
  instanceArn: string;
  /** A second engine on the same instance (after the first was discarded). */
  restart(): Promise<Harness>;
}

const instances: string[] = [];
const engines: TaskEngine[] = [];

export async function newEngine(opts: Partial<EngineOptions> = {}, instanceArn?: string): Promise<Harness> {
  const arn = instanceArn ?? `arn:aws:ecs:us-east-1:000000000000:container-instance/agent-test/${randomBytes(8).toString('hex')}`;
  instances.push(arn);
  const reporter = new RecordingReporter();
  const logs = new MemoryLogSink();
  const engine = new TaskEngine({ runtime, reporter, logSink: logs, instanceArn: arn, cleanupWaitMs: 600_000, stopTimeoutSeconds: 2, tickMs: 250, ...opts });
  engines.push(engine);
  await engine.start();
  return { engine, reporter, logs, instanceArn: arn, restart: () => newEngine(opts, arn) };
}

export async function cleanupAll(): Promise<void> {
  for (const e of engines) e.close();
  await Promise.all(engines.map((e) => e.closedWarm));
  for (const arn of instances) await removeLabelled(runtime, { [LABELS.instanceArn]: arn });
}
