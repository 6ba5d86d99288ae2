// The relay process of Service Connect (relayProcess.ts starts it): the agent hands it each alias's listener, opened
// in a task's namespace, with the alias's endpoints, and sends the endpoints again whenever they change. Relaying
// here rather than on the agent's event loop keeps each request's bytes away from the control plane's and agent's
// work and their heap, and gives the relay a scheduling share of its own on a busy host.
import type net from 'node:net';
import { NamespaceHelper } from '../metadata/nsHelper.js';
import { serveAlias, type AliasRoute, type ConnectInside } from './serviceConnectRelay.js';

/** What the agent sends: `adopt` comes with the listener as its handle. */
export type RelayMessage =
  | { op: 'adopt'; key: string; route: AliasRoute }
  | { op: 'route'; key: string; route: AliasRoute }
  | { op: 'drop'; key: string };

const aliases = new Map<string, { server: net.Server; route: AliasRoute }>();
// Connections made inside server tasks' namespaces come from a namespace helper of the relay's own, started at the
// first one: the agent's helper answers the agent.
const helper = new NamespaceHelper();
const connectInside: ConnectInside = async (pid, port) => {
  if (!helper.usable) throw new Error('no namespace helper');
  const [s] = await helper.open(pid, [{ kind: 'connect', host: '127.0.0.1', port }], 2000);
  if (!s || s instanceof Error) throw s ?? new Error('no connection');
  return s as unknown as net.Socket;
};

process.on('message', (m: RelayMessage, handle?: net.Server) => {
  if (m.op === 'adopt') {
    if (!handle) return;
    aliases.get(m.key)?.server.close();
    const a = { server: handle, route: m.route };
    aliases.set(m.key, a);
    handle.on('error', () => {});
    // Its interpreter's start is then off the first connection's path.
    helper.warm();
    serveAlias(handle, () => a.route, connectInside);
  } else if (m.op === 'route') {
    const a = aliases.get(m.key);
    if (a) a.route = m.route;
  } else {
    aliases.get(m.key)?.server.close();
    aliases.delete(m.key);
  }
});
// The agent gone, the relay has nothing left to do.
process.on('disconnect', () => process.exit(0));
