// `wharf exec TASK [--container NAME] [--command CMD] [--interactive]`: ECS Exec without Amazon's
// session-manager-plugin. ExecuteCommand opens the session; its stream is a WebSocket on the gateway, presigned with
// SigV4 by the same key, which the control plane relays to the task's agent (api/acs/exec.ts). Interactive sessions
// get a TTY (this terminal in raw mode, its size followed); one-shot commands keep stdout and stderr apart. The
// command's exit code is this process's.
import { ECSClient, ExecuteCommandCommand } from '@aws-sdk/client-ecs';
import WebSocket from 'ws';
import { presignChannelUrl } from '../agent/channel/signing.js';

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
  const ecs = new ECSClient({ endpoint: f.endpoint, region: f.region, credentials: f.credentials, maxAttempts: 1 });
  let session: { streamUrl?: string; tokenValue?: string } | undefined;
  try {
    const out = await ecs.send(
      new ExecuteCommandCommand({ cluster: f.cluster, task, container: f.container, command: f.command, interactive: true }),
    );
    session = out.session;
  } catch (err) {
    const e = err as { name?: string; message?: string };
    process.stderr.write(`\nAn error occurred (${e.name}) when calling the ExecuteCommand operation: ${e.message}\n`);
    return 254;
  } finally {
    ecs.destroy();
  }
  const url = await presignChannelUrl(session!.streamUrl!, { token: session!.tokenValue! }, f.credentials, f.region);
  return relay(url, f.interactive);
}

function relay(url: string, interactive: boolean): Promise<number> {
  const stdin = process.stdin;
  const tty = interactive;
  const raw = interactive && stdin.isTTY;
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let code = 255;
    const send = (msg: object) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(msg));
    const size = () => ({ cols: process.stdout.columns, rows: process.stdout.rows });
    const onResize = () => send({ type: 'resize', ...size() });
    const onInput = (chunk: Buffer) => send({ type: 'stdin', data: chunk.toString('base64') });
    ws.on('open', () => {
      send({ type: 'start', tty, ...(process.stdout.isTTY ? size() : {}) });
      if (!interactive) return;
      if (raw) stdin.setRawMode(true);
      stdin.on('data', onInput);
      stdin.resume();
      process.stdout.on('resize', onResize);
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: string; data?: string; exitCode?: number; message?: string };
      if (msg.type === 'stdout') process.stdout.write(Buffer.from(msg.data!, 'base64'));
      else if (msg.type === 'stderr') process.stderr.write(Buffer.from(msg.data!, 'base64'));
      else if (msg.type === 'error') process.stderr.write(`${msg.message}\n`);
      else if (msg.type === 'exit') code = msg.exitCode ?? 255;
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => process.stderr.write(`The session could not be joined: ${body.trim() || res.statusCode}\n`));
    });
    ws.on('error', (err) => process.stderr.write(`The session ended: ${err.message}\n`));
    ws.on('close', () => {
      if (raw) stdin.setRawMode(false);
      stdin.off('data', onInput);
      stdin.pause();
      process.stdout.off('resize', onResize);
      resolve(code);
    });
  });
}
