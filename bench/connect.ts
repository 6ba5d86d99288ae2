// Service Connect against a direct call, in the same run: a client task calls the server service through its
// client alias (the task's resolver answers the alias with an address of the task's own namespace, where the agent
// balances each connection over the server's tasks) against the same load generator calling the server task's
// address directly from the host. The direct call goes through the port Docker publishes (its userland proxy); the
// alias's relay reaches a server task on the same host inside its namespace, so each path has one proxy in it. Each
// hop's CPU time per request (from /proc) is printed too: unlike requests/s, it holds still on a loaded host. The load generator (bench/connectLoad.ts) enters the client task's network namespace with nsenter;
// rounds alternate so load on the machine hits both alike. Needs root (nsenter), like the agent's relays.
// The server is Node's http (keep-alive: each of the generator's connections is relayed once and then carries
// many requests, so the difference is the relay's cost per request) or, with --server busybox, busybox httpd (a fork
// and a new connection per request: the relay's cost per connection, under a server that costs far more).
// Run: npm run build && node dist/bench/connect.js [--rounds 3] [--duration 5] [--connections 16] [--server node|busybox]
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateServiceCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, UpdateClusterCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { LABELS } from '../src/agent/protocol.js';
import { DockerRuntime } from '../src/agent/runtime/docker.js';
import { BUSYBOX, ensureBusybox, ensureNodeSdk, NODE_SDK } from '../test/support/images.js';
import { arg, connectedInstance, median, serverCpuMs, startServer } from './support.js';

