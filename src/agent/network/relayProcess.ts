// The agent's side of Service Connect's relay process (relayWorker.ts): one child for the agent's life, started at
// the first alias listener. Each listener is handed over with Node's IPC (the descriptor travels, the agent closes
// its copy) and its route follows with every change the control plane pushes. Where the child cannot start or has
// died, `adopt` says no and the agent relays in its own process, as it does for every listener the child held when
// it died (`lost`).
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type net from 'node:net';
import type { AliasRoute } from './serviceConnectRelay.js';
import type { RelayMessage } from './relayWorker.js';

const WORKER = fileURLToPath(new URL('./relayWorker.js', import.meta.url));

export class RelayProcess {
  private child?: ChildProcess;
  private failed = false;
  /** key -> the route last sent, as JSON (to send only changes). */
  private readonly sent = new Map<string, string>();

  constructor(private readonly lost: (key: string) => void, private readonly log: (msg: string, fields?: Record<string, unknown>) => void) {}

  /** Hands `server` to the relay process; false when there is none (the caller relays itself). */
  adopt(key: string, server: net.Server, route: AliasRoute): boolean {
    const child = this.ensure();
    if (!child) return false;
    this.sent.set(key, JSON.stringify(route));
    try {
      child.send({ op: 'adopt', key, route } satisfies RelayMessage, server, (err) => {
        // Sent: the child's copy of the descriptor listens, the agent's would only compete for connections.
        if (!err) server.close();
      });
    } catch {
      return false;
    }
    return true;
  }

  /** Sends an alias's route when it differs from what the relay process has. */
  route(key: string, route: AliasRoute): void {
    const json = JSON.stringify(route);
    if (!this.child || !this.sent.has(key) || this.sent.get(key) === json) return;
    this.sent.set(key, json);
    this.send({ op: 'route', key, route });
  }

  drop(key: string): void {
    if (!this.sent.delete(key)) return;
    this.send({ op: 'drop', key });
  }

  stop(): void {
    this.sent.clear();
    this.child?.disconnect();
    this.child = undefined;
  }

  private send(m: RelayMessage): void {
    try {
      this.child?.send(m);
    } catch {
      // the child is gone: its exit hands the listeners back
    }
  }

  private ensure(): ChildProcess | undefined {
    if (this.child || this.failed) return this.child;
    let child: ChildProcess;
    try {
      // Run from sources (the unit tests' TypeScript) there is no compiled worker to start.
      if (!existsSync(WORKER)) throw new Error(`no ${WORKER}`);
      child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [], serialization: 'json' });
    } catch (err) {
      this.failed = true;
      this.log('cannot start the Service Connect relay process; relaying in the agent', { error: (err as Error).message });
      return undefined;
    }
    this.child = child;
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      // Once is bad luck, the agent relays in its own process from then on.
      this.failed = true;
      this.log('the Service Connect relay process exited; relaying in the agent', { code, signal });
      const keys = [...this.sent.keys()];
      this.sent.clear();
      for (const k of keys) this.lost(k);
    });
    // The relay process must not keep the agent alive.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    return child;
  }
}
