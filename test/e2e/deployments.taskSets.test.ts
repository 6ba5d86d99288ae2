// Task sets through the AWS SDK with real containers behind a Wharf load balancer on loopback: a service with the
// EXTERNAL deployment controller runs the tasks of its task sets (each its scale of the desired count, each in its
// own target group), an external controller moves from one task set to another with UpdateTaskSet,
// UpdateServicePrimaryTaskSet and DeleteTaskSet, and bad input gets ECS's errors and changes nothing.
import {
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteServiceCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  ListTasksCommand,
  UpdateServiceCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
  type TaskSet,
} from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient } from './elbv2Client.js';
import type { ElbWharf } from './elbv2Harness.js';
import { get, registerVersion, shiftingLoadBalancer, type ShiftingSetup } from './deploymentsHarness.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp();
let elb: ElasticLoadBalancingV2Client;
let lb: ShiftingSetup;

beforeAll(async () => {
  elb = elbClient({ url: up.wharf.url } as ElbWharf);
  lb = await shiftingLoadBalancer(elb, 'ts');
}, 60_000);

afterAll(() => elb?.destroy());

const sets = async (): Promise<TaskSet[]> => (await up.ecs.send(new DescribeTaskSetsCommand({ cluster: 'default', service: 'ext' }))).taskSets!;
const setOf = async (id: string) => (await sets()).find((t) => t.id === id);
const service = async () => (await up.ecs.send(new DescribeServicesCommand({ services: ['ext'] }))).services![0]!;
const tasks = async () => (await up.ecs.send(new ListTasksCommand({ serviceName: 'ext' }))).taskArns!;

