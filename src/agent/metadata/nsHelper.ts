// One long-lived helper that opens sockets inside task network namespaces, so that a task's start does not pay for a
// new process per listener. Node cannot call setns(2); Python can, through libc (ctypes), and starts in a fraction of
// Node's time. The helper is spawned once with Node's IPC channel and speaks its protocol: each socket goes back as a
// NODE_HANDLE message with the descriptor attached (SCM_RIGHTS), which Node turns into a net.Server or dgram.Socket,
// exactly as when a Node child sends one. Per request it enters the namespace, binds, and returns to its own.
// Where there is no python3 (or the helper dies), netns.ts falls back to one nsenter'd Node child per request.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:dgram';
import type { Server } from 'node:net';

export interface HelperSocketSpec {
  /** A TCP listener, a bound UDP socket, or a TCP connection made from inside the namespace (a net.Socket). */
  kind: 'tcp' | 'udp' | 'connect';
  host: string;
  port: number;
  /** Add `host` to the namespace's loopback first (ECS's 169.254.170.2, which only that namespace sees). */
  addAddress?: boolean;
}

const SCRIPT = String.raw`
import array, ctypes, json, os, socket, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
home = os.open('/proc/self/ns/net', os.O_RDONLY)
chan = socket.socket(fileno=int(os.environ['NODE_CHANNEL_FD']))
buf = b''
queued = []

def read():
    global buf
    while b'\n' not in buf:
        data = chan.recv(65536)
        if not data:
            sys.exit(0)
        buf += data
    line, _, buf = buf.partition(b'\n')
    return json.loads(line)

def request():
    while True:
        m = queued.pop(0) if queued else read()
        if not (isinstance(m, dict) and str(m.get('cmd', '')).startswith('NODE_')):
            return m

def send(obj, fd=None):
    data = (json.dumps(obj) + '\n').encode()
    if fd is None:
        chan.sendall(data)
        return
    chan.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [fd]))])
    # Node sends no second handle before the first is acknowledged; neither does this.
    while True:
        m = read()
        if isinstance(m, dict) and m.get('cmd') in ('NODE_HANDLE_ACK', 'NODE_HANDLE_NACK'):
            return
        queued.append(m)

def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))

def open_one(s):
    if s.get('addAddress'):
        r = subprocess.run(['ip', 'addr', 'add', s['host'] + '/32', 'dev', 'lo'], capture_output=True, text=True)
        if r.returncode != 0 and 'File exists' not in r.stderr:
            raise OSError(0, r.stderr.strip() or 'ip addr add failed')
    if s['kind'] == 'connect':
        # Loopback inside the namespace accepts or refuses at once; only a full accept queue drops the SYN, and the
        # helper, one request at a time, must not wait the second a retransmission takes: the caller goes another way.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.settimeout(0.05)
            sock.connect((s['host'], s['port']))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            sock.close()
            raise
        return sock
    udp = s['kind'] == 'udp'
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
    try:
        if not udp:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((s['host'], s['port']))
        if not udp:
            sock.listen(511)
    except OSError:
        sock.close()
        raise
    return sock

while True:
    m = request()
    rid, pid = m['id'], m['pid']
    try:
        ns = os.open('/proc/%d/ns/net' % pid, os.O_RDONLY)
    except OSError as e:
        send({'id': rid, 'error': 'cannot enter the network namespace of pid %d: %s' % (pid, e.strerror)})
        continue
    results = []
    try:
        setns(ns)
        for s in m['specs']:
            try:
                results.append(open_one(s))
            except OSError as e:
                results.append('%s %s:%s: %s' % ({'udp': 'bind', 'connect': 'connect'}.get(s['kind'], 'listen'), s['host'], s['port'], e.strerror or e))
    except OSError as e:
        results = None
        send({'id': rid, 'error': 'cannot enter the network namespace of pid %d: %s' % (pid, e.strerror)})
    finally:
        setns(home)
        os.close(ns)
    for n, r in enumerate(results or []):
        if isinstance(r, str):
            send({'id': rid, 'n': n, 'error': r})
        else:
            udp = r.type == socket.SOCK_DGRAM
            kind = 'dgram.Socket' if udp else 'net.Socket' if m['specs'][n]['kind'] == 'connect' else 'net.Server'
            send({'cmd': 'NODE_HANDLE', 'type': kind, 'dgramType': 'udp4', 'msg': {'id': rid, 'n': n}}, r.fileno())
            r.close()
`;

