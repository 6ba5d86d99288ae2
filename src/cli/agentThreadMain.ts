// The agent thread's side (see agentThread.ts): starts the agent with `wharf up`'s flags and stops it when told.
import './compileCache.js';
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../logging/logger.js';
import { runAgent, type AgentFlags } from './agentCommand.js';
import type { AgentThreadMessage } from './agentThread.js';

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
