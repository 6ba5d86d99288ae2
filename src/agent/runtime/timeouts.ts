// Every Docker call has its own deadline (as the ECS agent's do), so one wedged engine call cannot hang the task
// engine. Normalized once here; DockerRuntime never sees an undefined timeout.
import { RuntimeTimeoutError } from './types.js';

export interface DockerTimeouts {
  /** Image pull. Default 2 h (ECS_IMAGE_PULL_TIMEOUT). */
  pullMs: number;
  /** Container create. Default 4 min. */
  createMs: number;
  /** Container start. Default 3 min. */
  startMs: number;
  /** Added to the container's stop timeout. Default 30 s. */
  stopGraceMs: number;
  /** Inspect (container, image, volume) and version. Default 30 s. */
  inspectMs: number;
  /** List. Default 10 s. */
  listMs: number;
  /** Remove (container, volume). Default 5 min. */
  removeMs: number;
  /** One-shot stats. Default 30 s. */
  statsMs: number;
}

export const DEFAULT_TIMEOUTS: DockerTimeouts = {
  pullMs: 2 * 60 * 60_000,
  createMs: 4 * 60_000,
  startMs: 3 * 60_000,
  stopGraceMs: 30_000,
  inspectMs: 30_000,
  listMs: 10_000,
  removeMs: 5 * 60_000,
  statsMs: 30_000,
};

export function resolveTimeouts(partial: Partial<DockerTimeouts> = {}): DockerTimeouts {
  return { ...DEFAULT_TIMEOUTS, ...partial };
}

/** Races `work` against a timer; the timer never keeps the process alive. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RuntimeTimeoutError(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
