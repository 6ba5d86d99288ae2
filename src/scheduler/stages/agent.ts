// An instance whose agent is disconnected cannot be told to start anything; ECS rejects it with `AGENT` rather
// than leave the task waiting for the agent to return.

import { Reason } from '../reasons.js';
import type { Stage } from './stage.js';

export const agentStage: Stage = (s) => (s.agentConnected ? undefined : Reason.AGENT);
