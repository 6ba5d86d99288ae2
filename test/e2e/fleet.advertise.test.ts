// Replicas listening on every interface (--host 0.0.0.0) hand each other, agents and clients an address they can
// reach: the leader's URL that followers forward placements to, repository URIs, exec stream URLs. Given with
// --advertise-address; without it, the host's first address that is not loopback, never the wildcard itself (a
// follower handed 0.0.0.0 would reach itself). A wildcard given as the advertised address is refused before
// anything listens.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdCluster } from '../support/etcd.js';
import { startWharf, tempDir, waitUntil, WHARF_BIN, WHARF_ENV, type Wharf } from './harness.js';

const ENV = { WHARF_SEALING_KEY: randomBytes(32).toString('base64'), WHARF_LEADER_LEASE_SECONDS: '3', WHARF_LB_WORKERS: '0' };

let etcd: EtcdCluster;
let store = '';
const replicas: Wharf[] = [];

interface Ready {
  role: 'leader' | 'follower';
  leader?: { replica: string; url: string };
}

/** The replica's loopback URL: tests reach a wildcard listener on 127.0.0.1 only. */
const local = (w: Wharf) => `http://127.0.0.1:${new URL(w.url).port}`;
const ready = async (w: Wharf): Promise<Ready> => (await fetch(`${local(w)}/ready`, { signal: AbortSignal.timeout(5000) })).json() as Promise<Ready>;
/** The `wharf is listening` line's fields. */
const listening = (w: Wharf) => JSON.parse(w.output.find((l) => l.includes('"wharf is listening"'))!) as { url: string; advertised?: string };

beforeAll(async () => {
  etcd = await startEtcd(1);
  store = `etcd://${etcd.endpoints.join(',')}/wharf-${randomBytes(3).toString('hex')}`;
  const args = ['--store', store, '--dns-address', '127.0.0.1:0', '--host', '0.0.0.0', '--advertise-address', '127.0.0.1', '--blob-dir', tempDir('wharf-shared-blobs-')];
  replicas.push(...(await Promise.all([0, 1].map(() => startWharf({ mode: 'server', args, env: ENV })))));
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await etcd?.stop();
}, 60_000);

describe('--advertise-address', () => {
  it('names the leader by its advertised address on every replica, and gives clients URIs on it', async () => {
    for (const w of replicas) expect(listening(w)).toMatchObject({ url: expect.stringMatching(/^http:\/\/0\.0\.0\.0:\d+$/), advertised: `${local(w)}` });
    const states = await waitUntil(() => Promise.all(replicas.map(ready)), (s) => s.filter((r) => r.role === 'leader').length === 1 && s.every((r) => r.leader?.url), 30_000);
    const leader = replicas[states.findIndex((r) => r.role === 'leader')]!;
    const follower = replicas.find((w) => w !== leader)!;
    for (const s of states) expect(s.leader!.url).toBe(local(leader));

    // The follower's repository URI is its own advertised host and port (docker push goes there).
    const created = await follower.aws('ecr', 'create-repository', '--repository-name', 'advertised');
    expect(created.repository.repositoryUri).toBe(`127.0.0.1:${new URL(follower.url).port}/advertised`);
  }, 60_000);

  it('without it, advertises this host\'s own address rather than the wildcard', async () => {
    const w = await startWharf({ mode: 'server', args: ['--store', store, '--dns-address', '127.0.0.1:0', '--host', '0.0.0.0'], env: ENV });
    replicas.push(w);
    const advertised = new URL(listening(w).advertised!).hostname;
    expect(advertised).not.toBe('0.0.0.0');
    expect(advertised).toMatch(/^[0-9.]+$|^\[[0-9a-f:]+\]$/);
  }, 60_000);

  it('refuses a wildcard or an empty address before anything listens', async () => {
    for (const bad of ['0.0.0.0', '::', ' ']) {
      const p = spawn(process.execPath, [WHARF_BIN, 'server', '--port', '0', '--data-dir', tempDir(), '--advertise-address', bad], { env: WHARF_ENV });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((done) => p.on('close', done));
      expect(code).not.toBe(0);
      expect(out).toContain(`invalid advertise address (an address or host name others can reach expected): ${bad}`);
      expect(out).not.toContain('wharf is listening');
    }
  }, 60_000);
});
