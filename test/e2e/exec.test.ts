// ECS Exec under `wharf up`: `wharf exec` runs a one-shot command in a task's container (stdout and stderr apart, the
// exit code propagated, the session recorded in CloudWatch Logs as the cluster's executeCommandConfiguration asks),
// an interactive shell through a pseudo-terminal (`script`), and ECS's refusals.
import { spawn } from 'node:child_process';
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { WHARF_BIN, WHARF_ENV } from './harness.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp();

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the installed command (the file itself, as a shell runs it: its launcher, then Node). */
function wharf(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn(WHARF_BIN, args, { env: { ...WHARF_ENV, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    if (input !== undefined) p.stdin.end(input);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const wharfExec = (args: string[], input?: string, env?: NodeJS.ProcessEnv) =>
  wharf(['exec', ...args, '--endpoint-url', up.wharf.url], input, env);

/** Runs `wharf exec --interactive` inside a pseudo-terminal made by script(1), typing `lines` one at a time. */
function interactive(task: string, lines: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const cmd = `${WHARF_BIN} exec ${task} --interactive --command /bin/sh --endpoint-url ${up.wharf.url}`;
    const p = spawn('script', ['-qefc', cmd, '/dev/null'], { env: { ...WHARF_ENV, TERM: 'xterm' } });
    let stdout = '';
    let stderr = '';
    let next = 0;
    let seen = 0;
    // Type the next line once the shell shows a new prompt ('# ' as root): input is never sent before it is read.
    p.stdout.on('data', (d) => {
      stdout += d;
      if (next < lines.length && stdout.indexOf('# ', seen) >= 0) {
        seen = stdout.length;
        p.stdin.write(lines[next++] + '\r');
      }
    });
    const timer = setTimeout(() => {
      stderr += `\n[no exit after 60 s; output so far: ${JSON.stringify(stdout)}]`;
      p.kill();
    }, 60_000);
    p.on('exit', () => clearTimeout(timer));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function runTask(family: string, enableExecuteCommand: boolean): Promise<string> {
  const out = await up.ecs.send(new RunTaskCommand({ taskDefinition: family, enableExecuteCommand }));
  const arn = out.tasks![0]!.taskArn!;
  await expect
    .poll(async () => (await up.ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!.lastStatus, { timeout: 60_000, interval: 300 })
    .toBe('RUNNING');
  return arn;
}

describe('wharf exec', () => {
  let task = '';

  it('runs a one-shot command: output, exit code, and the session recorded in CloudWatch Logs', async () => {
    await up.wharf.aws('logs', 'create-log-group', '--log-group-name', 'exec-sessions');
    await up.wharf.aws('ecs', 'update-cluster', '--cluster', 'default', '--configuration',
      JSON.stringify({ executeCommandConfiguration: { logging: 'OVERRIDE', logConfiguration: { cloudWatchLogGroupName: 'exec-sessions' } } }));
    await up.wharf.aws('ecs', 'register-task-definition', '--cli-input-json', JSON.stringify({
      family: 'exec-shell',
      containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 32, stopTimeout: 1, command: ['sleep', '3600'] }],
    }));
    task = await runTask('exec-shell', true);

    const r = await wharfExec([task.split('/').pop()!, '--command', `sh -c "echo out-$((6*7)); echo err >&2; exit 3"`]);
    expect(r.stdout).toBe('out-42\n');
    expect(r.stderr).toBe('err\n');
    expect(r.code).toBe(3);

    const streams = await up.wharf.aws('logs', 'describe-log-streams', '--log-group-name', 'exec-sessions');
    expect(streams.logStreams).toHaveLength(1);
    expect(streams.logStreams[0].logStreamName).toMatch(/^ecs-execute-command-[0-9a-f]+$/);
    const events = await up.wharf.aws('logs', 'get-log-events', '--log-group-name', 'exec-sessions', '--log-stream-name', streams.logStreams[0].logStreamName);
    expect(events.events.map((e: { message: string }) => e.message)).toEqual(expect.arrayContaining(['out-42', 'err']));
  }, 180_000);

  it('leaves NODE_EXTRA_CA_CERTS out of a session to an http endpoint only (Node 20 reads it at every start)', async () => {
    // A file that cannot be read: Node 20 warns as it starts whenever the variable reaches it.
    const env = { NODE_EXTRA_CA_CERTS: '/nonexistent/wharf-test-ca.pem' };
    const warning = 'Ignoring extra certs from `/nonexistent/wharf-test-ca.pem`';
    const http = await wharfExec([task, '--command', 'echo ok'], undefined, env);
    expect(http).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(http.stderr).not.toContain(warning);
    if (Number(process.versions.node.split('.')[0]) < 22) {
      // Node 22 reads the file only when a TLS connection needs it, so only Node 20 shows who kept the variable.
      expect((await wharf(['version'], undefined, env)).stderr).toContain(warning);
      const https = await wharf(['exec', task, '--command', 'true', '--endpoint-url', 'https://127.0.0.1:9'], undefined, env);
      expect(https.code).not.toBe(0);
      expect(https.stderr).toContain(warning);
    }
  }, 60_000);

  it('opens an interactive shell with a TTY through a pseudo-terminal', async () => {
    const r = await interactive(task, ['tty', 'echo hello-$((6*7))', 'exit 5']);
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(r.stdout).toContain('hello-42');
    expect(r.code).toBe(5);
  }, 120_000);

  it('is refused as ECS refuses it: exec not enabled, a task not RUNNING, an unknown container', async () => {
    const plain = await runTask('exec-shell', false);
    const notEnabled = await wharfExec([plain, '--command', 'true']);
    expect(notEnabled.code).toBe(254);
    expect(notEnabled.stderr).toContain(
      'An error occurred (InvalidParameterException) when calling the ExecuteCommand operation: The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again.',
    );

    const noSuch = await wharfExec([task, '--container', 'nope', '--command', 'true']);
    expect(noSuch.code).toBe(254);
    expect(noSuch.stderr).toContain('The container nope does not exist in the task.');

    await up.ecs.send(new StopTaskCommand({ task }));
    await up.ecs.send(new StopTaskCommand({ task: plain }));
    await expect
      .poll(async () => (await up.ecs.send(new DescribeTasksCommand({ tasks: [task] }))).tasks![0]!.lastStatus, { timeout: 60_000, interval: 300 })
      .toBe('STOPPED');
    const stopped = await wharfExec([task, '--command', 'true']);
    expect(stopped.code).toBe(254);
    expect(stopped.stderr).toContain('(InvalidParameterException)');
    expect(stopped.stderr).toContain('Execute command is only supported on tasks in RUNNING status.');
  }, 180_000);
});
