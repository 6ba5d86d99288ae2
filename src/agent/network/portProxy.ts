// Publishes a warm pause container's ports (engine/warmPause.ts) as Docker publishes a port on a loopback address:
// one docker-proxy per port, Docker's own userland proxy, so a task's traffic takes the same path either way. Docker
// only publishes the ports given at create, and a warm pause container is created before its task is known.
// The proxies outlive the agent, as Docker's would (a restarted agent adopts the task); a small watcher per task
// ends them once the pause container's process is gone, even with no agent left to do it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** Marks Wharf's proxies and their watcher in their environment, naming the container they publish for. */
const MARK = 'WHARF_PUBLISHED_FOR';
/** A proxy that has not said it listens by then is given up. */
const READY_MS = 10_000;
/** $0: the pause container's pid; $@: the proxies to end when it is gone. */
const WATCH = 'while kill -0 "$0" 2>/dev/null; do sleep 1; done; kill "$@" 2>/dev/null';

export interface PortToPublish {
  protocol: 'tcp' | 'udp';
  port: number;
}

export interface PublishTarget {
  /** The pause container: its id (the proxies' mark), host pid and address on Docker's bridge. */
  containerId: string;
  pid: number;
  containerIp: string;
  /** The task's own address, where each port is published at its own number. */
  hostIp: string;
  ports: PortToPublish[];
}

/** Docker's userland proxy binary, where Debian's and Docker's own packages put it; undefined when absent. */
export function findDockerProxy(): string | undefined {
  const dirs = ['/usr/sbin', '/usr/bin', '/usr/libexec/docker', '/usr/local/bin', ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  return dirs.map((d) => `${d}/docker-proxy`).find((p) => existsSync(p));
}

/** Publishes every port; all or none (a port that cannot be bound ends the ones already started). */
export async function publishPorts(proxy: string, t: PublishTarget): Promise<void> {
  if (!t.ports.length) return;
  const env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', [MARK]: t.containerId };
  const started = await Promise.allSettled(
    t.ports.map((p) =>
      startProxy(proxy, ['-proto', p.protocol, '-host-ip', t.hostIp, '-host-port', String(p.port), '-container-ip', t.containerIp, '-container-port', String(p.port)], env),
    ),
  );
  const pids = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    for (const pid of pids) kill(pid);
    throw failed.reason;
  }
  spawn('sh', ['-c', WATCH, String(t.pid), ...pids.map(String)], { detached: true, stdio: 'ignore', env }).unref();
}

/** Ends the proxies (and their watcher) published for this container, by this agent or an earlier one. */
export async function unpublishPorts(containerId: string): Promise<void> {
  for (const pid of await publishedFor(containerId)) kill(pid);
}

/** The processes (proxies and watcher) publishing this container's ports. */
export async function publishedFor(containerId: string): Promise<number[]> {
  const want = `${MARK}=${containerId}`;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
  const hits = await Promise.all(
    pids.map(async (p) => ((await readFile(`/proc/${p}/environ`, 'latin1').catch(() => '')).split('\0').includes(want) ? Number(p) : 0)),
  );
  return hits.filter((p) => p > 0);
}

/** docker-proxy says on fd 3 whether it listens: "0\n", or "1\n" and the error. */
function startProxy(proxy: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(proxy, args, { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'], env });
    const answer = child.stdio[3] as NodeJS.ReadableStream;
    let said = '';
    const timer = setTimeout(() => fail(new Error(`docker-proxy ${args.join(' ')} did not start within ${READY_MS} ms`)), READY_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      if (child.pid) kill(child.pid);
      reject(err);
    };
    child.on('error', fail);
    answer.on('data', (d: Buffer) => (said += d.toString()));
    answer.on('end', () => {
      clearTimeout(timer);
      if (said.startsWith('0') && child.pid) {
        child.unref();
        resolve(child.pid);
      } else fail(new Error(`cannot publish ${args[3]}:${args[5]}/${args[1]}: ${said.slice(2).trim() || 'docker-proxy exited'}`));
    });
  });
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // gone already
  }
}
