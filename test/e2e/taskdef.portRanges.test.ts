// containerPortRange on a real agent: a bridge task gets a run of consecutive host ports from the dynamic host port
// range and an awsvpc task its range at its own address, both reported as ECS reports them (one network binding with
// containerPortRange and hostPortRange); busybox httpd listening on two ports of the range answers through them.
// A range with a hostPort is refused at registration, and one the dynamic range cannot hold fails placement.
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp({ WHARF_LB_WORKERS: '0' });

// Two servers inside 8000-8004, each saying which port it is.
const SERVE = 'for p in 8001 8003; do mkdir -p /w$p && echo port-$p > /w$p/index.html && httpd -p $p -h /w$p; done; exec sleep 600';

const get = (url: string) => fetch(url).then((r) => r.text(), () => '').then((t) => t.trim());

async function running(taskArn: string): Promise<Task> {
  let task: Task | undefined;
  await expect.poll(async () => {
    task = (await up.ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks![0]!;
    if (task.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.stoppedReason}`);
    return task.lastStatus === 'RUNNING' && (task.containers![0]!.networkBindings ?? []).length > 0;
  }, { timeout: 60_000, interval: 500 }).toBe(true);
  return task!;
}

describe('containerPortRange', () => {
  it('publishes a bridge task\'s range on consecutive dynamic host ports', async () => {
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'ranges-bridge',
      networkMode: 'bridge',
      containerDefinitions: [{
        name: 'web', image: BUSYBOX, memory: 32, stopTimeout: 2, command: ['sh', '-c', SERVE],
        portMappings: [{ containerPort: 9000 }, { containerPortRange: '8000-8004' }, { containerPortRange: '7000-7001', protocol: 'udp' }],
      }],
    }));
    const run = await up.ecs.send(new RunTaskCommand({ taskDefinition: 'ranges-bridge' }));
    expect(run.failures).toEqual([]);
    const task = await running(run.tasks![0]!.taskArn!);
    const bindings = task.containers![0]!.networkBindings!;
    const tcp = bindings.find((b) => b.containerPortRange === '8000-8004')!;
    expect(tcp).toMatchObject({ protocol: 'tcp', containerPortRange: '8000-8004' });
    expect(tcp.containerPort).toBeUndefined();
    const [lo, hi] = tcp.hostPortRange!.split('-').map(Number) as [number, number];
    expect(hi - lo).toBe(4);
    expect(lo).toBeGreaterThanOrEqual(up.wharf.dynamicPorts[0]);
    expect(hi).toBeLessThanOrEqual(up.wharf.dynamicPorts[1]);
    expect(bindings.find((b) => b.protocol === 'udp')).toMatchObject({ containerPortRange: '7000-7001' });
    const single = bindings.find((b) => b.containerPort === 9000)!;
    expect(single.hostPort).toBeGreaterThanOrEqual(up.wharf.dynamicPorts[0]);
    // The range's host ports are not the single port's.
    expect(single.hostPort! < lo || single.hostPort! > hi).toBe(true);

    await expect.poll(() => get(`http://${tcp.bindIP}:${lo + 1}/`), { timeout: 20_000 }).toBe('port-8001');
    expect(await get(`http://${tcp.bindIP}:${lo + 3}/`)).toBe('port-8003');
    await up.ecs.send(new StopTaskCommand({ task: task.taskArn! }));
  });

  it('publishes an awsvpc task\'s range at its own address, the host range the container range', async () => {
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'ranges-awsvpc',
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: BUSYBOX, stopTimeout: 2, command: ['sh', '-c', SERVE], portMappings: [{ containerPortRange: '8000-8004' }] }],
    }));
    const run = await up.ecs.send(new RunTaskCommand({ taskDefinition: 'ranges-awsvpc', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } } }));
    expect(run.failures).toEqual([]);
    const task = await running(run.tasks![0]!.taskArn!);
    const address = task.attachments![0]!.details!.find((d) => d.name === 'privateIPv4Address')!.value!;
    expect(task.containers![0]!.networkBindings).toEqual([{ bindIP: address, protocol: 'tcp', containerPortRange: '8000-8004', hostPortRange: '8000-8004' }]);
    await expect.poll(() => get(`http://${address}:8001/`), { timeout: 20_000 }).toBe('port-8001');
    expect(await get(`http://${address}:8003/`)).toBe('port-8003');
    await up.ecs.send(new StopTaskCommand({ task: task.taskArn! }));
  });

  it('refuses a range with a host port, and places no range the dynamic host port range cannot hold', async () => {
    const refused = await up.wharf.awsRaw(['ecs', 'register-task-definition', '--family', 'ranges-bad', '--container-definitions',
      JSON.stringify([{ name: 'web', image: BUSYBOX, memory: 32, portMappings: [{ containerPortRange: '8000-8004', hostPort: 8000 }] }])]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('ClientException');
    expect(refused.stderr).toContain('You cannot specify both single port and port range.');
    const none = await up.wharf.aws('ecs', 'list-task-definitions', '--family-prefix', 'ranges-bad');
    expect(none.taskDefinitionArns).toEqual([]);

    // The test Wharf's dynamic range holds 96 ports.
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'ranges-wide',
      containerDefinitions: [{ name: 'web', image: BUSYBOX, memory: 32, command: ['sleep', '60'], portMappings: [{ containerPortRange: '20000-20200' }] }],
    }));
    const run = await up.ecs.send(new RunTaskCommand({ taskDefinition: 'ranges-wide' }));
    expect(run.tasks).toEqual([]);
    expect(run.failures![0]!.reason).toBe('RESOURCE:PORTS');
  });
});
