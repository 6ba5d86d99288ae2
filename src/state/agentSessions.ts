// Which control plane replica holds each agent's channel (`fleet/agent-sessions/CLUSTER/ID`). The row is put under
// the holding replica's lease, so it disappears when that replica dies or loses the store; an instance marked
// connected without a row has lost its channel, whichever replica held it (the leader's lifecycle pass says so).
import type { StateCache, Table } from '../store/cache.js';

export interface AgentSessionRecord {
  /** The replica holding the channel (its id, as the leader key names it). */
  replica: string;
  /** That replica's URL, for operators. */
  url: string;
  since: Date;
}

export type AgentSessions = Table<AgentSessionRecord>;

export function createAgentSessions(cache: StateCache): AgentSessions {
  return cache.table<AgentSessionRecord>({ prefix: 'fleet/agent-sessions/' });
}
