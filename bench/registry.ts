// Registry benchmark: push and pull of an image with ~200 MB of incompressible layers, against Wharf's registry and
// the CNCF distribution registry (Debian `docker-registry`, no auth: the most favourable set-up for it) on this
// machine, in the same run, with the same client (docker's upload sequence: POST, one streamed PATCH, PUT ?digest;
// three layers in flight, as docker pushes). Prints MB/s of each (median and range over rounds), each server's CPU
// per image, each round's ratio (its two runs were back to back) and the ratio of medians Wharf/distribution (goal:
// >= 1.0). BENCH_VERBOSE=1 also prints each run's server CPU, the Wharf event loop's share and the client's CPU.
// Run: npx tsc -p tsconfig.json && node dist/bench/registry.js [--rounds 3] [--layers 4] [--layer-mb 50]
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { arg, serverCpuMs } from './support.js';

const args = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Child mode: one Wharf control plane with the registry, as controlPlane.ts composes it; prints `url password`. */
async function serveWharf() {
  const { default: pino } = await import('pino');
  const { StateCache } = await import('../src/store/cache.js');
  const { SqliteStore } = await import('../src/store/sqlite.js');
  const { Gateway } = await import('../src/gateway/server.js');
  const { ecrService } = await import('../src/api/ecr/index.js');
  const reg = await import('../src/registry/index.js');
  const { issuePassword } = await import('../src/registry/auth.js');
  const dataDir = args[1]!;
  const cache = new StateCache(new SqliteStore(join(dataDir, 'state.db')));
  const tables = reg.createRegistryTables(cache);
  await cache.start();
  let host = '';
  const registry = await reg.startRegistry({ cache, tables, dataDir, accountId: '000000000000', region: 'us-east-1', publicHost: () => host, sweepIntervalMs: 0,
    sealer: new (await import('../src/sealing/index.js')).Sealer(randomBytes(32)) });
  const gateway = new Gateway({
    host: '127.0.0.1', port: 0, accountId: '000000000000', secretFor: () => undefined, services: [ecrService(registry)],
    logger: pino({ level: 'warn' }), routes: reg.registryRoutes(registry),
  });
  const url = await gateway.listen();
  host = new URL(url).host;
  await cache.commit(new (await import('../src/store/cache.js')).Txn().put(tables.repositories, 'bench', {
    repositoryName: 'bench', repositoryArn: 'arn:aws:ecr:us-east-1:000000000000:repository/bench', registryId: '000000000000',
    createdAt: new Date().toISOString(), imageTagMutability: 'MUTABLE', imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' }, tags: [],
  }, 0));
  console.log(`${url} ${(await issuePassword(registry, 'AKIABENCH')).password}`);
}

function startChild(cmd: string, argv: string[], ready: (line: string) => string | undefined): Promise<{ proc: ChildProcess; info: string }> {
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    for (const s of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: s }).on('line', (l) => {
        const info = ready(l);
        if (info !== undefined) resolve({ proc, info });
      });
    }
    proc.once('exit', (c) => reject(new Error(`${cmd} exited with ${c}`)));
  });
}

function request(base: string, auth: string, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }>((resolve, reject) => {
    const url = new URL(path, base);
    const req = http.request(url, { method, agent, headers: { ...(auth ? { authorization: auth } : {}), ...headers, ...(body ? { 'content-length': body.length } : {}) } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function parallel<T>(items: T[], n: number, fn: (t: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => { for (let t = queue.shift(); t; t = queue.shift()) await fn(t); }));
}

type Layer = { data: Buffer; digest: string };
const digestOf = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** Where a push's time goes, summed over its layer uploads (ms; three run at once): POST, PATCH (the bytes), PUT ?digest (verify, sync, commit). */
type Phases = { post: number; patch: number; put: number };

async function push(base: string, auth: string, repo: string, layers: Layer[], phases: Phases) {
  await parallel(layers, 3, async (l) => {
    let t = performance.now();
    const lap = (k: keyof Phases) => {
      const now = performance.now();
      phases[k] += now - t;
      t = now;
    };
    const start = await request(base, auth, 'POST', `/v2/${repo}/blobs/uploads/`);
    lap('post');
    const loc = start.headers.location!;
    const patch = await request(base, auth, 'PATCH', loc, l.data, { 'content-type': 'application/octet-stream' });
    lap('patch');
    const next = patch.headers.location!;
    const put = await request(base, auth, 'PUT', `${next}${next.includes('?') ? '&' : '?'}digest=${l.digest}`);
    lap('put');
    if (put.status !== 201) throw new Error(`blob put ${put.status} on ${base}`);
  });
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const cd = digestOf(config);
  const st = await request(base, auth, 'POST', `/v2/${repo}/blobs/uploads/`);
  const loc = st.headers.location!;
  const s = await request(base, auth, 'PUT', `${loc}${loc.includes('?') ? '&' : '?'}digest=${cd}`, config, { 'content-type': 'application/octet-stream' });
  if (s.status !== 201) throw new Error(`config push ${s.status}`);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: cd, size: config.length },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: l.digest, size: l.data.length })),
  }));
  const m = await request(base, auth, 'PUT', `/v2/${repo}/manifests/latest`, manifest, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' });
  if (m.status !== 201) throw new Error(`manifest put ${m.status}`);
}

async function pull(base: string, auth: string, repo: string, layers: Layer[]) {
  const m = await request(base, auth, 'GET', `/v2/${repo}/manifests/latest`, undefined, { accept: 'application/vnd.docker.distribution.manifest.v2+json' });
  if (m.status !== 200) throw new Error(`manifest get ${m.status}`);
  await parallel(layers, 3, async (l) => {
    const r = await request(base, auth, 'GET', `/v2/${repo}/blobs/${l.digest}`);
    if (r.bytes !== l.data.length) throw new Error(`short blob from ${base}: ${r.bytes}`);
  });
}

