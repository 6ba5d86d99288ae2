// The agent thread's side (see agentThread.ts): starts the agent with `wharf up`'s flags and stops it when told.
// Node 22's compile cache first (compileCache.ts), hence the dynamic imports.
import type { AgentFlags } from './agentCommand.js';
import type { AgentThreadMessage } from './agentThread.js';

await import('./compileCache.js');
const { parentPort, workerData } = await import('node:worker_threads');
const { createLogger } = await import('../logging/logger.js');
const { runAgent } = await import('./agentCommand.js');

const { flags, logLevel, pretty } = workerData as { flags: AgentFlags; logLevel: string; pretty: boolean };
const port = parentPort!;
const send = (m: AgentThreadMessage) => port.postMessage(m);
const logger = createLogger({ level: logLevel, pretty });

const agent = runAgent(flags, logger).then(
  (a) => {
    send({ kind: 'started', containerInstanceArn: a.containerInstanceArn });
    return a;
  },
  (err: Error) => {
    send({ kind: 'failed', message: err.message });
    return undefined;
  },
);
port.on('message', (m: AgentThreadMessage) => {
  if (m.kind !== 'stop') return;
  void agent
    .then((a) => a?.stop())
    .finally(() => {
      logger.flush();
      send({ kind: 'stopped' });
      port.close();
    });
});