const run = promisify(execFile);
const rounds = arg('rounds', 3);
const duration = arg('duration', 5);
const connections = arg('connections', 16);
const serverKind = arg('server', 'node');
const creds = { accessKeyId: 'AKIAWHARFBENCH000017', secretAccessKey: 'wharf-bench-secret' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = resolve(import.meta.dirname, 'connectLoad.js');
const awsvpc = { awsvpcConfiguration: { subnets: ['subnet-a'] } };

interface Figures {
  rps: number;
  mean: number;
  p99: number;
  bad: number;
  /** Requests in the round (rps times its duration). */
  total: number;
  /** CPU time per request (user + system) of the relay process, of `wharf up` itself, and of Docker's proxy, in µs. */
  relayUs: number;
  wharfUs: number;
  proxyUs: number;
}

/** The pids of the processes whose command line passes `test`. */
function processes(test: (cmdline: string, ppid: number) => boolean): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (test(readFileSync(`/proc/${d}/cmdline`, 'utf8'), ppid)) pids.push(Number(d));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Runs one round of load and adds the CPU time per request of the relay's process and of Docker's proxy. */
async function timed(round: () => Promise<Omit<Figures, 'relayUs' | 'wharfUs' | 'proxyUs' | 'total'>>, relays: number[], proxies: number[]): Promise<Figures> {
  const sum = (pids: number[]) => pids.reduce((s, p) => s + serverCpuMs(p), 0);
  const cpu = () => [sum(relays.slice(1)), serverCpuMs(relays[0]!), sum(proxies)];
  const [r0, w0, p0] = cpu();
  const f = await round();
  const [r1, w1, p1] = cpu();
  const total = Math.max(1, f.rps * duration);
  const per = (a: number, b: number) => ((b - a) * 1000) / total;
  return { ...f, total, relayUs: per(r0!, r1!), wharfUs: per(w0!, w1!), proxyUs: per(p0!, p1!) };
}

async function main() {
  const runtime = new DockerRuntime();
  await ensureBusybox(runtime);
  if (serverKind === 'node') await ensureNodeSdk(runtime);
  // A /24 of its own for the task addresses, away from other Wharf processes on the machine.
  const pool = `127.1.${100 + Math.floor(Math.random() * 150)}.0/24`;
  const { url, proc } = await startServer({ credentials: creds, command: 'up', env: { WHARF_TASK_ADDRESS_POOL: pool } });
  let instanceArn = '';
  process.on('exit', () => proc.kill('SIGKILL')); // never leave `wharf up` behind, even when the bench fails
  try {
    const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
    instanceArn = await connectedInstance(ecs);
    const env = { ...process.env, AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1' };
    await run('/usr/bin/aws', ['servicediscovery', 'create-http-namespace', '--name', 'bench', '--endpoint-url', url], { env });
    await ecs.send(new UpdateClusterCommand({ cluster: 'default', serviceConnectDefaults: { namespace: 'bench' } }));
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'bench-server', networkMode: 'awsvpc',
      containerDefinitions: [serverKind === 'node'
        ? {
          name: 'web', image: NODE_SDK, memory: 128, stopTimeout: 1,
          command: [realpathSync(process.execPath), '-e', "require('http').createServer((q, s) => s.end('hello\\n')).listen(8080)"],
          portMappings: [{ name: 'http', containerPort: 8080 }],
        }
        : {
          name: 'web', image: BUSYBOX, memory: 64, stopTimeout: 1,
          command: ['sh', '-c', 'mkdir -p /w && echo hello > /w/index.html && exec httpd -f -p 8080 -h /w'],
          portMappings: [{ name: 'http', containerPort: 8080 }],
        }],
    }));
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'bench-client', networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 16, stopTimeout: 1, command: ['sleep', '3600'] }],
    }));
    await ecs.send(new CreateServiceCommand({
      serviceName: 'server', taskDefinition: 'bench-server', desiredCount: 1, networkConfiguration: awsvpc,
      serviceConnectConfiguration: { enabled: true, services: [{ portName: 'http', clientAliases: [{ port: 80, dnsName: 'server' }] }] },
    }));
    await ecs.send(new CreateServiceCommand({
      serviceName: 'client', taskDefinition: 'bench-client', desiredCount: 1, networkConfiguration: awsvpc, serviceConnectConfiguration: { enabled: true },
    }));
    const running = async (name: string): Promise<Task> => {
      for (;;) {
        const arns = (await ecs.send(new ListTasksCommand({ serviceName: name }))).taskArns!;
        const t = arns.length ? (await ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks![0] : undefined;
        if (t?.lastStatus === 'RUNNING') return t;
        await sleep(200);
      }
    };
    const server = await running('server');
    const client = await running('client');
    const serverAddress = server.attachments![0]!.details!.find((d) => d.name === 'privateIPv4Address')!.value!;
    const pid = (await run('docker', ['inspect', '-f', '{{.State.Pid}}', client.containers![0]!.runtimeId!])).stdout.trim();
    const common = ['--connections', String(connections), '--duration', String(duration)];
    const proxies = processes((cmd) => cmd.includes('docker-proxy') && cmd.includes(`\0${serverAddress}\0`));
    const viaAlias = async () => timed(async () => JSON.parse((await run('nsenter', [`--net=/proc/${pid}/ns/net`, '--', process.execPath, load, '--target', 'server', '--port', '80', ...common])).stdout), relays, proxies);
    const direct = async () => timed(async () => JSON.parse((await run(process.execPath, [load, '--target', serverAddress, '--port', '8080', ...common])).stdout), relays, proxies);
    // The alias is pushed to the agent a moment after the client starts: wait until it answers.
    for (let i = 0; ; i++) {
      try {
        await run('nsenter', [`--net=/proc/${pid}/ns/net`, '--', process.execPath, load, '--target', 'server', '--port', '80', '--connections', '1', '--duration', '1']);
        break;
      } catch (err) {
        if (i > 50) throw err;
        await sleep(500);
      }
    }

    // `wharf up` and the relay process it starts at the first alias listener (relayWorker.js).
    const relays = [proc.pid!, ...processes((cmd, ppid) => ppid === proc.pid && cmd.includes('relayWorker'))];
    const alias: Figures[] = [];
    const plain: Figures[] = [];
    for (let i = 0; i < rounds; i++) {
      alias.push(await viaAlias());
      plain.push(await direct());
    }
    const show = (xs: Figures[], k: keyof Figures) => xs.map((x) => x[k].toFixed(k === 'rps' ? 0 : 1)).join(', ');
    const a = { rps: median(alias.map((x) => x.rps)), mean: median(alias.map((x) => x.mean)), p99: median(alias.map((x) => x.p99)) };
    const d = { rps: median(plain.map((x) => x.rps)), mean: median(plain.map((x) => x.mean)), p99: median(plain.map((x) => x.p99)) };
    const what = serverKind === 'node' ? "Node's http, keep-alive" : 'busybox httpd: a new connection per request';
    console.log(`Service Connect: HTTP GET from a client task, ${connections} connections, ${duration} s a round, ${rounds} rounds each (${what})`);
    console.log(`  through the alias http://server/   req/s ${a.rps.toFixed(0)} (rounds: ${show(alias, 'rps')})   p99 ${a.p99.toFixed(1)} ms (${show(alias, 'p99')})`);
    console.log(`  direct ${serverAddress}:8080     req/s ${d.rps.toFixed(0)} (rounds: ${show(plain, 'rps')})   p99 ${d.p99.toFixed(1)} ms (${show(plain, 'p99')})`);
    console.log(`  ratio alias/direct req/s           ${(a.rps / d.rps).toFixed(2)}   (goal >= 0.7: ${a.rps / d.rps >= 0.7 ? 'met' : 'NOT met'})`);
    // Little's law: with a fixed number of connections, the time one request holds its connection is connections/rps
    // (autocannon's mean latency is skewed when busybox httpd closes every connection).
    console.log(`  overhead per request               ${((connections / a.rps - connections / d.rps) * 1e6).toFixed(0)} µs (connections/req/s, alias - direct)`);
    // CPU accounting (from /proc) is the load-proof figure: what each hop costs the machine per request, whatever
    // else runs. `wharf up` (control plane and agent) is shown apart: its own work goes on whatever the traffic.
    const us = (xs: Figures[], k: 'relayUs' | 'wharfUs' | 'proxyUs') => `${median(xs.map((x) => x[k])).toFixed(0)} µs (${xs.map((x) => x[k].toFixed(0)).join(', ')})`;
    console.log(`  CPU per request, the relay         ${us(alias, 'relayUs')} through the alias; ${us(plain, 'relayUs')} direct (${relays.length - 1} relay process)`);
    console.log(`  CPU per request, Docker's proxy    ${us(alias, 'proxyUs')} through the alias; ${us(plain, 'proxyUs')} direct (${proxies.length} process${proxies.length === 1 ? '' : 'es'})`);
    console.log(`  CPU per request, wharf up itself   ${us(alias, 'wharfUs')} through the alias; ${us(plain, 'wharfUs')} direct`);
    console.log(`  failed requests                    alias ${alias.reduce((s, x) => s + x.bad, 0)}, direct ${plain.reduce((s, x) => s + x.bad, 0)}`);
    ecs.destroy();
  } finally {
    proc.kill('SIGTERM');
    await sleep(1500);
    if (instanceArn) for (const c of await runtime.list({ [LABELS.instanceArn]: instanceArn })) await runtime.remove(c.id).catch(() => undefined);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
