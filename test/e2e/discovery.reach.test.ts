// Tasks resolving and reaching Cloud Map names with real containers: a client task (awsvpc, and bridge) resolves a
// server service's name with busybox nslookup through the resolver the agent opens in its namespace and gets an HTTP
// answer from the task it names (its 127.1.x.y address relayed into the client's namespace); a bridge server found
// by SRV is reached on its host port the same way; a UDP server (dnsmasq) found by name is reached over UDP; a name
// outside every namespace still resolves, through an upstream the test runs on loopback.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand, DeleteServiceCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand,
  RunTaskCommand, StopTaskCommand, waitUntilTasksRunning, type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX, DNSMASQ, ensureDnsmasq } from '../support/images.js';
import { startTestUpstream, type TestUpstream } from './dnsUpstream.js';
import { useWharfUp } from './wharfUp.js';

const DNS_ADDRESS = '127.0.0.75';
const DNS_PORT = 46901 + Math.floor(Math.random() * 500);
const UPSTREAM_PORT = DNS_PORT + 600;
const up = useWharfUp({}, ['--dns-address', `${DNS_ADDRESS}:${DNS_PORT}`, '--dns-upstream', `127.0.0.76:${UPSTREAM_PORT}`]);
const run = promisify(execFile);
let upstream: TestUpstream;

beforeAll(async () => {
  await ensureDnsmasq(up.runtime);
  // Answers every other name with a documentation address (nothing connects to it).
  upstream = await startTestUpstream('127.0.0.76', '192.0.2.7', UPSTREAM_PORT);
});
afterAll(async () => {
  await upstream?.close();
});

const cli = (...args: string[]) => up.wharf.aws('servicediscovery', ...args);
async function cloudMapService(name: string, records: string): Promise<string> {
  const ns = await cli('list-namespaces');
  let nsId = ns.Namespaces.find((n: { Name: string }) => n.Name === 'corp.test')?.Id;
  if (!nsId) {
    const op = await cli('create-private-dns-namespace', '--name', 'corp.test', '--vpc', 'vpc-0abc');
    nsId = (await cli('get-operation', '--operation-id', op.OperationId)).Operation.Targets.NAMESPACE;
  }
  return (await cli('create-service', '--name', name, '--namespace-id', nsId, '--dns-config', `RoutingPolicy=MULTIVALUE,DnsRecords=${records}`)).Service.Arn;
}

const server = (family: string, text: string, networkMode: 'awsvpc' | 'bridge') =>
  up.ecs.send(new RegisterTaskDefinitionCommand({
    family,
    networkMode,
    containerDefinitions: [{
      name: 'web', image: BUSYBOX, memory: 32, stopTimeout: 2,
      command: ['sh', '-c', `mkdir -p /w && echo ${text} > /w/index.html && exec httpd -f -p 8080 -h /w`],
      portMappings: [{ containerPort: 8080, ...(networkMode === 'bridge' ? { hostPort: 0 } : {}) }],
    }],
  }));

const tasksOf = async (name: string): Promise<Task[]> => {
  const arns = (await up.ecs.send(new ListTasksCommand({ serviceName: name }))).taskArns!;
  return arns.length ? (await up.ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks! : [];
};
const addressOf = (t: Task) => t.attachments![0]!.details!.find((d) => d.name === 'privateIPv4Address')!.value!;
/** Runs a command in a container; resolves with its output, or with the error text when it fails. */
const exec = async (id: string, ...cmd: string[]) => {
  try {
    return (await run('docker', ['exec', id, ...cmd], { timeout: 20_000 })).stdout;
  } catch (err) {
    return `failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`;
  }
};

async function client(networkMode: 'awsvpc' | 'bridge'): Promise<{ task: Task; id: string }> {
  await up.ecs.send(new RegisterTaskDefinitionCommand({
    family: `client-${networkMode}`, networkMode,
    containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 32, stopTimeout: 1, command: ['sleep', '600'] }],
  }));
  const out = await up.ecs.send(new RunTaskCommand({
    taskDefinition: `client-${networkMode}`,
    ...(networkMode === 'awsvpc' ? { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } } } : {}),
  }));
  const arn = out.tasks![0]!.taskArn!;
  await waitUntilTasksRunning({ client: up.ecs, maxWaitTime: 90 }, { tasks: [arn] });
  const task = (await up.ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;
  return { task, id: task.containers![0]!.runtimeId! };
}

