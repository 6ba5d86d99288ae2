// Sockets opened inside a container's network namespace by the agent's long-lived helper: TCP listeners and UDP
// sockets that the container reaches on its own loopback, an address added to that loopback first, per-socket
// errors, and a clear refusal for a process that does not exist.
import { execFile } from 'node:child_process';
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenInNamespace, namespaceObstacle, socketsInNamespace } from '../../src/agent/metadata/netns.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { runtime } from './setup.js';

const run = promisify(execFile);
const LABEL = 'wharf.test.namespace-sockets=1';
let id = '';
let pid = 0;
const opened: (Server | UdpSocket)[] = [];
const inside = async (cmd: string) => (await run('docker', ['exec', id, 'sh', '-c', cmd])).stdout;

describe.skipIf(namespaceObstacle() !== undefined)('sockets in a task namespace', () => {
  beforeAll(async () => {
    await ensureBusybox(runtime);
    id = (await run('docker', ['run', '-d', '--label', LABEL, '--network', 'none', BUSYBOX, 'sleep', '600'])).stdout.trim();
    pid = Number((await run('docker', ['inspect', '-f', '{{.State.Pid}}', id])).stdout.trim());
  });
  afterAll(async () => {
    for (const s of opened) s.close();
    await run('sh', ['-c', `docker ps -aq --filter label=${LABEL} | xargs -r docker rm -f`]);
  });

  it('serves TCP and UDP on the container\'s own loopback, one socket failing alone', async () => {
    const [tcp, udp, taken] = await socketsInNamespace(pid, [
      { kind: 'tcp', host: '127.0.0.1', port: 8181 },
      { kind: 'udp', host: '127.0.0.1', port: 5353 },
      { kind: 'tcp', host: '127.0.0.1', port: 8181 },
    ]);
    const server = tcp as Server;
    const dgram = udp as UdpSocket;
    opened.push(server, dgram);
    expect(taken).toBeInstanceOf(Error);
    expect((taken as Error).message).toMatch(/8181.*in use/i);
    server.on('connection', (c) => c.end('HTTP/1.0 200 OK\r\n\r\nfrom the agent\n'));
    expect(await inside('wget -qO- http://127.0.0.1:8181/')).toBe('from the agent\n');
    // The host's loopback does not have it: the socket is the namespace's.
    await expect(run('sh', ['-c', 'exec 3<>/dev/tcp/127.0.0.1/8181'], { shell: '/bin/bash' })).rejects.toThrow();
    expect(dgram.address().port).toBe(5353);
  });

  it('adds an address to the namespace\'s loopback first when asked (169.254.170.2), and refuses an unknown pid', async () => {
    const server = await listenInNamespace(pid, 80, { host: '169.254.170.2', addAddress: true });
    opened.push(server);
    server.on('connection', (c) => c.end('HTTP/1.0 200 OK\r\n\r\ncredentials\n'));
    expect(await inside('wget -qO- http://169.254.170.2/')).toBe('credentials\n');
    await expect(listenInNamespace(999_999_999, 80)).rejects.toThrow(/cannot enter the network namespace of pid 999999999/);
  });
});
