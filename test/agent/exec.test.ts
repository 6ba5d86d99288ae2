// ECS Exec between the control plane's session relay (api/acs/exec.ts) and the agent's exec host (agent/exec.ts),
// against the real Docker Engine: a session opened with the client's TTY hint has its Docker exec created before the
// client joins, and the join runs that exec (with and without a TTY); a session nobody joins in time is dropped and
// its exec never runs; without the hint, or with a wrong one, the exec is made at the join as before.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecHost } from '../../src/agent/exec.js';
import { LABELS } from '../../src/agent/protocol.js';
import { ExecSessions } from '../../src/api/acs/exec.js';
import { presignGet } from '../../src/cli/execSigning.js';
import { WsClient } from '../../src/cli/wsClient.js';
import type { TaskRecord } from '../../src/domain/task.js';
import type { Tables } from '../../src/state/tables.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { removeLabelled } from '../support/cleanup.js';
import { runtime } from './setup.js';

const keys = { accessKeyId: 'AKIAWHARFEXECTEST001', secretAccessKey: 'exec-test-secret' };
const instanceKey = `exec-test-${randomBytes(4).toString('hex')}`;
const labels = { [LABELS.instanceArn]: `arn:aws:ecs:us-east-1:000000000000:container-instance/exec-test/${instanceKey}` };
const taskArn = `arn:aws:ecs:us-east-1:000000000000:task/default/${randomBytes(8).toString('hex')}`;
const docker = runtime.docker as Docker;
let containerId: string;
const servers: http.Server[] = [];
const hosts: ExecHost[] = [];
const relays: ExecSessions[] = [];

beforeAll(async () => {
  await ensureBusybox(runtime);
  const c = await docker.createContainer({ Image: BUSYBOX, Cmd: ['sleep', '3600'], Labels: labels });
  await c.start();
  containerId = c.id;
}, 120_000);

afterAll(async () => {
  for (const r of relays) r.close();
  for (const h of hosts) h.close();
  for (const s of servers) s.close();
  await removeLabelled(runtime, labels);
});

