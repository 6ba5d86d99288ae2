// `wharf exec TASK [--container NAME] [--command CMD] [--interactive]`: ECS Exec without Amazon's
// session-manager-plugin. ExecuteCommand opens the session; its stream is a WebSocket on the gateway, presigned with
// SigV4 by the same key, which the control plane relays to the task's agent (api/acs/exec.ts). Interactive sessions
// get a TTY (this terminal in raw mode, its size followed); one-shot commands keep stdout and stderr apart. The
// command's exit code is this process's.
import { presignGet, signPost } from './execSigning.js';
import { HttpConnection } from './httpConnection.js';
import { WsClient } from './wsClient.js';

export interface ExecFlags {
  cluster?: string;
  container?: string;
  command: string;
  interactive: boolean;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Runs the session; resolves with the exit code to leave with (254 when the API refused, as the aws CLI). */
export async function execInTask(task: string, f: ExecFlags): Promise<number> {
  const body = { cluster: f.cluster, task, container: f.container, command: f.command, interactive: true };
  const res = await executeCommand(f, body);
  if (res.status !== 200) {
    const e = res.json as { __type?: string; message?: string };
    const code = (e.__type ?? `HTTP ${res.status}`).split('#').pop();
    process.stderr.write(`\nAn error occurred (${code}) when calling the ExecuteCommand operation: ${e.message ?? ''}\n`);
    res.conn.close();
    return 254;
  }
  const session = (res.json as { session: { streamUrl: string; tokenValue: string } }).session;
  // The start frame's content, signed with the rest: the command starts as the stream opens.
  // Only a TTY has a size; a one-shot command does not make process.stdout until it has output to write.
  const size: Record<string, string> = f.interactive && process.stdout.isTTY ? { cols: String(process.stdout.columns), rows: String(process.stdout.rows) } : {};
  const start = { start: '1', tty: f.interactive ? '1' : '0', ...size };
  const url = presignGet(f.credentials, f.region, session.streamUrl, { token: session.tokenValue, ...start });
  return relay(url, f.interactive, res.conn);
}

/**
 * ExecuteCommand as one signed JSON 1.1 POST. The SDK's ECS client would do the same, but loading it costs more than
 * the whole session, and `wharf exec` is a process per command. The connection stays open for the stream's upgrade.
 */
async function executeCommand(f: ExecFlags, body: object): Promise<{ status: number; json: unknown; conn: HttpConnection }> {
  const u = new URL(f.endpoint);
  const text = JSON.stringify(body);
  const headers = signPost(f.credentials, f.region, u.host, 'AmazonEC2ContainerServiceV20141113.ExecuteCommand', text);
  // Unsigned, a hint only: with it the agent creates the exec while this process opens the stream.
  headers['x-wharf-exec-tty'] = String(f.interactive);
  const conn = new HttpConnection(u.hostname, Number(u.port || 80));
  const res = await conn.request('POST', '/', headers, text);
  const raw = res.body.toString('utf8');
  let json: unknown = {};
  try {
    json = JSON.parse(raw);
  } catch {
    json = { message: raw };
  }
  if (!res.reusable) conn.close();
  return { status: res.status, json, conn };
}

/**
 * The session's stream. The start frame's content (tty, terminal size) rides in the signed URL, so the agent starts
 * the command as the connection opens; the exit frame ends the session here at once (no waiting on the close).
 */
function relay(url: string, interactive: boolean, conn: HttpConnection): Promise<number> {
  // A one-shot command leaves stdin alone: not even process.stdin is made (that builds a stream over the descriptor).
  const stdin = interactive ? process.stdin : undefined;
  const raw = stdin?.isTTY === true;
  return new Promise((resolve) => {
    let code = 255;
    let done = false;
    const size = () => ({ cols: process.stdout.columns, rows: process.stdout.rows });
    const send = (msg: object) => ws.send(JSON.stringify(msg));
    const onResize = () => send({ type: 'resize', ...size() });
    const onInput = (chunk: Buffer) => send({ type: 'stdin', data: chunk.toString('base64') });
    const finish = () => {
      if (done) return;
      done = true;
      if (stdin) {
        if (raw) stdin.setRawMode(false);
        stdin.off('data', onInput);
        stdin.pause();
        process.stdout.off('resize', onResize);
      }
      resolve(code);
    };
    const ws: WsClient = new WsClient(url, {
      open: () => {
        if (!stdin) return;
        if (raw) stdin.setRawMode(true);
        stdin.on('data', onInput);
        stdin.resume();
        process.stdout.on('resize', onResize);
      },
      message: (text) => {
        const msg = JSON.parse(text) as { type: string; data?: string; exitCode?: number; message?: string };
        if (msg.type === 'stdout') process.stdout.write(Buffer.from(msg.data!, 'base64'));
        else if (msg.type === 'stderr') process.stderr.write(Buffer.from(msg.data!, 'base64'));
        else if (msg.type === 'error') process.stderr.write(`${msg.message}\n`);
        else if (msg.type === 'exit') {
          // The session is over: the close frame goes out (a small write is made at once) and the process leaves
          // without waiting for the server's side of the close.
          code = msg.exitCode ?? 255;
          ws.close();
          finish();
        }
      },
      refused: (status, body) => process.stderr.write(`The session could not be joined: ${body.trim() || status}\n`),
      error: (err) => process.stderr.write(`The session ended: ${err.message}\n`),
      close: finish,
    }, conn);
  });
}
