// Service Connect in Cloud Map, with real containers: a server entry becomes a Cloud Map service named by its
// discoveryName (API-only, as ECS creates it) whose instances are the server's tasks with ECS's attributes, seen
// through ListServices, ListInstances and DiscoverInstances and in the deployment's serviceConnectResources; the
// instances leave when the service stops using Service Connect. The alias relay closes a connection idle for the
// entry's idleTimeoutSeconds. Refused with ECS's words, creating nothing: a low ingressPortOverride, a per request
// timeout on a TCP port, TLS (Wharf has no Private CA), a discovery name another service serves.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand,
  UpdateServiceCommand, type CreateServiceCommandInput, type Task,
} from '@aws-sdk/client-ecs';
import { DiscoverInstancesCommand, ListInstancesCommand, ListServicesCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { afterAll, describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { TEST_CREDENTIALS } from './harness.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp();
const run = promisify(execFile);
const awsvpc = { awsvpcConfiguration: { subnets: ['subnet-a'] } };
let sd: ServiceDiscoveryClient | undefined;
afterAll(() => sd?.destroy());

const tasksOf = async (name: string): Promise<Task[]> => {
  const arns = (await up.ecs.send(new ListTasksCommand({ serviceName: name }))).taskArns!;
  return arns.length ? (await up.ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks! : [];
};
const running = async (name: string) => (await tasksOf(name)).filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
const exec = async (id: string, timeoutMs: number, ...cmd: string[]) => {
  try {
    return (await run('docker', ['exec', id, ...cmd], { timeout: timeoutMs })).stdout.trim();
  } catch (err) {
    return `failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`;
  }
};
const refusal = async (input: CreateServiceCommandInput) => {
  try {
    await up.ecs.send(new CreateServiceCommand(input));
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
  return 'created';
};

describe('Service Connect in Cloud Map', () => {
  it('registers the server tasks in a Cloud Map service per discovery name, closes idle relayed connections, and refuses what ECS refuses', async () => {
    sd = new ServiceDiscoveryClient({ endpoint: up.wharf.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1, disableHostPrefix: true });
    const nsId = (await up.wharf.aws('servicediscovery', 'create-http-namespace', '--name', 'shop')) as { OperationId: string };
    expect(nsId.OperationId).toBeTruthy();
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'store', networkMode: 'awsvpc',
      containerDefinitions: [{
        name: 'web', image: BUSYBOX, memory: 32, stopTimeout: 2,
        command: ['sh', '-c', "mkdir -p /w && echo store-$(hostname) > /w/index.html && trap 'exit 0' TERM; httpd -f -p 8080 -h /w & wait"],
        portMappings: [{ name: 'api', containerPort: 8080 }],
      }],
    }));
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'shopper', networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 32, stopTimeout: 1, command: ['sleep', '3600'] }],
    }));
    const entry = { portName: 'api', discoveryName: 'store', clientAliases: [{ port: 80, dnsName: 'store' }] };
    const create = (name: string, services: object[], desiredCount = 1): CreateServiceCommandInput => ({
      serviceName: name, taskDefinition: 'store', desiredCount, networkConfiguration: awsvpc,
      serviceConnectConfiguration: { enabled: true, namespace: 'shop', services: services as never },
    });

    // Refusals, in ECS's words; nothing is created.
    const pca = 'arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/0d2c1f4e-1111-2222-3333-444455556666';
    expect(await refusal(create('bad', [{ ...entry, ingressPortOverride: 80 }]))).toBe('InvalidParameterException: IngressPortOverride cannot use ports <= 1024.');
    expect(await refusal(create('bad', [{ ...entry, timeout: { perRequestTimeoutSeconds: 5 } }]))).toBe("InvalidParameterException: Per request timeout 5 can't be set for tcp application.");
    expect(await refusal(create('bad', [{ ...entry, tls: { issuerCertificateAuthority: { awsPcaAuthorityArn: pca } } }]))).toMatch(/^ClientException: Service Connect TLS is not supported by Wharf/);
    expect(await refusal(create('bad', [{ ...entry, timeout: { idleTimeoutSeconds: -1 } }]))).toMatch(/^InvalidParameterException: .*idleTimeoutSeconds/);
    expect((await up.ecs.send(new DescribeServicesCommand({ services: ['bad'] }))).failures![0]!.reason).toBe('MISSING');
    expect((await sd.send(new ListServicesCommand({}))).Services).toEqual([]);

    // The server: its entry idles out relayed connections after 2 s; the override is accepted.
    await up.ecs.send(new CreateServiceCommand(create('store', [{ ...entry, ingressPortOverride: 15000, timeout: { idleTimeoutSeconds: 2 } }], 2)));
    const nsArn = (await up.ecs.send(new DescribeServicesCommand({ services: ['store'] }))).services![0]!.deployments![0]!.serviceConnectConfiguration!.namespace!;
    // A second service cannot serve the same discovery name in the namespace.
    expect(await refusal(create('store2', [entry]))).toBe(`InvalidParameterException: CreateService error: SC service is already used by ${nsArn}`);

    await expect.poll(async () => (await running('store')).length, { timeout: 120_000, interval: 500 }).toBe(2);
    const cloudMapService = async () => (await sd!.send(new ListServicesCommand({}))).Services?.find((s) => s.Name === 'store');
    await expect.poll(cloudMapService, { timeout: 30_000, interval: 500 }).toMatchObject({ Name: 'store', Type: 'HTTP' });
    const srv = (await cloudMapService())!;
    const tasks = await running('store');
    const instances = async () => (await sd!.send(new ListInstancesCommand({ ServiceId: srv.Id }))).Instances ?? [];
    await expect.poll(async () => (await instances()).length, { timeout: 60_000, interval: 500 }).toBe(2);
    for (const inst of await instances()) {
      const task = tasks.find((t) => t.taskArn!.endsWith(`/${inst.Id}`));
      expect(task, `instance ${inst.Id} is a task of store`).toBeTruthy();
      expect(inst.Attributes).toMatchObject({
        AWS_INSTANCE_IPV4: task!.attachments![0]!.details!.find((d) => d.name === 'privateIPv4Address')!.value,
        AWS_INSTANCE_PORT: '8080', ECS_CLUSTER_NAME: 'default', ECS_SERVICE_NAME: 'store', ECS_TASK_DEFINITION_FAMILY: 'store', REGION: 'us-east-1',
      });
    }
    const discovered = await sd.send(new DiscoverInstancesCommand({ NamespaceName: 'shop', ServiceName: 'store', HealthStatus: 'ALL' }));
    expect(discovered.Instances!.map((i) => i.InstanceId).sort()).toEqual((await instances()).map((i) => i.Id).sort());
    const described = (await up.ecs.send(new DescribeServicesCommand({ services: ['store'] }))).services![0]!;
    expect(described.deployments![0]!.serviceConnectResources).toEqual([{ discoveryName: 'store', discoveryArn: srv.Arn }]);

    // A client: the alias answers, and a connection that sends nothing is closed by the relay after about 2 s
    // (busybox httpd itself would wait 60 s for the request).
    await up.ecs.send(new CreateServiceCommand({
      serviceName: 'shopper', taskDefinition: 'shopper', desiredCount: 1, networkConfiguration: awsvpc,
      serviceConnectConfiguration: { enabled: true, namespace: 'shop' },
    }));
    await expect.poll(async () => (await running('shopper')).length, { timeout: 120_000, interval: 500 }).toBe(1);
    const client = (await running('shopper'))[0]!.containers![0]!.runtimeId!;
    await expect.poll(() => exec(client, 20_000, 'timeout', '5', 'wget', '-qO-', 'http://store/'), { timeout: 30_000, interval: 500 }).toMatch(/^store-/);
    // nc and the echo run in a subshell, so the time is nc's own (the pipeline itself waits for sleep).
    const idle = await exec(client, 50_000, 'sh', '-c', 'start=$(date +%s); sleep 25 | (nc store 80; echo closed after $(( $(date +%s) - start )))');
    expect(idle).toMatch(/^closed after \d+$/);
    expect(Number(idle.split(' ').pop())).toBeLessThan(15);

    // The service stops using Service Connect: its tasks of the new deployment are not instances, and the old ones
    // leave Cloud Map as they stop.
    await up.ecs.send(new UpdateServiceCommand({ service: 'store', desiredCount: 1, serviceConnectConfiguration: { enabled: false } }));
    await expect.poll(async () => (await instances()).length, { timeout: 180_000, interval: 1000 }).toBe(0);
    await expect.poll(async () => (await running('store')).length, { timeout: 120_000, interval: 1000 }).toBe(1);
    expect(await instances()).toEqual([]);

    await up.ecs.send(new DeleteServiceCommand({ service: 'shopper', force: true }));
    await up.ecs.send(new DeleteServiceCommand({ service: 'store', force: true }));
  }, 600_000);
});
