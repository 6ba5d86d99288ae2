// Service Connect with real containers: a server service offers a client alias in a Cloud Map namespace, a client
// service in the same namespace (through the cluster's serviceConnectDefaults) calls http://ALIAS/ from inside its
// task and reaches both server tasks in turn; the name resolves in the client task only; a rolling update of the
// server under continuous calls fails none; bad configurations get ECS's errors and create nothing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ListServicesByNamespaceCommand,
  ListTasksCommand, RegisterTaskDefinitionCommand, UpdateClusterCommand, UpdateServiceCommand, type Task,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const DNS_ADDRESS = '127.0.0.77';
const DNS_PORT = 47501 + Math.floor(Math.random() * 500);
const up = useWharfUp({}, ['--dns-address', `${DNS_ADDRESS}:${DNS_PORT}`]);
const run = promisify(execFile);
const awsvpc = { awsvpcConfiguration: { subnets: ['subnet-a'] } };

const tasksOf = async (name: string): Promise<Task[]> => {
  const arns = (await up.ecs.send(new ListTasksCommand({ serviceName: name }))).taskArns!;
  return arns.length ? (await up.ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks! : [];
};
const exec = async (id: string, ...cmd: string[]) => {
  try {
    return (await run('docker', ['exec', id, ...cmd], { timeout: 20_000 })).stdout.trim();
  } catch (err) {
    return `failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`;
  }
};

/** busybox httpd answering VERSION-HOSTNAME on 8080 (port mapping `http`), gone at once on SIGTERM. */
const server = (version: string) =>
  up.ecs.send(new RegisterTaskDefinitionCommand({
    family: 'greeter', networkMode: 'awsvpc',
    containerDefinitions: [{
      name: 'web', image: BUSYBOX, memory: 32, stopTimeout: 2,
      command: ['sh', '-c', `mkdir -p /w && echo ${version}-$(hostname) > /w/index.html && trap 'exit 0' TERM; httpd -f -p 8080 -h /w & wait`],
      portMappings: [{ name: 'http', containerPort: 8080 }],
    }],
  }));

const connect = { enabled: true, namespace: 'apps', services: [{ portName: 'http', discoveryName: 'greeter', clientAliases: [{ port: 80, dnsName: 'greeter' }] }] };

describe('Service Connect', () => {
  it('lets a client service call the server service by its alias, round robin, through a rolling update', async () => {
    await up.wharf.aws('servicediscovery', 'create-http-namespace', '--name', 'apps');
    await server('v1');
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'caller', networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 32, stopTimeout: 1, command: ['sleep', '3600'] }],
    }));

    // Bad configurations: nothing is created.
    const refused = async (cfg: object, code: string, text: string) => {
      const r = await up.wharf.awsRaw(['ecs', 'create-service', '--service-name', 'bad', '--task-definition', 'greeter', '--desired-count', '1',
        '--network-configuration', 'awsvpcConfiguration={subnets=[subnet-a]}', '--service-connect-configuration', JSON.stringify(cfg)]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(code);
      expect(r.stderr).toContain(text);
    };
    await refused({ ...connect, services: [{ portName: 'grpc' }] }, 'InvalidParameterException', 'The portName grpc');
    await refused({ ...connect, namespace: 'nowhere' }, 'NamespaceNotFoundException', 'nowhere');
    await refused({ enabled: true }, 'InvalidParameterException', 'A namespace must be specified');
    await refused({ ...connect, services: [{ portName: 'http', clientAliases: [{ port: 80 }, { port: 81 }] }] }, 'InvalidParameterException', 'at most one client alias');
    expect((await up.ecs.send(new DescribeServicesCommand({ services: ['bad'] }))).failures![0]!.reason).toBe('MISSING');

    await up.ecs.send(new CreateServiceCommand({
      serviceName: 'greeter', taskDefinition: 'greeter', desiredCount: 2, networkConfiguration: awsvpc, serviceConnectConfiguration: connect,
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
    }));
    // The client takes the namespace from the cluster's defaults.
    await up.ecs.send(new UpdateClusterCommand({ cluster: 'default', serviceConnectDefaults: { namespace: 'apps' } }));
    await up.ecs.send(new CreateServiceCommand({
      serviceName: 'caller', taskDefinition: 'caller', desiredCount: 1, networkConfiguration: awsvpc, serviceConnectConfiguration: { enabled: true },
    }));
    const listed = (await up.ecs.send(new ListServicesByNamespaceCommand({ namespace: 'apps' }))).serviceArns!;
    expect(listed.map((a) => a.split('/').pop()).sort()).toEqual(['caller', 'greeter']);

    await expect.poll(async () => (await tasksOf('greeter')).filter((t) => t.lastStatus === 'RUNNING').length, { timeout: 90_000, interval: 500 }).toBe(2);
    await expect.poll(async () => (await tasksOf('caller')).filter((t) => t.lastStatus === 'RUNNING').length, { timeout: 90_000, interval: 500 }).toBe(1);
    const callerId = (await tasksOf('caller'))[0]!.containers![0]!.runtimeId!;
    const call = () => exec(callerId, 'timeout', '5', 'wget', '-qO-', 'http://greeter/');
    await expect.poll(call, { timeout: 30_000, interval: 500 }).toMatch(/^v1-/);
    // Both server tasks answer, in turn.
    const answers = new Set<string>();
    for (let i = 0; i < 6; i++) answers.add(await call());
    expect([...answers].filter((a) => a.startsWith('v1-')).length).toBe(2);
    // The alias is a name of the client task only: Wharf's DNS server does not know it.
    const { stdout } = await run('dig', [`@${DNS_ADDRESS}`, '-p', String(DNS_PORT), '+time=2', '+tries=1', '+short', 'greeter']);
    expect(stdout.trim()).toBe('');

    // A rolling update of the server under continuous calls: none fails, and the new version answers.
    await server('v2');
    await up.ecs.send(new UpdateServiceCommand({ service: 'greeter', taskDefinition: 'greeter' }));
    const failures: string[] = [];
    const seen = new Set<string>();
    let calls = 0;
    const deadline = Date.now() + 180_000;
    for (;;) {
      const got = await call();
      calls++;
      if (/^v[12]-/.test(got)) seen.add(got.slice(0, 2));
      else failures.push(got);
      const svc = (await up.ecs.send(new DescribeServicesCommand({ services: ['greeter'] }))).services![0]!;
      const running = (await tasksOf('greeter')).filter((t) => t.lastStatus === 'RUNNING');
      if (svc.deployments!.length === 1 && running.length === 2 && got.startsWith('v2-')) break;
      if (Date.now() > deadline) throw new Error('the rolling update did not finish');
    }
    expect(failures).toEqual([]);
    // Calls spanned the rollout: the old version answered during it and the new one after (on a loaded machine a
    // quick rollout may take only a few calls).
    expect(seen).toEqual(new Set(['v1', 'v2']));
    expect(calls).toBeGreaterThanOrEqual(2);

    await up.ecs.send(new DeleteServiceCommand({ service: 'caller', force: true }));
    await up.ecs.send(new DeleteServiceCommand({ service: 'greeter', force: true }));
  }, 420_000);
});
