// The embedded agent of `wharf up` on a thread of its own. The agent is a client of the control plane (HTTP and its
// channel, as `wharf agent`), so it shares nothing with it but the process: on its own thread, loading its modules
// (Docker's client, the AWS SDK: about half a second of CPU) and registering with Docker take the host's other core
// and never hold up the API's first answers. The thread lives and dies with the process: an agent that crashes takes
// `wharf up` down, as it did on the main thread.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { AgentFlags } from './agentCommand.js';

/** What the thread and `wharf up` tell each other. */
export type AgentThreadMessage =
  | { kind: 'started'; containerInstanceArn: string }
  | { kind: 'failed'; message: string }
  | { kind: 'stop' }
  | { kind: 'stopped' };

export interface AgentThread {
  /** Resolves once the agent registered (its instance ARN), or rejects with why it could not start. */
  started: Promise<string>;
  /** Stops the agent (containers keep running, a restart adopts them) and ends the thread. */
  stop(): Promise<void>;
}

export function startAgentThread(flags: AgentFlags, logLevel: string, logger: Logger): AgentThread {
  // A worker's stdout is no terminal: it logs as the main thread does (pretty on a terminal, JSON lines otherwise).
  const pretty = Boolean(process.stdout.isTTY);
  const worker = new Worker(new URL('./agentThreadMain.js', import.meta.url), { workerData: { flags, logLevel, pretty } });
  let stopping = false;
  let running = false;
  let stopped: (() => void) | undefined;
  const started = new Promise<string>((ok, fail) => {
    worker.on('message', (m: AgentThreadMessage) => {
      if (m.kind === 'started') {
        running = true;
        ok(m.containerInstanceArn);
      }
      else if (m.kind === 'failed') fail(new Error(m.message));
      else if (m.kind === 'stopped') stopped?.();
    });
    worker.once('error', (err) => {
      fail(err);
      if (stopping || !running) return;
      // After a start, an agent's crash is the process's, as before it had a thread of its own.
      logger.fatal({ err: err.message }, 'the agent crashed');
      logger.flush();
      process.exit(1);
    });
    worker.once('exit', (code) => fail(new Error(`the agent's thread ended (${code})`)));
  });
  started.catch(() => undefined);
  return {
    started,
    async stop() {
      stopping = true;
      const exited = new Promise<void>((ok) => worker.once('exit', () => ok()));
      const done = new Promise<void>((ok) => (stopped = ok));
      worker.postMessage({ kind: 'stop' } satisfies AgentThreadMessage);
      await Promise.race([done, exited]);
      await worker.terminate();
    },
  };
}

/** Where `wharf up`'s agent keeps its identity: under the data directory. */
export const defaultStateDir = (dataDir: string) => join(dataDir, 'agent');
