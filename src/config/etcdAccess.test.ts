// Reaching a guarded etcd: user/password authentication, and TLS with client certificates (certificates made here
// with openssl, for 127.0.0.1). Through openStore with the spec `wharf server --etcd-*` builds.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { withEtcdAccess } from './options.js';
import { openStore, type StoreSpec } from '../store/open.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('etcd with users', () => {
  it('opens with --etcd-user and the password; refuses a wrong password, changing nothing', async () => {
    const etcd: EtcdCluster = await startEtcd(1);
    cleanups.push(() => etcd.stop());
    const admin = new Etcd3({ hosts: etcd.endpoints.map((e) => `http://${e}`) });
    await admin.user('root').create('s3cret');
    await admin.user('root').addRole('root');
    await admin.auth.authEnable({});
    admin.close();
    const spec: StoreSpec = { kind: 'etcd', endpoints: etcd.endpoints, namespace: 'auth/' };

    const store = await openStore(withEtcdAccess(spec, { user: 'root', password: 's3cret' }), { connectTimeoutMs: 5000 });
    await store.txn([], [{ type: 'put', key: 'k', value: 'v' }]);
    expect((await store.get('k'))?.value).toBe('v');
    await store.close();

    const wrong = await openStore(withEtcdAccess(spec, { user: 'root:nope' }), { connectTimeoutMs: 1000 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(wrong?.message).toMatch(/did not answer after \d+ attempts: .*(authentication failed|invalid)/i);
  }, 30_000);

  it('refuses etcd options without an etcd store, and a certificate without its key', () => {
    expect(() => withEtcdAccess({ kind: 'sqlite', path: '/x' }, { user: 'root:pw' })).toThrow(/need an etcd store/);
    expect(() => withEtcdAccess({ kind: 'etcd', endpoints: ['127.0.0.1:1'], namespace: '' }, { ca: 'ca.pem', cert: 'c.pem' })).toThrow(/go together/);
    expect(() => withEtcdAccess({ kind: 'etcd', endpoints: ['127.0.0.1:1'], namespace: '' }, { user: 'root' })).toThrow(/needs a password/);
  });
});

describe('etcd over TLS', () => {
  it('opens with --etcd-ca, --etcd-cert and --etcd-key against a member that requires client certificates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-etcd-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=wharf-test-ca', '-keyout', 'ca.key', '-out', 'ca.pem');
    writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
    for (const name of ['server', 'client']) {
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'san.cnf', '-out', `${name}.pem`);
    }
    const [client, peer] = [await freePort(), await freePort()];
    const proc: ChildProcess = spawn('etcd', [
      '--name=tls', `--data-dir=${join(dir, 'data')}`,
      `--listen-client-urls=https://127.0.0.1:${client}`, `--advertise-client-urls=https://127.0.0.1:${client}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=tls=http://127.0.0.1:${peer}`,
      `--cert-file=${join(dir, 'server.pem')}`, `--key-file=${join(dir, 'server.key')}`,
      `--trusted-ca-file=${join(dir, 'ca.pem')}`, '--client-cert-auth', '--log-level=error',
    ], { stdio: 'ignore' });
    cleanups.push(() => void proc.kill('SIGKILL'));
    const spec: StoreSpec = { kind: 'etcd', endpoints: [`127.0.0.1:${client}`], namespace: 'tls/' };
    const store = await openStore(
      withEtcdAccess(spec, { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key') }),
      { connectTimeoutMs: 20_000 },
    );
    await store.txn([], [{ type: 'put', key: 'k', value: 'over tls' }]);
    expect((await store.get('k'))?.value).toBe('over tls');
    await store.close();
    // Without a client certificate the member refuses.
    const refused = await openStore(withEtcdAccess(spec, { ca: join(dir, 'ca.pem') }), { connectTimeoutMs: 1000 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(refused?.message).toMatch(/did not answer/);
  }, 40_000);
});