async function main() {
  const rounds = arg('rounds', 3);
  const layerBytes = arg('layer-mb', 50) * 1024 * 1024;
  const nLayers = arg('layers', 4);
  const work = mkdtempSync(join(tmpdir(), 'wharf-bench-registry-'));
  const distConfig = join(work, 'config.yml');
  writeFileSync(distConfig, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(work, 'dist')}\nhttp:\n  addr: 127.0.0.1:0\n`);
  // distribution prints no address for port 0, so pick one by binding briefly.
  const port = await new Promise<number>((r) => { const s = http.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });
  writeFileSync(distConfig, `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${join(work, 'dist')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const dist = await startChild('/usr/bin/docker-registry', ['serve', distConfig], (l) => (l.includes('listening on') ? '' : undefined));
  const wharfDir = join(work, 'wharf');
  (await import('node:fs')).mkdirSync(wharfDir);
  const wharf = await startChild(process.execPath, [...(process.env.BENCH_SERVER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROF}`] : []), import.meta.filename, '--serve', wharfDir], (l) => (l.startsWith('http://') ? l : undefined));
  const [wharfUrl, password] = wharf.info.split(' ') as [string, string];
  const targets = [
    { name: 'wharf', pid: wharf.proc.pid!, base: wharfUrl, auth: 'Basic ' + Buffer.from(`AWS:${password}`).toString('base64'), push: [] as number[], pull: [] as number[], pushCpu: [] as number[], pullCpu: [] as number[], phases: { post: 0, patch: 0, put: 0 } },
    { name: 'distribution', pid: dist.proc.pid!, base: `http://127.0.0.1:${port}`, auth: '', push: [] as number[], pull: [] as number[], pushCpu: [] as number[], pullCpu: [] as number[], phases: { post: 0, patch: 0, put: 0 } },
  ];
  const mb = (nLayers * layerBytes) / 1e6;
  try {
    for (let round = 0; round < rounds; round++) {
      const layers = Array.from({ length: nLayers }, () => { const data = randomBytes(layerBytes); return { data, digest: digestOf(data) }; });
      for (const t of round % 2 ? [...targets].reverse() : targets) {
        const repo = 'bench';
        let t0 = performance.now();
        let c0 = serverCpuMs(t.pid);
        let m0 = serverCpuMs(t.pid, t.pid);
        await push(t.base, t.auth, repo, layers, t.phases);
        t.push.push(mb / ((performance.now() - t0) / 1000));
        t.pushCpu.push(serverCpuMs(t.pid) - c0);
        if (process.env.BENCH_VERBOSE) console.log(t.name, 'push server', serverCpuMs(t.pid) - c0, 'main', serverCpuMs(t.pid, t.pid) - m0);
        m0 = serverCpuMs(t.pid, t.pid);
        t0 = performance.now();
        c0 = serverCpuMs(t.pid);
        const u0 = process.cpuUsage();
        await pull(t.base, t.auth, repo, layers);
        const u = process.cpuUsage(u0);
        if (process.env.BENCH_VERBOSE) console.log(t.name, 'pull client cpu', ((u.user + u.system) / 1000).toFixed(0), 'server', serverCpuMs(t.pid) - c0, 'main', serverCpuMs(t.pid, t.pid) - m0);
        t.pull.push(mb / ((performance.now() - t0) / 1000));
        t.pullCpu.push(serverCpuMs(t.pid) - c0);
      }
      for (const l of layers) l.data = Buffer.alloc(0);
    }
  } finally {
    dist.proc.kill();
    wharf.proc.kill();
    agent.destroy();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`registry benchmark: ${nLayers} layers x ${layerBytes / 1048576} MiB = ${mb.toFixed(0)} MB per image, ${rounds} rounds, median`);
  for (const t of targets) {
    const per = (ms: number) => (ms / (rounds * nLayers)).toFixed(0);
    const spread = (xs: number[]) => `(${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
    console.log(`  ${t.name.padEnd(13)} push ${median(t.push).toFixed(1).padStart(7)} MB/s ${spread(t.push)}   pull ${median(t.pull).toFixed(1).padStart(7)} MB/s ${spread(t.pull)}   ` +
      `per layer upload: POST ${per(t.phases.post)} ms, PATCH ${per(t.phases.patch)} ms, PUT ?digest ${per(t.phases.put)} ms   ` +
      `server CPU per image: push ${median(t.pushCpu).toFixed(0)} ms, pull ${median(t.pullCpu).toFixed(0)} ms`);
  }
  const [wh, di] = targets as [typeof targets[0], typeof targets[0]];
  // Each round's pair ran back to back, so its ratio is the least touched by the machine's load changing.
  const pairs = (k: 'push' | 'pull') => wh[k].map((w, i) => (w / di[k][i]!).toFixed(2)).join(' ');
  console.log(`  per round wharf/distribution: push ${pairs('push')}   pull ${pairs('pull')}`);
  console.log(`  ratio wharf/distribution: push ${(median(wh.push) / median(di.push)).toFixed(2)}   pull ${(median(wh.pull) / median(di.pull)).toFixed(2)}   (goal >= 1.00)`);
  rmSync(work, { recursive: true, force: true });
}

if (args[0] === '--serve') {
  // Exits on SIGTERM (rather than dying of it), so a profile taken with --cpu-prof is written.
  process.on('SIGTERM', () => process.exit(0));
  await serveWharf();
}
else await main();
