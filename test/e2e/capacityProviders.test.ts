// Capacity providers over pools of real Wharf agents: `wharf up` plus two `wharf agent` processes, one in pool
// `small` and one in pool `large` (their wharf.pool attribute), each the Auto Scaling group of a capacity provider.
// A service's strategy spreads its real containers across the pools by base and weight, RunTask honours a strategy,
// and bad input (an unknown or unassociated provider, deleting or removing one in use) gets ECS's errors.
import type { ChildProcess } from 'node:child_process';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteCapacityProviderCommand,
  DeleteServiceCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateCapacityProviderCommand,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/agent/protocol.js';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { removeLabelled } from '../support/cleanup.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { connectedInstances, joinAgent, startWharf, waitUntil, type Wharf } from './harness.js';

const runtime = new DockerRuntime();
let wharf: Wharf;
let ecs: ECSClient;
const hosts: ChildProcess[] = [];
const instanceArns: string[] = [];
/** Container instance ARN -> its pool. */
const poolOf = new Map<string, string>();
const CLUSTER = 'pools';
const asg = (name: string) => `arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0:autoScalingGroupName/${name}`;

beforeAll(async () => {
  await ensureBusybox(runtime);
  wharf = await startWharf({ mode: 'up', env: { WHARF_LB_WORKERS: '0' } });
  ecs = wharf.ecs();
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  for (const pool of ['small', 'large']) hosts.push(joinAgent(wharf, CLUSTER, ['--attribute', `wharf.pool=${pool}`]));
  // Both agents registered and holding their channels, so placement sees both pools from the first task.
  const connected = () => connectedInstances(ecs, CLUSTER);
  for (const ci of await waitUntil(connected, (l) => l.length === 2, 60_000)) {
    instanceArns.push(ci.containerInstanceArn!);
    poolOf.set(ci.containerInstanceArn!, ci.attributes!.find((a) => a.name === 'wharf.pool')!.value!);
  }
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'pool-app',
      containerDefinitions: [{ name: 'main', image: BUSYBOX, memory: 16, cpu: 16, stopTimeout: 1, command: ['sleep', '3600'] }],
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const h of hosts) h.kill('SIGTERM');
  ecs?.destroy();
  await wharf?.stop();
  for (const arn of instanceArns) await removeLabelled(runtime, { [LABELS.instanceArn]: arn });
});

const running = async (service: string): Promise<Task[]> => {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: service }))).taskArns!;
  if (!arns.length) return [];
  return (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks!.filter((t) => t.lastStatus === 'RUNNING');
};
const byPool = (tasks: Task[]) => {
  const out: Record<string, number> = {};
  for (const t of tasks) out[poolOf.get(t.containerInstanceArn!)!] = (out[poolOf.get(t.containerInstanceArn!)!] ?? 0) + 1;
  return out;
};