describe('task sets (EXTERNAL deployment controller)', () => {
  it('runs each task set at its scale in its own target group, and moves from one to another', async () => {
    const created = await up.ecs.send(new CreateServiceCommand({ serviceName: 'ext', desiredCount: 2, deploymentController: { type: 'EXTERNAL' } }));
    expect(created.service).toMatchObject({ deploymentController: { type: 'EXTERNAL' }, deployments: [], taskSets: [] });
    const v1 = await registerVersion(up.ecs, 'ts-site', 'v1');
    const v2 = await registerVersion(up.ecs, 'ts-site', 'v2');
    const lbFor = (targetGroupArn: string) => [{ targetGroupArn, containerName: 'web', containerPort: 80 }];

    const a = (await up.ecs.send(new CreateTaskSetCommand({ cluster: 'default', service: 'ext', taskDefinition: v1, loadBalancers: lbFor(lb.blue), externalId: 'blue' })))
      .taskSet!;
    expect(a).toMatchObject({
      id: expect.stringMatching(/^ecs-svc\/\d{19}$/),
      taskSetArn: expect.stringMatching(/:task-set\/default\/ext\/ecs-svc\/\d{19}$/),
      status: 'ACTIVE', externalId: 'blue', taskDefinition: v1, computedDesiredCount: 2, scale: { unit: 'PERCENT', value: 100 },
      stabilityStatus: 'STABILIZING', launchType: 'EC2',
    });
    await expect.poll(async () => (await setOf(a.id!))?.stabilityStatus, { timeout: 120_000, interval: 250 }).toBe('STEADY_STATE');
    expect(await setOf(a.id!)).toMatchObject({ runningCount: 2, pendingCount: 0 });
    await expect.poll(() => get(lb.prodUrl), { timeout: 60_000, interval: 250 }).toBe('v1');

    await up.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: 'default', service: 'ext', primaryTaskSet: a.taskSetArn }));
    let svc = await service();
    expect(svc).toMatchObject({ taskDefinition: v1, loadBalancers: lbFor(lb.blue), runningCount: 2 });
    expect(svc.taskSets!.map((t) => [t.id, t.status])).toEqual([[a.id, 'PRIMARY']]);

    // The second task set at half the desired count, reached on the test listener's target group.
    const b = (await up.ecs.send(new CreateTaskSetCommand({ cluster: 'default', service: 'ext', taskDefinition: v2, loadBalancers: lbFor(lb.green), scale: { unit: 'PERCENT', value: 50 } })))
      .taskSet!;
    expect(b.computedDesiredCount).toBe(1);
    await expect.poll(async () => (await setOf(b.id!))?.runningCount, { timeout: 120_000, interval: 250 }).toBe(1);
    await expect.poll(() => get(lb.testUrl), { timeout: 60_000, interval: 250 }).toBe('v2');
    expect(await get(lb.prodUrl)).toBe('v1');
    expect(await tasks()).toHaveLength(3);

    // The desired count scales every task set by its percent (rounded up).
    await up.ecs.send(new UpdateServiceCommand({ service: 'ext', desiredCount: 3 }));
    await expect.poll(async () => (await sets()).map((t) => [t.computedDesiredCount, t.runningCount]), { timeout: 120_000, interval: 250 }).toEqual([
      [3, 3],
      [2, 2],
    ]);
    await up.ecs.send(new UpdateServiceCommand({ service: 'ext', desiredCount: 2 }));

    await up.ecs.send(new UpdateTaskSetCommand({ cluster: 'default', service: 'ext', taskSet: b.id, scale: { unit: 'PERCENT', value: 100 } }));
    await up.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: 'default', service: 'ext', primaryTaskSet: b.id }));
    svc = await service();
    expect(svc.taskDefinition).toBe(v2);
    expect(svc.taskSets!.map((t) => [t.id, t.status])).toEqual([
      [b.id, 'PRIMARY'],
      [a.id, 'ACTIVE'],
    ]);

    // A task set still scaled above 0 is deleted only with force; at 0 its tasks go and so does it.
    await expect(up.ecs.send(new DeleteTaskSetCommand({ cluster: 'default', service: 'ext', taskSet: a.id }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect((await setOf(a.id!))?.status).toBe('ACTIVE');
    await up.ecs.send(new UpdateTaskSetCommand({ cluster: 'default', service: 'ext', taskSet: a.taskSetArn, scale: { unit: 'PERCENT', value: 0 } }));
    await expect.poll(async () => (await setOf(a.id!))?.runningCount, { timeout: 60_000, interval: 250 }).toBe(0);
    const deleted = (await up.ecs.send(new DeleteTaskSetCommand({ cluster: 'default', service: 'ext', taskSet: a.id }))).taskSet!;
    expect(deleted.status).toBe('DRAINING');
    await expect.poll(async () => (await sets()).map((t) => t.id), { timeout: 60_000, interval: 250 }).toEqual([b.id]);
    await expect.poll(async () => (await setOf(b.id!))?.stabilityStatus, { timeout: 120_000, interval: 250 }).toBe('STEADY_STATE');
    expect(await setOf(b.id!)).toMatchObject({ runningCount: 2, computedDesiredCount: 2 });
    expect(await tasks()).toHaveLength(2);
    const missing = await up.ecs.send(new DescribeTaskSetsCommand({ cluster: 'default', service: 'ext', taskSets: [a.id!] }));
    expect(missing.failures).toEqual([{ arn: a.id, reason: 'MISSING' }]);
  }, 480_000);

  it('refuses what a task set cannot be, and changes nothing', async () => {
    const v1 = await registerVersion(up.ecs, 'ts-site', 'v1');
    const before = await sets();
    const create = (extra: object) => up.ecs.send(new CreateTaskSetCommand({ cluster: 'default', service: 'ext', taskDefinition: v1, ...extra }));
    await expect(create({ scale: { unit: 'PERCENT', value: 150 } })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(create({ loadBalancers: [{ targetGroupArn: lb.blue, containerPort: 80 }] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Container Name can not be blank.',
    });
    await expect(create({ loadBalancers: [{ targetGroupArn: lb.blue, containerName: 'web', containerPort: 8080 }] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The container web did not have a container port 8080 defined.',
    });
    await expect(create({ taskDefinition: 'no-such-family:1' })).rejects.toMatchObject({ name: 'ClientException' });
    await expect(up.ecs.send(new UpdateTaskSetCommand({ cluster: 'default', service: 'ext', taskSet: 'ecs-svc/1234567890123456789', scale: { unit: 'PERCENT', value: 10 } })))
      .rejects.toMatchObject({ name: 'TaskSetNotFoundException' });
    await expect(up.ecs.send(new UpdateServiceCommand({ service: 'ext', taskDefinition: v1 }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(up.ecs.send(new UpdateServiceCommand({ service: 'ext', deploymentController: { type: 'ECS' } }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      up.ecs.send(new CreateServiceCommand({ serviceName: 'ext-bad', desiredCount: 1, taskDefinition: v1, deploymentController: { type: 'EXTERNAL' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      up.ecs.send(new CreateServiceCommand({ serviceName: 'ext-bad', desiredCount: 1, taskDefinition: v1, deploymentController: { type: 'CODE_DEPLOY' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });

    // Task sets on a service with the ECS controller.
    await up.ecs.send(new CreateServiceCommand({ serviceName: 'ecs-ctl', desiredCount: 0, taskDefinition: v1 }));
    await expect(up.ecs.send(new CreateTaskSetCommand({ cluster: 'default', service: 'ecs-ctl', taskDefinition: v1 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Amazon ECS only supports task set management on services configured to use external deployment controllers.',
    });
    await up.ecs.send(new DeleteServiceCommand({ service: 'ecs-ctl', force: true }));

    // At most five task sets (scaled to 0 here, so nothing runs).
    for (let i = before.length; i < 5; i++) await create({ scale: { unit: 'PERCENT', value: 0 } });
    await expect(create({ scale: { unit: 'PERCENT', value: 0 } })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: '5 deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.',
    });
    expect(await sets()).toHaveLength(5);
    expect(await tasks()).toHaveLength(2);

    await up.ecs.send(new DeleteServiceCommand({ service: 'ext', force: true }));
    await expect.poll(async () => (await service()).status, { timeout: 60_000, interval: 250 }).toBe('INACTIVE');
    expect(await tasks()).toEqual([]);
  }, 240_000);
});