describe('tasks resolving and reaching Cloud Map names', () => {
  it('gives awsvpc and bridge clients the server names, HTTP answers from them, and the outside world', async () => {
    const echoArn = await cloudMapService('echo', '[{Type=A,TTL=5}]');
    await server('echo', 'hello-from-awsvpc', 'awsvpc');
    await up.ecs.send(new CreateServiceCommand({
      serviceName: 'echo', taskDefinition: 'echo', desiredCount: 1,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } }, serviceRegistries: [{ registryArn: echoArn }],
    }));
    const bridgeArn = await cloudMapService('legacy', '[{Type=SRV,TTL=5}]');
    await server('legacy', 'hello-from-bridge', 'bridge');
    await up.ecs.send(new CreateServiceCommand({
      serviceName: 'legacy', taskDefinition: 'legacy', desiredCount: 1,
      serviceRegistries: [{ registryArn: bridgeArn, containerName: 'web', containerPort: 8080 }],
    }));
    // A UDP server: dnsmasq answering one name on port 5353.
    const udpArn = await cloudMapService('names', '[{Type=A,TTL=5}]');
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'names', networkMode: 'awsvpc',
      containerDefinitions: [{
        name: 'dns', image: DNSMASQ, memory: 32, stopTimeout: 1,
        command: ['/usr/sbin/dnsmasq', '--no-daemon', '-C', '/dev/null', '-u', 'root', '-g', 'root', '--port=5353', '--no-resolv', '--no-hosts', '--address=/ping.test/192.0.2.9'],
        portMappings: [{ containerPort: 5353, protocol: 'udp' }],
      }],
    }));
    await up.ecs.send(new CreateServiceCommand({
      serviceName: 'names', taskDefinition: 'names', desiredCount: 1,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } }, serviceRegistries: [{ registryArn: udpArn }],
    }));
    await expect.poll(async () => (await cli('list-instances', '--service-id', udpArn.split('/').pop()!)).Instances.length, { timeout: 90_000, interval: 500 }).toBe(1);
    const namesAddress = addressOf((await tasksOf('names'))[0]!);
    await expect.poll(async () => (await cli('list-instances', '--service-id', bridgeArn.split('/').pop()!)).Instances.length, { timeout: 90_000, interval: 500 }).toBe(1);
    await expect.poll(async () => (await cli('list-instances', '--service-id', echoArn.split('/').pop()!)).Instances.length, { timeout: 90_000, interval: 500 }).toBe(1);
    const echoAddress = addressOf((await tasksOf('echo'))[0]!);

    for (const mode of ['awsvpc', 'bridge'] as const) {
      const c = await client(mode);
      // The resolver is opened as the task starts (a bridge container's just after): poll.
      await expect.poll(() => exec(c.id, 'nslookup', 'echo.corp.test'), { timeout: 30_000, interval: 500 }).toContain(`Address: ${echoAddress}`);
      expect(await exec(c.id, 'cat', '/etc/resolv.conf')).toContain('nameserver 127.0.0.53');
      await expect.poll(() => exec(c.id, 'timeout', '10', 'wget', '-qO-', 'http://echo.corp.test:8080/'), { timeout: 30_000, interval: 500 }).toContain('hello-from-awsvpc');
      // SRV: the bridge server's host port, reached at the address the SRV target names.
      const srv = await exec(c.id, 'nslookup', '-type=SRV', 'legacy.corp.test');
      const m = /(\d+) (\S+?)\.?$/m.exec(srv.split('\n').find((l) => /legacy\.corp\.test/.test(l) && /\d+ \d+ \d+/.test(l)) ?? '');
      expect(m, srv).not.toBeNull();
      const [, port, target] = m!;
      await expect.poll(() => exec(c.id, 'timeout', '10', 'wget', '-qO-', `http://${target}:${port}/`), { timeout: 30_000, interval: 500 }).toContain('hello-from-bridge');
      // UDP: the A answer opens a UDP relay for the server's UDP port; a DNS query over it reaches dnsmasq.
      await expect.poll(() => exec(c.id, 'nslookup', 'names.corp.test'), { timeout: 30_000, interval: 500 }).toContain(`Address: ${namesAddress}`);
      await expect.poll(() => exec(c.id, 'nslookup', '-type=a', 'ping.test', `${namesAddress}:5353`), { timeout: 30_000, interval: 500 }).toContain('Address: 192.0.2.9');
      // A name outside every namespace goes upstream.
      expect(await exec(c.id, 'nslookup', 'outside.example')).toContain('Address: 192.0.2.7');
      expect(upstream.asked).toContain('outside.example');
      await up.ecs.send(new StopTaskCommand({ task: c.task.taskArn! }));
    }
    await up.ecs.send(new DeleteServiceCommand({ service: 'echo', force: true }));
    await up.ecs.send(new DeleteServiceCommand({ service: 'legacy', force: true }));
    await up.ecs.send(new DeleteServiceCommand({ service: 'names', force: true }));
  }, 300_000);
});