/** A relay and an agent's exec host wired as their channel would, the relay's stream served on a local port. */
async function pair(opts: { joinWithinMs?: number; prepareWithinMs?: number } = {}) {
  const toAgent: string[] = [];
  let relay!: ExecSessions;
  const host = new ExecHost({
    docker,
    containerId: (arn, name) => (arn === taskArn && name === 'main' ? containerId : undefined),
    send: (msg) => relay.fromAgent(instanceKey, msg),
    log: () => {},
    prepareWithinMs: opts.prepareWithinMs,
  });
  const server = http.createServer();
  relay = new ExecSessions({
    tables: {} as Tables,
    logger: { warn: () => {} } as never,
    secretFor: (id) => (id === keys.accessKeyId ? keys.secretAccessKey : undefined),
    baseUrl: () => `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    agentConnected: () => true,
    sendToAgent: (_key, msg) => {
      toAgent.push(msg.type);
      host.handle(msg);
      return true;
    },
    joinWithinMs: opts.joinWithinMs,
  });
  server.on('upgrade', (req, socket, head) => relay.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  hosts.push(host);
  relays.push(relay);
  const task = { instanceKey, task: { taskArn } } as unknown as TaskRecord;
  const open = (command: string, tty?: boolean) =>
    relay.open({ task, containerName: 'main', command, accessKeyId: keys.accessKeyId, now: new Date(), tty });
  return { host, relay, toAgent, open };
}

interface Joined {
  stdout: string;
  stderr: string;
  exitCode?: number;
  refused?: string;
}

/** Joins a session as `wharf exec` does (the start frame in the signed URL) and collects what it sees. */
function join(session: { streamUrl: string; tokenValue: string }, tty: boolean): Promise<Joined> {
  const url = presignGet(keys, 'us-east-1', session.streamUrl, { token: session.tokenValue, start: '1', tty: tty ? '1' : '0' });
  const seen: Joined = { stdout: '', stderr: '' };
  return new Promise((resolve) => {
    const ws: WsClient = new WsClient(url, {
      open: () => {},
      message: (text) => {
        const m = JSON.parse(text) as { type: string; data?: string; exitCode?: number };
        if (m.type === 'stdout') seen.stdout += Buffer.from(m.data!, 'base64').toString();
        else if (m.type === 'stderr') seen.stderr += Buffer.from(m.data!, 'base64').toString();
        else if (m.type === 'exit') {
          seen.exitCode = m.exitCode;
          ws.close();
        }
      },
      refused: (status, body) => (seen.refused = `${status} ${body.trim()}`),
      error: () => {},
      close: () => resolve(seen),
    });
  });
}

/** An exec's state as Docker has it (after it ends, too). */
async function execState(id: string): Promise<{ id: string; tty: boolean; running: boolean; pid: number; exitCode: number | null }> {
  const i = (await docker.getExec(id).inspect()) as unknown as { ProcessConfig: { tty: boolean }; Running: boolean; Pid: number; ExitCode: number | null };
  return { id, tty: i.ProcessConfig.tty, running: i.Running, pid: i.Pid, exitCode: i.ExitCode };
}

/** The container's execs not yet ended (Docker lists an exec with its container until it ends). */
async function execsOf() {
  return Promise.all(((await docker.getContainer(containerId).inspect()).ExecIDs ?? []).map(execState));
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for the prepared exec of a session to exist in Docker, not started, and returns it. */
async function preparedExec(before: Set<string>, tty: boolean) {
  return until('the prepared exec', async () => (await execsOf()).find((e) => !before.has(e.id) && e.tty === tty && e.pid === 0));
}

const knownExecs = async () => new Set((await execsOf()).map((e) => e.id));

describe('ECS Exec with the exec prepared as ExecuteCommand is answered', () => {
  it('runs the prepared one-shot exec when the client joins: stdout and stderr apart, the exit code', async () => {
    const { open, host, toAgent } = await pair();
    const before = await knownExecs();
    const s = open(`sh -c "echo out; echo err >&2; exit 3"`, false);
    const prepared = await preparedExec(before, false);
    expect(host.isPrepared(s.sessionId)).toBe(true);
    const seen = await join(s, false);
    expect(seen).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
    // The exec Docker ran is the one made before the join.
    expect(await execState(prepared.id)).toMatchObject({ running: false, exitCode: 3 });
    expect(toAgent).toEqual(['ExecPrepare', 'ExecStart']);
  }, 30_000);

  it('runs a prepared exec with a TTY', async () => {
    const { open } = await pair();
    const before = await knownExecs();
    const s = open(`sh -c "tty; exit 4"`, true);
    const prepared = await preparedExec(before, true);
    const seen = await join(s, true);
    expect(seen.stdout).toMatch(/^\/dev\/pts\/\d+\r\n$/);
    expect(seen.exitCode).toBe(4);
    expect(await execState(prepared.id)).toMatchObject({ running: false, exitCode: 4 });
  }, 30_000);

  it('drops a session nobody joins in time, and the agent its prepared exec, which never runs', async () => {
    const { open, host, toAgent } = await pair({ joinWithinMs: 300 });
    const before = await knownExecs();
    const s = open('touch /tmp/ran', false);
    const prepared = await preparedExec(before, false);
    await until('the prepared exec dropped', () => !host.isPrepared(s.sessionId));
    expect(toAgent).toEqual(['ExecPrepare', 'ExecClose']);
    const seen = await join(s, false);
    expect(seen.refused).toMatch(/^400 The session does not exist, has ended/);
    expect(await execState(prepared.id)).toMatchObject({ running: false, pid: 0, exitCode: null });
    const check = await join(open('ls /tmp/ran', undefined), false);
    expect(check.exitCode).not.toBe(0);
  }, 30_000);

  it('the agent drops a prepared exec nobody started by itself', async () => {
    const { host } = await pair({ prepareWithinMs: 300 });
    const before = await knownExecs();
    const sessionId = `ecs-execute-command-${randomBytes(9).toString('hex')}`;
    host.handle({ type: 'ExecPrepare', sessionId, taskArn, containerName: 'main', command: ['true'], tty: false });
    await preparedExec(before, false);
    expect(host.isPrepared(sessionId)).toBe(true);
    await until('the prepared exec dropped', () => !host.isPrepared(sessionId));
  }, 30_000);

  it('without the hint, or with a wrong one, makes the exec at the join as before', async () => {
    const { open, toAgent } = await pair();
    const before = await knownExecs();
    const plain = await join(open('echo plain', undefined), false);
    expect(plain).toEqual({ stdout: 'plain\n', stderr: '', exitCode: 0 });
    expect(toAgent).toEqual(['ExecStart']);
    // Hinted without a TTY, joined with one: the joined session gets its TTY from a new exec.
    const s = open(`sh -c "tty"`, false);
    const prepared = await preparedExec(before, false);
    const seen = await join(s, true);
    expect(seen.stdout).toMatch(/^\/dev\/pts\/\d+\r\n$/);
    expect(seen.exitCode).toBe(0);
    expect(await execState(prepared.id)).toMatchObject({ running: false, pid: 0, exitCode: null });
  }, 30_000);
});
