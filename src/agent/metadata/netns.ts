// Opens a listening socket inside another process's network namespace. Node cannot call setns(2): the long-lived
// helper of nsHelper.ts binds the socket there and hands it back over its IPC channel; where that helper cannot run,
// a short-lived Node child, entered into the namespace by nsenter(1), does the same. The agent then serves the socket
// from its own event loop. The socket pins the namespace, so close it when the task stops.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { Socket } from 'node:dgram';
import type { Server } from 'node:net';
import { delimiter, join } from 'node:path';
import { HelperUnavailableError, namespaceHelper } from './nsHelper.js';

// argv: port, host, and whether to give the namespace's loopback that address first (ECS's 169.254.170.2).
const CHILD = `
const [port, host, add] = process.argv.slice(1);
const fail = (error) => process.send({ error }, () => process.exit(1));
let ready = true;
if (add === '1') {
  try { require('node:child_process').execFileSync('ip', ['addr', 'add', host + '/32', 'dev', 'lo'], { stdio: 'pipe' }); }
  catch (e) { if (!String(e.stderr).includes('File exists')) { ready = false; fail(String(e.stderr || e.message).trim()); } }
}
if (ready) {
  const s = require('node:net').createServer();
  s.on('error', (e) => fail(e.message));
  s.listen({ host, port: Number(port) }, () => process.send('listening', s, () => process.exit(0)));
}
`;

/** Why this process cannot enter other network namespaces, or undefined when it can (root, with nsenter). */
export function namespaceObstacle(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'entering task network namespaces needs root';
  const found = (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, 'nsenter'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return found ? undefined : 'nsenter (util-linux) is not installed';
}

/**
 * A listener on `host:port` inside the namespace of `pid`; with `addAddress`, `host` is first added to the
 * namespace's loopback (for ECS's 169.254.170.2, which only that namespace sees).
 */
export async function listenInNamespace(pid: number, port: number, opts: { host?: string; addAddress?: boolean; timeoutMs?: number } = {}): Promise<Server> {
  const { host = '127.0.0.1', addAddress = false, timeoutMs = 15_000 } = opts;
  if (namespaceHelper.usable) {
    try {
      const [s] = await namespaceHelper.open(pid, [{ kind: 'tcp', host, port, addAddress }], timeoutMs);
      if (s instanceof Error) throw new Error(`cannot listen on ${host}:${port} in the namespace of pid ${pid}: ${s.message}`);
      return s as Server;
    } catch (err) {
      if (!(err instanceof HelperUnavailableError)) throw err;
    }
  }
  // A child that did not answer in time (a machine under load) is tried again: without its listener the task's
  // metadata endpoint would stay closed for the task's whole life.
  for (let attempt = 1; ; attempt++) {
    try {
      return await listenWithChild(pid, port, host, addAddress, timeoutMs);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof NamespaceTimeout)) throw err;
    }
  }
}

class NamespaceTimeout extends Error {}

/** The fallback: one nsenter'd Node child for one listener. */
function listenWithChild(pid: number, port: number, host: string, addAddress: boolean, timeoutMs: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/proc/${pid}/ns/net`, '--', process.execPath, '-e', CHILD, String(port), host, addAddress ? '1' : '0'], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new NamespaceTimeout(`no listener in the namespace of pid ${pid} after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (msg: unknown, handle: unknown) => {
      clearTimeout(timer);
      if (msg === 'listening' && handle) resolve(handle as Server);
      else reject(new Error(`cannot listen on ${host}:${port} in the namespace of pid ${pid}: ${(msg as { error?: string })?.error ?? 'no socket'}`));
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      // After a resolve this is a no-op; before one it says why nothing came back (no such pid, nsenter refused).
      reject(new Error(`cannot enter the network namespace of pid ${pid} (exit ${code}): ${stderr.trim()}`));
    });
  });
}

export interface NamespaceSocketSpec {
  kind: 'tcp' | 'udp';
  host: string;
  port: number;
}

const MANY = `
const specs = JSON.parse(process.argv[1]);
let i = 0;
const next = () => {
  if (i >= specs.length) return process.exit(0);
  const n = i++;
  const s = specs[n];
  const fail = (e) => process.send({ n, error: e.message }, undefined, next);
  if (s.kind === 'udp') {
    const d = require('node:dgram').createSocket('udp4');
    d.once('error', fail);
    d.bind(s.port, s.host, () => process.send({ n }, d, next));
  } else {
    const srv = require('node:net').createServer();
    srv.once('error', fail);
    srv.listen({ host: s.host, port: s.port }, () => process.send({ n }, srv, next));
  }
};
next();
`;

/**
 * Several sockets in one namespace with one child (a TCP listener or a bound UDP socket each): resolves with one
 * entry per spec, the socket or the error that spec met (an address in use fails that socket, not the others).
 */
export async function socketsInNamespace(pid: number, specs: NamespaceSocketSpec[], timeoutMs = 15_000): Promise<(Server | Socket | Error)[]> {
  if (namespaceHelper.usable) {
    try {
      return await namespaceHelper.open(pid, specs, timeoutMs);
    } catch (err) {
      if (!(err instanceof HelperUnavailableError)) throw err;
    }
  }
  return socketsWithChild(pid, specs, timeoutMs);
}

/** Starts the namespace helper now, so the first task does not wait for its interpreter. */
export function warmNamespaceHelper(): void {
  if (!namespaceObstacle()) namespaceHelper.warm();
}

/** The fallback: one nsenter'd Node child for all of them. */
function socketsWithChild(pid: number, specs: NamespaceSocketSpec[], timeoutMs: number): Promise<(Server | Socket | Error)[]> {
  return new Promise((resolve, reject) => {
    const out: (Server | Socket | Error | undefined)[] = specs.map(() => undefined);
    let got = 0;
    const child = spawn('nsenter', [`--net=/proc/${pid}/ns/net`, '--', process.execPath, '-e', MANY, JSON.stringify(specs)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no sockets in the namespace of pid ${pid} after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (msg: { n: number; error?: string }, handle: unknown) => {
      out[msg.n] = msg.error !== undefined || !handle ? new Error(msg.error ?? 'no socket') : (handle as Server | Socket);
      if (++got === specs.length) {
        clearTimeout(timer);
        resolve(out as (Server | Socket | Error)[]);
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (got < specs.length) reject(new Error(`cannot enter the network namespace of pid ${pid} (exit ${code}): ${stderr.trim()}`));
    });
  });
}