describe('capacity providers over pools of Wharf agents', () => {
  it('creates, describes and updates capacity providers', async () => {
    const made = await ecs.send(
      new CreateCapacityProviderCommand({
        name: 'small-cp',
        autoScalingGroupProvider: { autoScalingGroupArn: asg('small') },
        tags: [{ key: 'team', value: 'web' }],
      }),
    );
    expect(made.capacityProvider).toEqual({
      capacityProviderArn: 'arn:aws:ecs:us-east-1:000000000000:capacity-provider/small-cp',
      name: 'small-cp',
      status: 'ACTIVE',
      type: 'EC2_AUTOSCALING',
      autoScalingGroupProvider: {
        autoScalingGroupArn: asg('small'),
        managedScaling: { status: 'DISABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
        managedTerminationProtection: 'DISABLED',
        managedDraining: 'ENABLED',
      },
      tags: [{ key: 'team', value: 'web' }],
    });
    await ecs.send(new CreateCapacityProviderCommand({ name: 'large-cp', autoScalingGroupProvider: { autoScalingGroupArn: 'large' } }));
    const updated = await ecs.send(
      new UpdateCapacityProviderCommand({ name: 'large-cp', autoScalingGroupProvider: { managedScaling: { status: 'ENABLED', targetCapacity: 80 } } }),
    );
    expect(updated.capacityProvider).toMatchObject({ updateStatus: 'UPDATE_COMPLETE', autoScalingGroupProvider: { managedScaling: { status: 'ENABLED', targetCapacity: 80 } } });
    const all = await ecs.send(new DescribeCapacityProvidersCommand({}));
    expect(all.capacityProviders!.map((c) => c.name).sort()).toEqual(['FARGATE', 'FARGATE_SPOT', 'large-cp', 'small-cp']);

    // Bad input changes nothing.
    await expect(ecs.send(new CreateCapacityProviderCommand({ name: 'small-cp', autoScalingGroupProvider: { autoScalingGroupArn: asg('other') } }))).rejects.toMatchObject({
      name: 'ClientException',
      message: 'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.',
    });
    await expect(ecs.send(new CreateCapacityProviderCommand({ name: 'again', autoScalingGroupProvider: { autoScalingGroupArn: asg('small') } }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(ecs.send(new CreateCapacityProviderCommand({ name: 'fargate-x', autoScalingGroupProvider: { autoScalingGroupArn: 'x' } }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      ecs.send(new CreateCapacityProviderCommand({ name: 'prot', autoScalingGroupProvider: { autoScalingGroupArn: 'p', managedTerminationProtection: 'ENABLED' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/^The managed termination protection setting/) });
    await expect(
      ecs.send(
        new CreateCapacityProviderCommand({
          name: 'mi',
          managedInstancesProvider: {
            infrastructureRoleArn: 'arn:aws:iam::000000000000:role/x',
            instanceLaunchTemplate: { ec2InstanceProfileArn: 'arn:aws:iam::000000000000:instance-profile/x', networkConfiguration: { subnets: ['subnet-1'] } },
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnsupportedFeatureException' });
    expect((await ecs.send(new DescribeCapacityProvidersCommand({}))).capacityProviders).toHaveLength(4);
  });

  it('spreads a service across the pools by base and weight, and RunTask by its strategy', async () => {
    await expect(
      ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'pool-app', capacityProviderStrategy: [{ capacityProvider: 'small-cp', weight: 1 }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/not associated with the cluster/) });
    const put = await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: CLUSTER,
        capacityProviders: ['small-cp', 'large-cp'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'small-cp', weight: 1 }],
      }),
    );
    expect(put.cluster!.defaultCapacityProviderStrategy).toEqual([{ capacityProvider: 'small-cp', weight: 1, base: 0 }]);
    await expect(
      ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: CLUSTER, capacityProviders: ['small-cp', 'FARGATE'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'small-cp', weight: 1 }, { capacityProvider: 'FARGATE', weight: 1 }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });

    // Weight 1 : 3 over four tasks: one on small, three on large.
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER, serviceName: 'spread', taskDefinition: 'pool-app', desiredCount: 4,
        capacityProviderStrategy: [{ capacityProvider: 'small-cp', weight: 1 }, { capacityProvider: 'large-cp', weight: 3 }],
      }),
    );
    await expect.poll(async () => (await running('spread')).length, { timeout: 90_000, interval: 500 }).toBe(4);
    const tasks = await running('spread');
    expect(byPool(tasks)).toEqual({ small: 1, large: 3 });
    expect(tasks.map((t) => t.capacityProviderName).sort()).toEqual(['large-cp', 'large-cp', 'large-cp', 'small-cp']);
    for (const t of tasks) expect((await runtime.list({ [LABELS.taskArn]: t.taskArn! })).filter((c) => c.running)).toHaveLength(1);

    // A base of 2 on small first, then weights 1 : 1.
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER, taskDefinition: 'pool-app', count: 4,
        capacityProviderStrategy: [{ capacityProvider: 'small-cp', base: 2, weight: 1 }, { capacityProvider: 'large-cp', weight: 1 }],
      }),
    );
    expect(run.failures).toEqual([]);
    expect(byPool(run.tasks!)).toEqual({ small: 3, large: 1 });
    // The cluster's default strategy: everything on small.
    const dflt = await ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'pool-app', count: 2 }));
    expect(byPool(dflt.tasks!)).toEqual({ small: 2 });
    for (const t of [...run.tasks!, ...dflt.tasks!]) await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: t.taskArn! }));

    // In use: not removed from the cluster, not deleted.
    await expect(
      ecs.send(new PutClusterCapacityProvidersCommand({ cluster: CLUSTER, capacityProviders: ['small-cp'], defaultCapacityProviderStrategy: [] })),
    ).rejects.toMatchObject({ name: 'ResourceInUseException', message: 'The specified capacity provider is in use and cannot be removed.' });
    await expect(ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'large-cp' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER] }))).clusters![0]!;
    expect(cluster.capacityProviders).toEqual(['small-cp', 'large-cp']);

    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'spread', force: true }));
    await expect
      .poll(async () => (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['spread'] }))).services![0]!.status, { timeout: 60_000 })
      .toBe('INACTIVE');
    await ecs.send(new PutClusterCapacityProvidersCommand({ cluster: CLUSTER, capacityProviders: ['small-cp'], defaultCapacityProviderStrategy: [] }));
    const deleted = await ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'large-cp' }));
    expect(deleted.capacityProvider).toMatchObject({ name: 'large-cp', status: 'INACTIVE', updateStatus: 'DELETE_COMPLETE' });
  }, 240_000);
});
