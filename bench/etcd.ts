// An etcd cluster on loopback for the benchmarks that run Wharf's replicas (failover, runtaskFleet): members on free
// ports, each with a data directory of its own, ready once every member answers /health.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => ok(port));
    });
  });
}

/** `size` members of `etcdBin`; each process is added to `children` so the caller's exit handler can kill it. */
export async function startEtcd(etcdBin: string, size: number, children: Set<ChildProcess>): Promise<{ endpoints: string[]; stop(): Promise<void> }> {
  const members: { name: string; client: number; peer: number; dir: string }[] = [];
  for (let i = 0; i < size; i++) members.push({ name: `m${i}`, client: await freePort(), peer: await freePort(), dir: mkdtempSync(join(tmpdir(), 'wharf-bench-etcd-')) });
  const cluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peer}`).join(',');
  const procs = members.map((m) => {
    const p = spawn(etcdBin, [
      `--name=${m.name}`, `--data-dir=${m.dir}`,
      `--listen-client-urls=http://127.0.0.1:${m.client}`, `--advertise-client-urls=http://127.0.0.1:${m.client}`,
      `--listen-peer-urls=http://127.0.0.1:${m.peer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${m.peer}`,
      `--initial-cluster=${cluster}`, '--initial-cluster-state=new', `--initial-cluster-token=bench-${process.pid}`, '--log-level=error',
    ], { stdio: 'ignore' });
    children.add(p);
    return p;
  });
  for (const m of members) {
    for (let t = Date.now(); ; ) {
      const up = await fetch(`http://127.0.0.1:${m.client}/health`, { signal: AbortSignal.timeout(1000) })
        .then(async (r) => r.ok && ((await r.json()) as { health?: string }).health === 'true', () => false);
      if (up) break;
      if (Date.now() - t > 20_000) throw new Error(`etcd member ${m.name} did not come up`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  return {
    endpoints: members.map((m) => `127.0.0.1:${m.client}`),
    async stop() {
      await Promise.all(procs.map((p) => new Promise((ok) => (p.exitCode !== null ? ok(null) : (p.once('exit', ok), p.kill('SIGTERM'))))));
      for (const m of members) rmSync(m.dir, { recursive: true, force: true });
    },
  };
}