interface Waiting {
  out: (Server | Socket | Error | undefined)[];
  got: number;
  resolve: (v: (Server | Socket | Error)[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Thrown when the helper itself is missing or broken (not the namespace): the caller falls back. */
export class HelperUnavailableError extends Error {}

export class NamespaceHelper {
  private child?: ChildProcess;
  private unusable = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  get usable(): boolean {
    return !this.unusable;
  }

  /** Starts the helper ahead of the first task (its interpreter's start is then off every task's path). */
  warm(): void {
    if (!this.unusable) this.ensure();
  }

  /** One entry per spec, the socket or the error that spec met; rejects when the namespace cannot be entered. */
  open(pid: number, specs: HelperSocketSpec[], timeoutMs: number): Promise<(Server | Socket | Error)[]> {
    const child = this.unusable ? undefined : this.ensure();
    if (!child) return Promise.reject(new HelperUnavailableError('no namespace helper'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.idle();
        reject(new Error(`no sockets in the namespace of pid ${pid} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { out: specs.map(() => undefined), got: 0, resolve, reject, timer });
      child.channel?.ref();
      child.send({ id, pid, specs }, (err) => {
        if (err) this.fail(new HelperUnavailableError(`the namespace helper is gone: ${err.message}`));
      });
    });
  }

  private ensure(): ChildProcess | undefined {
    if (this.child) return this.child;
    let child: ChildProcess;
    try {
      child = spawn('python3', ['-c', SCRIPT], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    } catch {
      this.unusable = true;
      return undefined;
    }
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    child.on('message', (msg: { id: number; n?: number; error?: string }, handle: unknown) => this.answer(msg, handle));
    child.on('error', (err) => {
      this.unusable = true;
      this.fail(new HelperUnavailableError(`the namespace helper cannot run: ${err.message}`));
    });
    child.on('exit', (code) => {
      this.child = undefined;
      // An exit with work outstanding is the helper's fault: use the fallback from now on.
      if (this.waiting.size > 0 || code !== 0) this.unusable = true;
      this.fail(new HelperUnavailableError(`the namespace helper exited (${code}): ${stderr.trim()}`));
    });
    child.unref();
    this.idle();
    return child;
  }

  private answer(msg: { id: number; n?: number; error?: string }, handle: unknown): void {
    const w = this.waiting.get(msg.id);
    if (!w) {
      (handle as { close?: () => void } | undefined)?.close?.();
      return;
    }
    if (msg.n === undefined) {
      this.settle(msg.id, w);
      w.reject(new Error(msg.error ?? 'the namespace helper refused'));
      return;
    }
    w.out[msg.n] = msg.error !== undefined || !handle ? new Error(msg.error ?? 'no socket') : (handle as Server | Socket);
    if (++w.got === w.out.length) {
      this.settle(msg.id, w);
      w.resolve(w.out as (Server | Socket | Error)[]);
    }
  }

  private settle(id: number, w: Waiting): void {
    clearTimeout(w.timer);
    this.waiting.delete(id);
    this.idle();
  }

  /** The channel keeps the agent's event loop alive only while a request is outstanding. */
  private idle(): void {
    if (this.waiting.size === 0) this.child?.channel?.unref();
  }

  private fail(err: Error): void {
    for (const [id, w] of [...this.waiting]) {
      this.settle(id, w);
      w.reject(err);
    }
  }
}

export const namespaceHelper = new NamespaceHelper();
