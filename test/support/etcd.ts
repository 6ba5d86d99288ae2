// Real etcd members for tests: each on loopback with free ports and a temporary data directory. Whoever starts a
// cluster stops it (afterAll); a process exit kills whatever is left, so no etcd outlives the test run.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdMember {
  name: string;
  /** http://127.0.0.1:PORT, for clients. */
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  /** The running process; undefined once stopped. */
  proc: ChildProcess | undefined;
  /** The member's own output (the last lines), for failure messages. */
  log: string[];
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** The members' client URLs, comma separated: what `--store etcd://...` takes, less the scheme. */
  endpoints: string[];
  /** Stops one member (SIGKILL: as a crash would); the others go on. */
  kill(member: EtcdMember): Promise<void>;
  /** Starts a member that was stopped, on its data directory. */
  restart(member: EtcdMember): Promise<void>;
  /** Stops every member and removes their data. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

/** Starts `size` members forming one cluster and resolves once every member answers /health. */
export async function startEtcd(
  size = 1,
  opts: { bin?: string; maxTxnOps?: number; /** Client ports to use, one per member, instead of free ones. */ clientPorts?: number[] } = {},
): Promise<EtcdCluster> {
  const token = `wharf-test-${process.pid}-${Date.now()}`;
  const members: EtcdMember[] = [];
  for (let i = 0; i < size; i++) {
    const [client, peer] = [opts.clientPorts?.[i] ?? (await freePort()), await freePort()];
    members.push({
      name: `m${i}`,
      clientUrl: `http://127.0.0.1:${client}`,
      peerUrl: `http://127.0.0.1:${peer}`,
      dataDir: mkdtempSync(join(tmpdir(), 'wharf-etcd-')),
      proc: undefined,
      log: [],
    });
  }
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const launch = (m: EtcdMember, state: 'new' | 'existing') => {
    const args = [
      `--name=${m.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=${m.clientUrl}`,
      `--advertise-client-urls=${m.clientUrl}`,
      `--listen-peer-urls=${m.peerUrl}`,
      `--initial-advertise-peer-urls=${m.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-state=${state}`,
      `--initial-cluster-token=${token}`,
      `--max-txn-ops=${opts.maxTxnOps ?? 128}`,
      '--logger=zap',
      '--log-level=warn',
    ];
    const proc = spawn(opts.bin ?? 'etcd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => {
      m.log.push(...b.toString().split('\n').filter(Boolean));
      if (m.log.length > 50) m.log.splice(0, m.log.length - 50);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    m.proc = proc;
  };
  const stopMember = async (m: EtcdMember, signal: NodeJS.Signals) => {
    const p = m.proc;
    m.proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((ok) => p.once('exit', () => ok()));
    p.kill(signal);
    const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((m) => m.clientUrl.replace('http://', '')),
    kill: (m) => stopMember(m, 'SIGKILL'),
    restart: async (m) => {
      launch(m, 'existing');
      await healthy(m);
    },
    stop: async () => {
      await Promise.all(members.map((m) => stopMember(m, 'SIGTERM')));
      for (const m of members) rmSync(m.dataDir, { recursive: true, force: true });
    },
  };
  try {
    for (const m of members) launch(m, 'new');
    await Promise.all(members.map((m) => healthy(m)));
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

/** Polls the member's /health until it says true (a quorum is up), or fails with its last output. */
async function healthy(m: EtcdMember, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = m.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) throw new Error(`etcd ${m.name} exited:\n${m.log.join('\n')}`);
    try {
      const res = await fetch(`${m.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`etcd ${m.name} not healthy after ${timeoutMs} ms:\n${m.log.join('\n')}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
